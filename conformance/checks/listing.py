"""Checks on every list answer: envelope, page size, the filters the request named, order."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any, cast

from conformance.checks.context import CheckContext
from conformance.checks.kinds import LISTING
from conformance.checks.registry import applicable
from conformance.checks.values import parse_time, same_address
from conformance.core.failures import Violation
from conformance.core.statuses import STATUSES

__all__ = ["ENVELOPE_KEYS", "FILTERED_FIELDS", "MAX_PAGE_SIZE", "filter_mismatch"]

ENVELOPE_KEYS = {
    "signalwire": (
        "uri",
        "first_page_uri",
        "next_page_uri",
        "previous_page_uri",
        "page",
        "page_size",
        "calls",
    ),
    "twilio": (
        "uri",
        "first_page_uri",
        "next_page_uri",
        "previous_page_uri",
        "page",
        "page_size",
        "calls",
        "start",
        "end",
    ),
}
Envelope = Mapping[str, Any]
# The list filters the contract names, and the Call field each one selects by.
FILTERED_FIELDS = {"To": "to", "From": "from", "Status": "status"}
# The largest PageSize both providers document (calls-api-facts.md §4.1).
MAX_PAGE_SIZE = 1000


def _calls(envelope: Envelope) -> list[Mapping[str, Any]]:
    calls = envelope.get("calls")
    return [c for c in calls if isinstance(c, Mapping)] if isinstance(calls, list) else []


def _query(ctx: CheckContext, name: str) -> str | None:
    values = ctx.query.get(name) or []
    return values[0] if len(values) == 1 else None


@LISTING("LIST-ENVELOPE")
def list_envelope_complete(ctx: CheckContext, envelope: Envelope) -> None:
    missing = [k for k in ENVELOPE_KEYS[ctx.profile] if k not in envelope]
    if missing:
        raise Violation("list answer lacks envelope keys", received=missing, expected="present")
    if not isinstance(envelope["calls"], list):
        raise Violation(
            "`calls` is not an array", received=type(envelope["calls"]).__name__, expected="array"
        )
    if not isinstance(envelope["page"], int) or isinstance(envelope["page"], bool):
        raise Violation("`page` is not an integer", received=envelope["page"], expected="integer")


@LISTING("LIST-PAGE-SIZE")
def list_respects_page_size(ctx: CheckContext, envelope: Envelope) -> None:
    asked = _query(ctx, "PageSize")
    # Only a PageSize within the documented range is judged: outside it, a provider may refuse or cap it.
    applicable(asked is not None and asked.isdigit() and 1 <= int(asked) <= MAX_PAGE_SIZE)
    size = int(cast("str", asked))
    calls = envelope.get("calls")
    if isinstance(calls, list) and len(calls) > size:
        raise Violation("more calls than PageSize", received=len(calls), expected=f"<= {size}")
    if str(envelope.get("page_size")) != str(size):
        raise Violation(
            "`page_size` does not echo PageSize", received=envelope.get("page_size"), expected=size
        )


def filter_mismatch(param: str, wanted: str, calls: list[Mapping[str, Any]]) -> Violation | None:
    """The violation of calls listed under the filter `param`=`wanted` that some call does not match, else None."""
    if param == "Status":
        wrong = [(c.get("sid"), c.get("status")) for c in calls if c.get("status") != wanted]
        if wrong:
            return Violation(
                f"calls listed with Status={wanted} have another status", received=wrong[:5], expected=wanted
            )
        return None
    field = FILTERED_FIELDS[param]
    for call in calls:
        value = call.get(field)
        if not isinstance(value, str) or not (value == wanted or same_address(wanted, value)):
            return Violation(
                f"a call listed with {param}={wanted} has another `{field}`",
                received={"sid": call.get("sid"), field: value},
                expected=wanted,
            )
    return None


def _filter(ctx: CheckContext, envelope: Envelope, param: str) -> None:
    wanted = _query(ctx, param)
    applicable(wanted and _calls(envelope) and (param != "Status" or wanted in STATUSES))
    violation = filter_mismatch(param, cast("str", wanted), _calls(envelope))
    if violation is not None:
        raise violation


@LISTING("LIST-FILTER-TO")
def list_filter_to(ctx: CheckContext, envelope: Envelope) -> None:
    _filter(ctx, envelope, "To")


@LISTING("LIST-FILTER-FROM")
def list_filter_from(ctx: CheckContext, envelope: Envelope) -> None:
    _filter(ctx, envelope, "From")


@LISTING("LIST-FILTER-STATUS")
def list_filter_status(ctx: CheckContext, envelope: Envelope) -> None:
    _filter(ctx, envelope, "Status")


@LISTING("LIST-NEWEST-FIRST")
def list_newest_first(ctx: CheckContext, envelope: Envelope) -> None:
    parsed = [(c.get("sid"), parse_time(c.get("date_created"))) for c in _calls(envelope)]
    times = [(sid, t) for sid, t in parsed if t is not None]
    applicable(len({t for _, t in times}) > 1)
    for (earlier_sid, earlier), (later_sid, later) in itertools.pairwise(times):
        if later > earlier:
            raise Violation(
                "a newer call is listed after an older one",
                received={earlier_sid: str(earlier), later_sid: str(later)},
                expected="newest first",
            )
