"""Checks on a walk through a list's pages by `next_page_uri`: each page a list, no call twice, a short page the
last; and every page, not only the first, held to the filter the walk started with (a next page link that drops
the filter hands back calls that do not match from page 2 on).

Kind "list-walk": `fn(ctx, walk)`; a failure shows the page that broke the rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conformance.checks.context import WalkContext
from conformance.checks.kinds import LIST_WALK
from conformance.checks.listing import filter_mismatch
from conformance.checks.registry import applicable
from conformance.checks.subjects import ListWalk, WalkPage
from conformance.core.evidence import Evidence, exchange_of
from conformance.core.failures import Violation

__all__: list[str] = []


def _on(page: WalkPage, violation: Violation) -> Violation:
    """The violation, showing the page it is about."""
    return Violation(
        violation.title,
        received=violation.received,
        expected=violation.expected,
        detail=violation.detail,
        evidence=Evidence(exchange_of(page.response)),
    )


def _sid(call: Mapping[str, Any]) -> str | None:
    sid = call.get("sid")
    return sid if isinstance(sid, str) else None


@LIST_WALK("LIST-PAGING")
def next_pages_list_each_call_once(ctx: WalkContext, walk: ListWalk) -> None:
    """Every page next_page_uri led to is a list; no call shows twice; a page shorter than PageSize is the last."""
    applicable(walk.pages and walk.pages[0].calls is not None)
    seen: dict[str, int] = {}
    for number, page in enumerate(walk.pages, start=1):
        calls = page.calls
        if calls is None:
            raise _on(
                page,
                Violation(
                    f"following next_page_uri answered {page.response.status_code} without a page of calls",
                    received=page.response.text[:200],
                    expected="2xx with a list envelope",
                ),
            )
        for sid in filter(None, map(_sid, calls)):
            if sid in seen:
                raise _on(
                    page,
                    Violation(
                        "a call appears on two pages",
                        received={"sid": sid, "pages": (seen[sid], number)},
                        expected="each call once",
                    ),
                )
            seen[sid] = number
        next_uri = page.body.get("next_page_uri") if page.body is not None else None
        if len(calls) < ctx.page_size and next_uri is not None:
            raise _on(
                page,
                Violation(
                    "a page shorter than PageSize has a next_page_uri",
                    received=next_uri,
                    expected="null on the last page",
                ),
            )
    if walk.broken_link is not None:
        link, why = walk.broken_link
        raise _on(
            walk.pages[-1],
            Violation(
                "next_page_uri is not a usable link", received=link, expected="a URI or null", detail=why
            ),
        )


def _walk_keeps_filter(ctx: WalkContext, walk: ListWalk, param: str) -> None:
    """Every call on every page matches the filter the walk started with; the calls known to match all show up
    when the walk ran to its end."""
    applicable(param in ctx.filters and walk.pages)
    wanted = ctx.filters[param]
    shown: set[str] = set()
    for number, page in enumerate(walk.pages, start=1):
        calls = page.calls or []
        violation = filter_mismatch(param, wanted, calls)
        if violation is not None:
            where = "the first page" if number == 1 else f"page {number}, reached through next_page_uri,"
            raise _on(
                page,
                Violation(
                    f"{where} of a list filtered by {param}={wanted} shows a call that does not match",
                    received=violation.received,
                    expected=violation.expected,
                    detail="every page of a filtered walk must keep the filter (next_page_uri carries it)",
                ),
            )
        shown.update(filter(None, map(_sid, calls)))
    missing = sorted(ctx.expected - shown)
    if walk.complete and missing:
        raise _on(
            walk.pages[0],
            Violation(
                f"a list filtered by {param}={wanted} hid calls that match it",
                received=f"{len(shown)} call(s) over {len(walk.pages)} page(s)",
                expected=f"also {', '.join(missing[:3])}",
            ),
        )


@LIST_WALK("LIST-FILTER-TO")
def walk_keeps_the_to_filter(ctx: WalkContext, walk: ListWalk) -> None:
    _walk_keeps_filter(ctx, walk, "To")


@LIST_WALK("LIST-FILTER-FROM")
def walk_keeps_the_from_filter(ctx: WalkContext, walk: ListWalk) -> None:
    _walk_keeps_filter(ctx, walk, "From")


@LIST_WALK("LIST-FILTER-STATUS")
def walk_keeps_the_status_filter(ctx: WalkContext, walk: ListWalk) -> None:
    _walk_keeps_filter(ctx, walk, "Status")
