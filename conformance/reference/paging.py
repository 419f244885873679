"""GET /Calls: filters, newest-first order and token paging.

A page token is ``PA<sid>`` (the items after that call) or ``PB<sid>`` (the items before it), so
paging stays stable while calls are created: new calls go to the front and never shift later pages. "After"
is by the call's place in the order (its creation date, then its creation order), so calls created in the same
second, or kept from before (seeded) in any order, are each listed once.
As for creates, the query is judged as sent: an empty filter is an invalid value, not a missing one,
and a parameter given twice is refused. Under twilio the envelope also says where the page sits in the
whole list (``start``, ``end``: the positions of its first and last call, both 0 on an empty page, as in
Twilio's examples).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from .api_errors import ApiError
from .call_store import STATUSES, Call, CallStore, Position
from .dates import parse_filter_date
from .faults import Behaviour, FaultSet
from .profiles import Profile
from .serialize import serialize_call
from .syntax import repeated
from .validation import Form

__all__ = ["DEFAULT_PAGE_SIZE", "LIST_PARAMETERS", "MAX_PAGE_SIZE", "list_calls"]

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
_PAGING_KEYS = frozenset({"Page", "PageSize", "PageToken"})
_TOKEN = re.compile(r"P([AB])(.{1,64})")
_INT = re.compile(r"[0-9]{1,30}")  # the spec bounds PageSize, not Page
_NEGATIVE = re.compile(r"-[0-9]{1,30}")
_TIME_FILTERS = ("StartTime", "StartTime<", "StartTime>", "EndTime", "EndTime<", "EndTime>")
LIST_PARAMETERS = frozenset({"To", "From", "ParentCallSid", "Status", *_TIME_FILTERS, *_PAGING_KEYS})


def _phone(value: str) -> str:
    """A '+' sent unencoded in a query arrives as a space; read it as the '+' it was meant to be."""
    return "+" + value[1:] if value.startswith(" ") and value[1:].isdigit() else value


def _time_filter(name: str, value: str) -> Callable[[Call], bool]:
    try:
        low, high = parse_filter_date(value)
    except ValueError as exc:
        raise ApiError(400, 10000, f"{name} must be an RFC 2822 date or YYYY-MM-DD.") from exc
    attribute = "start_time" if name.startswith("Start") else "end_time"

    def keep(call: Call) -> bool:
        moment: dt.datetime | None = getattr(call, attribute)
        if moment is None:
            return False
        if name.endswith("<"):
            return moment <= low
        if name.endswith(">"):
            return moment >= low
        return low <= moment < high

    return keep


def _screen(query: Form, profile: Profile) -> None:
    """Refuse a parameter given twice, an empty To or From, and a ParentCallSid that is no sid."""
    twice = repeated(query.pairs, LIST_PARAMETERS)
    if twice is not None:
        raise ApiError(400, 10000, f"{twice} was given more than once.")
    for name in ("To", "From"):
        if query.get(name) == "":
            raise ApiError(400, 10000, f"{name} must not be empty; leave the filter out instead.")
    parent = query.get("ParentCallSid")
    if parent is not None and not profile.sid_matches("CA", parent):
        raise ApiError(400, 10000, "ParentCallSid must be a call sid.")
    status = query.get("Status")
    if status is not None and status not in STATUSES:
        raise ApiError(400, 10000, f"Status must be one of {', '.join(STATUSES)}.")


def _filters(query: Form, behaviour: Behaviour, profile: Profile) -> list[Callable[[Call], bool]]:
    _screen(query, profile)
    keep: list[Callable[[Call], bool]] = []
    to, from_, status, parent = (
        query.get("To"),
        query.get("From"),
        query.get("Status"),
        query.get("ParentCallSid"),
    )
    if to is not None and behaviour.to_filter_honoured:
        wanted_to = _phone(to)
        keep.append(lambda call: call.to == wanted_to)
    if from_ is not None and behaviour.from_filter_honoured:
        wanted_from = _phone(from_)
        keep.append(lambda call: call.from_ == wanted_from)
    if status is not None and behaviour.status_filter_honoured:
        keep.append(lambda call: call.status == status)
    if parent is not None:
        keep.append(lambda call: False)  # this endpoint only makes parentless calls
    for name in _TIME_FILTERS:
        value = query.get(name)
        if value is not None:
            keep.append(_time_filter(name, value))
    return keep


def _int_param(query: Form, name: str, default: int, behaviour: Behaviour) -> int | None:
    value = query.get(name)
    if value is None:
        return default
    if not _INT.fullmatch(value):
        if behaviour.bad_integers == "crash" and name == "PageSize":
            raise ApiError(500, 20500, "Internal Server Error")
        return None
    return int(value)


def _page_size(query: Form, behaviour: Behaviour) -> int:
    """PageSize: a whole number from 1 to the maximum (the correct endpoint's is MAX_PAGE_SIZE), else 400
    (54454); a fault crashes on a value out of that range, or takes the default instead."""
    text = query.get("PageSize")
    size = _int_param(query, "PageSize", DEFAULT_PAGE_SIZE, behaviour)  # None: no whole number
    if size is not None and 1 <= size <= behaviour.page_size_maximum:
        return size
    out_of_range = size is not None or (text is not None and _NEGATIVE.fullmatch(text) is not None)
    if out_of_range and behaviour.page_size_out_of_range_crashes:
        raise ApiError(500, 20500, "Internal Server Error")
    if out_of_range and behaviour.page_size_out_of_range_defaulted:
        return DEFAULT_PAGE_SIZE
    raise ApiError(
        400, 54454, f"The page size provided is invalid: PageSize must be 1 to {behaviour.page_size_maximum}."
    )


def _page(query: Form, behaviour: Behaviour) -> int:
    """Page: a whole number, 0 or more; else 400, unless a fault crashes on a negative one."""
    page = _int_param(query, "Page", 0, behaviour)
    if page is None:
        if behaviour.negative_page_crashes and _NEGATIVE.fullmatch(query.get("Page") or ""):
            raise ApiError(500, 20500, "Internal Server Error")
        raise ApiError(400, 10000, "Page must be a whole number, 0 or more.")
    return page


def list_calls(
    store: CallStore,
    account_sid: str,
    query: Form,
    path: str,
    raw_query: str,
    profile: Profile,
    faults: FaultSet,
) -> dict[str, Any]:
    """The list envelope for one request."""
    behaviour = faults.behaviour
    page_size = _page_size(query, behaviour)
    page = _page(query, behaviour)
    token = query.get("PageToken")
    if page > 0 and token is None and not behaviour.page_without_token_accepted:
        raise ApiError(400, 54453, "A PageToken must be included if your Page value is larger than 0.")
    direction, mark, match = None, None, None
    if token is not None:
        match = _TOKEN.fullmatch(token)
        mark = store.position_of(account_sid, match.group(2)) if match else None
        if (match is None or mark is None) and behaviour.foreign_page_token_crashes:
            raise ApiError(500, 20500, "Internal Server Error")
        if (match is None or mark is None) and not behaviour.foreign_page_token_ignored:
            raise ApiError(400, 21481, "The page token supplied was invalid.")
        direction = match.group(1) if match is not None and mark is not None else None

    keep = _filters(query, behaviour, profile)
    ordered = [call for call in store.calls_of(account_sid) if all(test(call) for test in keep)]
    oldest_first = behaviour.list_order == "oldest-first"
    if oldest_first:
        ordered.reverse()

    def after(position: Position, mark: Position, *, inclusive: bool = False) -> bool:
        if inclusive and position == mark:
            return True
        return position > mark if oldest_first else position < mark

    size = page_size if behaviour.list_page_size_honoured else DEFAULT_PAGE_SIZE
    if direction == "A" and mark is not None:
        overlap = behaviour.pages_overlap
        items = [call for call in ordered if after(call.position, mark, inclusive=overlap)][:size]
    elif direction == "B" and mark is not None:
        before = [call for call in ordered if not after(call.position, mark, inclusive=True)]
        items = before[-size:] if before else []
    else:
        items = ordered[:size]

    filters = [(key, value) for key, value in query.pairs if key not in _PAGING_KEYS]

    def page_uri(number: int, page_token: str | None = None) -> str:
        # A fault: the links to other pages lose the request's filters (the first page's keep them).
        kept = filters if page_token is None or behaviour.next_page_keeps_filters else []
        pairs = [*kept, ("Page", str(number)), ("PageSize", str(page_size))]
        if page_token:
            pairs.append(("PageToken", page_token))
        return f"{path}?{urlencode(pairs)}"

    more = (
        bool(items)
        and len(items) >= size
        and any(after(call.position, items[-1].position) for call in ordered)
    )
    next_uri = page_uri(page + 1, "PA" + items[-1].sid) if more else None
    if next_uri is None and behaviour.last_page_links_next:
        next_uri = page_uri(page + 1, "PA" + items[-1].sid) if items else page_uri(page, token)
    previous_uri = None
    if page > 0:
        first = items[0].sid if items else (match.group(2) if token and match else None)
        previous_uri = page_uri(page - 1, "PB" + first) if first else None

    envelope: dict[str, Any] = {
        "uri": f"{path}?{raw_query}" if raw_query else path,
        "first_page_uri": page_uri(0),
        "next_page_uri": next_uri,
        "previous_page_uri": previous_uri,
        "page": page,
        "page_size": page_size,
        "calls": [serialize_call(call, profile, faults) for call in items],
    }
    if profile.list_positions:
        envelope["start"] = page * page_size
        envelope["end"] = page * page_size + max(0, len(items) - 1)
    return faults.envelope(envelope)
