"""Listing: paging through next_page_uri, and the To/From/Status filters on calls that differ.

These tests create calls when the run may (and the budget gives them some), and otherwise judge what the
account already holds: a read-only run still pages through the account's calls.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from conformance.core.bodies import json_field, json_object
from conformance.core.failures import Violation
from conformance.core.signals import CallBudgetExhausted, NotJudged
from conformance.harness.harness import Harness
from conformance.plan.conditions import Needs

MAX_PAGES = 20
PAGE_SIZE = 2
PAGED_CALLS = 4  # the run's own calls paging needs: more than PAGE_SIZE, in two pages at least
# Paging walks every call of the account, and the filters list what it holds: no scenario creates calls meanwhile.
pytestmark = pytest.mark.quiet_account


def _body(harness: Harness, response: Any) -> dict[str, Any]:
    body = harness.json(response, "LIST-ENVELOPE", "a list")
    if not isinstance(body, dict) or not isinstance(body.get("calls"), list):
        raise NotJudged(f"a list answered {response.status_code} without a `calls` array (see LIST-ENVELOPE)")
    return body


def _create(harness: Harness, to: str | None = None, **extra: Any) -> str | None:
    """Create a call if the run may and has a call left for this test: its sid, else None."""
    if harness.verifier.ledger.missing_capability_named("create"):
        return None
    try:
        response = harness.client.create_call(harness.create_form(to, **extra))
    except CallBudgetExhausted:
        return None
    sid = json_field(response, "sid")
    return sid if response.is_success and isinstance(sid, str) else None


def _ensure_calls(harness: Harness, count: int) -> None:
    """Create calls until the run has `count` of its own, then one more in a later second.

    Dates have one-second steps, so only calls from different seconds show the list's order.
    """
    for _ in range(count - len(harness.client.created)):
        _create(harness)
    harness.clock.sleep(1.05 - math.modf(harness.clock.time())[0])
    _create(harness)


@pytest.mark.requirements("LIST-PAGING", "LIST-PAGE-SIZE", "LIST-ENVELOPE", "LIST-NEWEST-FIRST")
@pytest.mark.needs(Needs(calls=PAGED_CALLS + 1, tier="coverage", optional=True))
def test_paging_through_next_page_uri(calls_harness: Harness) -> None:
    """Pages of PageSize=2 followed through next_page_uri: no sid twice, a short page is the last."""
    _ensure_calls(calls_harness, PAGED_CALLS)
    client = calls_harness.client
    body = _body(calls_harness, client.list_calls(PageSize=PAGE_SIZE))
    seen: dict[str, int] = {}
    calls_harness.verifier.verify("LIST-PAGING", _walk, client, body, seen)  # a failure shows the last page
    # One wide page too, so that calls from different seconds share a page (LIST-NEWEST-FIRST).
    client.list_calls(PageSize=50)
    if len(seen) <= PAGE_SIZE:
        calls_harness.verifier.skip(
            "LIST-PAGING", f"only {len(seen)} calls: paging needs more than {PAGE_SIZE}"
        )


def _walk(client: Any, body: dict[str, Any], seen: dict[str, int]) -> None:
    """Follow next_page_uri from the first page (at most MAX_PAGES), noting each page's sids in `seen`."""
    for page in range(1, MAX_PAGES + 1):
        _note_page(body["calls"], seen, page)
        next_uri = body.get("next_page_uri")
        if len(body["calls"]) < PAGE_SIZE and next_uri is not None:
            raise Violation(
                "a page shorter than PageSize has a next_page_uri",
                received=next_uri,
                expected="null on the last page",
            )
        if next_uri is None or page == MAX_PAGES:
            return
        body = _page(_follow(client, next_uri))


def _note_page(calls: list[Any], seen: dict[str, int], page: int) -> None:
    """Note the sids of one page; a sid already seen on an earlier page breaks LIST-PAGING."""
    for call in calls:
        sid = call.get("sid") if isinstance(call, dict) else None
        if not isinstance(sid, str):
            continue
        if sid in seen:
            raise Violation(
                "a call appears on two pages",
                received={"sid": sid, "pages": (seen[sid], page)},
                expected="each call once",
            )
        seen[sid] = page


def _follow(client: Any, next_uri: Any) -> Any:
    """The answer to next_page_uri; a link that is not a usable URI breaks LIST-PAGING."""
    if not isinstance(next_uri, str) or not next_uri.strip():
        raise Violation("next_page_uri is not a link", received=next_uri, expected="a URI or null")
    try:
        return client.get_uri(next_uri)
    except ValueError as exc:  # httpx refuses a malformed URL
        raise Violation(
            "next_page_uri is not a usable URI", received=next_uri, expected="a URI", detail=str(exc)
        ) from None


def _page(response: Any) -> dict[str, Any]:
    """The page next_page_uri led to; an error answer or one without a `calls` array breaks LIST-PAGING."""
    body = json_object(response)
    if not response.is_success or body is None or not isinstance(body.get("calls"), list):
        raise Violation(
            f"following next_page_uri answered {response.status_code} without a page of calls",
            received=response.text[:200],
            expected="2xx with a list envelope",
        )
    return body


# (query parameter, Call field, requirement, what telling two calls apart by it needs)
FILTERS = (
    ("To", "to", "LIST-FILTER-TO", ("second-to",)),
    ("From", "from", "LIST-FILTER-FROM", ("second-from",)),
    ("Status", "status", "LIST-FILTER-STATUS", ()),
)
FILTER_CALLS = 2  # one with the run's first numbers, one that differs in the filtered field


def _differing_call(harness: Harness, param: str) -> str | None:
    """A call that differs from one with the run's first numbers in `param`'s field (its sid, if created)."""
    settings = harness.settings
    if param == "To":
        return _create(harness, settings.to_alternates[0])
    if param == "From":
        return _create(harness, From=settings.from_alternates[0])
    sid = _create(harness)
    if sid is not None:
        harness.client.update_call(sid, {"Status": "canceled"})
    return sid


@pytest.mark.parametrize(
    ("param", "field", "requirement"),
    [
        pytest.param(
            param,
            field,
            requirement,
            marks=(
                pytest.mark.requirements(requirement),
                pytest.mark.needs(Needs(needs, FILTER_CALLS, "coverage", optional=True)),
            ),
            id=param,
        )
        for param, field, requirement, needs in FILTERS
    ],
)
def test_filter(calls_harness: Harness, param: str, field: str, requirement: str) -> None:
    """Filtering by a value some listed calls have and others lack returns only matching calls."""
    _create(calls_harness)
    other = _differing_call(calls_harness, param)
    calls = _body(calls_harness, calls_harness.client.list_calls(PageSize=50))["calls"]
    values = [c.get(field) for c in calls if isinstance(c, dict) and isinstance(c.get(field), str)]
    if len(set(values)) < 2:
        raise NotJudged(
            f"the listed calls do not differ in `{field}`, so the {param} filter cannot be told apart"
        )
    shown = [c.get(field) for c in calls if isinstance(c, dict) and c.get("sid") == other]
    value = shown[0] if shown and isinstance(shown[0], str) else values[-1]
    # The list check LIST-FILTER-* judges the filtered answer itself; here we only make sure it is exercised.
    response = calls_harness.client.list_calls(**{param: value, "PageSize": 50})
    filtered = _body(calls_harness, response)
    calls_harness.verifier.expect(
        requirement,
        any(isinstance(c, dict) and c.get(field) == value for c in filtered["calls"]),
        f"filtering by {param} hid a matching call",
        received=len(filtered["calls"]),
        expected=f"at least the calls with {field}={value}",
        response=response,
    )
