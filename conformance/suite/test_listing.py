"""Listing: paging through next_page_uri, and the To/From/Status filters on calls that differ."""

from __future__ import annotations

import math
from typing import Any

import pytest

from conformance.bodies import json_object
from conformance.failures import NotJudged, Violation
from conformance.handle import Suite
from conformance.suite.helpers import poll_until_ended

MAX_PAGES = 20
ALTERNATE_FROM = "+12025550198"
PAGE_SIZE = 2


def _body(suite: Suite, response: Any) -> dict[str, Any]:
    body = suite.json(response, "LIST-ENVELOPE", "a list")
    if not isinstance(body, dict) or not isinstance(body.get("calls"), list):
        raise NotJudged(f"a list answered {response.status_code} without a `calls` array (see LIST-ENVELOPE)")
    return body


def _ensure_calls(suite: Suite, count: int, *, new_second: bool = False) -> None:
    """Create calls until the run has `count` of its own; `new_second`: one more in a later second.

    Dates have one-second steps, so only calls from different seconds show the list's order.
    """
    if suite.verifier.ledger.missing_capability_named("create"):
        return
    for _ in range(count - len(suite.client.created)):
        suite.client.create_call(suite.create_form())
    if new_second:
        suite.clock.sleep(1.05 - math.modf(suite.clock.time())[0])
        suite.client.create_call(suite.create_form())


@pytest.mark.requirements("LIST-PAGING", "LIST-PAGE-SIZE", "LIST-ENVELOPE", "LIST-NEWEST-FIRST")
def test_paging_through_next_page_uri(calls_suite: Suite) -> None:
    """Pages of PageSize=2 followed through next_page_uri: no sid twice, a short page is the last."""
    _ensure_calls(calls_suite, 4, new_second=True)
    client = calls_suite.client
    body = _body(calls_suite, client.list_calls(PageSize=PAGE_SIZE))
    seen: dict[str, int] = {}
    calls_suite.verifier.verify("LIST-PAGING", _walk, client, body, seen)  # a failure shows the last page
    # One wide page too, so that calls from different seconds share a page (LIST-NEWEST-FIRST).
    client.list_calls(PageSize=50)
    if len(seen) <= PAGE_SIZE:
        calls_suite.verifier.skip(
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


FILTERS = (
    ("To", "to", "LIST-FILTER-TO"),
    ("From", "from", "LIST-FILTER-FROM"),
    ("Status", "status", "LIST-FILTER-STATUS"),
)


@pytest.mark.parametrize(
    ("param", "field", "requirement"),
    [pytest.param(*f, marks=pytest.mark.requirements(f[2]), id=f[0]) for f in FILTERS],
)
def test_filter(calls_suite: Suite, param: str, field: str, requirement: str) -> None:
    """Filtering by a value some listed calls have and others lack returns only matching calls."""
    if calls_suite.settings.embedded:
        # The embedded endpoint takes any From and offers a busy To: calls that differ make each filter observable.
        variety = {"To": {"to": calls_suite.to_numbers["busy"]}, "From": {"From": ALTERNATE_FROM}}
        calls_suite.client.create_call(calls_suite.create_form(**variety.get(param, variety["To"])))
        poll_until_ended(calls_suite, calls_suite.client.created[-1:])
    _ensure_calls(calls_suite, 3)
    calls = _body(calls_suite, calls_suite.client.list_calls(PageSize=50))["calls"]
    values = [c.get(field) for c in calls if isinstance(c, dict) and isinstance(c.get(field), str)]
    if len(set(values)) < 2:
        raise NotJudged(
            f"the listed calls do not differ in `{field}`, so the {param} filter cannot be told apart"
        )
    value = values[-1]
    # The list check LIST-FILTER-* judges the filtered answer itself; here we only make sure it is exercised.
    response = calls_suite.client.list_calls(**{param: value, "PageSize": 50})
    filtered = _body(calls_suite, response)
    calls_suite.verifier.expect(
        requirement,
        any(isinstance(c, dict) and c.get(field) == value for c in filtered["calls"]),
        f"filtering by {param} hid a matching call",
        received=len(filtered["calls"]),
        expected=f"at least the calls with {field}={value}",
        response=response,
    )
