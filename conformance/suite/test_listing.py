"""Listing: paging through next_page_uri, and the To/From/Status filters on calls that differ, kept on every page.

These tests create calls when the run may (and the budget gives them some), and otherwise judge what the
account already holds: a read-only run still pages through the account's calls.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from conformance.checks import answers
from conformance.checks.context import WalkContext
from conformance.checks.kinds import LIST_WALK
from conformance.checks.subjects import ListWalk, WalkPage
from conformance.core.bodies import json_field, json_object
from conformance.core.signals import CallBudgetExhausted, NotJudged
from conformance.harness.harness import Harness
from conformance.plan.conditions import Needs

MAX_PAGES = 20
PAGE_SIZE = 2
PAGED_CALLS = 4  # the run's own calls paging needs: more than PAGE_SIZE, in two pages at least
# Paging walks every call of the account, and the filters list what it holds: no scenario creates calls meanwhile.
pytestmark = pytest.mark.quiet_account


def _create(harness: Harness, to: str | None = None, **extra: Any) -> str | None:
    """Create a call if the run may and has a call left for this test: its sid, else None."""
    if harness.verifier.ledger.missing_capability_named("create"):
        return None
    try:
        response = harness.client.create_call(harness.create_form(to, **extra))
    except CallBudgetExhausted:
        return None
    harness.answer(answers.valid_create_accepted, response, "a valid create")
    sid = json_field(response, "sid")
    return sid if response.is_success and isinstance(sid, str) else None


def _ensure_calls(harness: Harness, count: int) -> None:
    """Create calls until the run has `count` of its own, then one more in a later second.

    Dates have one-second steps, so only calls from different seconds show the list's order: the last create waits
    for the next second, unless the run's first call was answered more than a second before.
    """
    for _ in range(count - len(harness.client.created)):
        _create(harness)
    first = harness.client.first_created_at
    if first is None or harness.clock.time() - first < 1.05:
        harness.clock.sleep(1.05 - math.modf(harness.clock.time())[0])
    _create(harness)


def _walk(harness: Harness, first: Any, max_pages: int) -> ListWalk:
    """The first page and every page its `next_page_uri` leads to, up to `max_pages` pages (a link that cannot be
    followed ends the walk, and is what LIST-PAGING then judges)."""
    pages = [WalkPage(first, json_object(first))]
    while True:
        page = pages[-1]
        next_uri = (
            page.body.get("next_page_uri") if page.calls is not None and page.body is not None else None
        )
        if next_uri is None:
            return ListWalk(tuple(pages))
        if len(pages) >= max_pages:
            return ListWalk(tuple(pages), capped=True)
        if not isinstance(next_uri, str) or not next_uri.strip():
            return ListWalk(tuple(pages), broken_link=(next_uri, "not a URI"))
        try:
            response = harness.client.get_uri(next_uri)
        except ValueError as exc:  # httpx refuses a malformed URL
            return ListWalk(tuple(pages), broken_link=(next_uri, str(exc)))
        pages.append(WalkPage(response, json_object(response)))


def _first_page(harness: Harness, response: Any) -> None:
    """Stop the test (NotJudged) unless the list answered with a `calls` array (LIST-ENVELOPE judges it)."""
    if not harness.answer(answers.list_answered_with_calls, response, "a list"):
        raise NotJudged(f"a list answered {response.status_code} without a `calls` array (see LIST-ENVELOPE)")


@pytest.mark.requirements("LIST-PAGING", "LIST-PAGE-SIZE", "LIST-ENVELOPE", "LIST-NEWEST-FIRST")
@pytest.mark.needs(Needs(calls=PAGED_CALLS + 1, tier="coverage", optional=True))
def test_paging_through_next_page_uri(calls_harness: Harness) -> None:
    """Pages of PageSize=2 followed through next_page_uri: no sid twice, a short page is the last."""
    _ensure_calls(calls_harness, PAGED_CALLS)
    first = calls_harness.client.list_calls(PageSize=PAGE_SIZE)
    _first_page(calls_harness, first)
    walk = _walk(calls_harness, first, MAX_PAGES)
    context = WalkContext(calls_harness.profile, PAGE_SIZE, max_pages=MAX_PAGES)
    calls_harness.verifier.run(LIST_WALK, context, walk)
    # One wide page too, so that calls from different seconds share a page (LIST-NEWEST-FIRST).
    calls_harness.client.list_calls(PageSize=50)
    seen = {c.get("sid") for page in walk.pages for c in page.calls or ()}
    if len(seen) <= PAGE_SIZE:
        calls_harness.verifier.skip(
            "LIST-PAGING", f"only {len(seen)} calls: paging needs more than {PAGE_SIZE}"
        )


# (query parameter, Call field, requirement, what telling two calls apart by it needs)
FILTERS = (
    ("To", "to", "LIST-FILTER-TO", ("second-to",)),
    ("From", "from", "LIST-FILTER-FROM", ("second-from",)),
    ("Status", "status", "LIST-FILTER-STATUS", ()),
)
# A matching call, one that does not match, a matching one: newest first, the one that does not match sits between
# the two that do, so that a next page that lost the filter shows it.
FILTER_CALLS = 3
# A filtered walk goes one call a page, so that its calls need more than one page.
FILTERED_PAGE_SIZE = 1
FILTERED_PAGES = 10


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
                pytest.mark.requirements(requirement, "LIST-PAGING"),
                pytest.mark.needs(Needs(needs, FILTER_CALLS, "coverage", optional=True)),
            ),
            id=param,
        )
        for param, field, requirement, needs in FILTERS
    ],
)
def test_filter(calls_harness: Harness, param: str, field: str, requirement: str) -> None:
    """A list filtered by a value some calls have and others lack shows only calls that match, on every page a
    walk through next_page_uri reaches (one call a page), and every call known to match."""
    matching = [
        _differing_call(calls_harness, param),
        _create(calls_harness),
        _differing_call(calls_harness, param),
    ]
    created = frozenset(sid for sid in (matching[0], matching[2]) if sid is not None)
    first = calls_harness.client.list_calls(PageSize=50)
    _first_page(calls_harness, first)
    calls = (json_object(first) or {}).get("calls") or []
    values = [c.get(field) for c in calls if isinstance(c, dict) and isinstance(c.get(field), str)]
    if len(set(values)) < 2:
        raise NotJudged(
            f"the listed calls do not differ in `{field}`, so the {param} filter cannot be told apart"
        )
    shown = [c.get(field) for c in calls if isinstance(c, dict) and c.get("sid") in created]
    value = str(shown[0]) if shown and isinstance(shown[0], str) else str(values[-1])
    expected = frozenset(
        c["sid"] for c in calls if isinstance(c, dict) and c.get("sid") in created and c.get(field) == value
    )
    response = calls_harness.client.list_calls(**{param: value, "PageSize": FILTERED_PAGE_SIZE})
    _first_page(calls_harness, response)
    walk = _walk(calls_harness, response, FILTERED_PAGES)
    context = WalkContext(
        calls_harness.profile, FILTERED_PAGE_SIZE, {param: value}, expected, max_pages=FILTERED_PAGES
    )
    calls_harness.verifier.run(LIST_WALK, context, walk)
