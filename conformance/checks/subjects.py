"""What some checks judge besides a single answer or callback: a walk through a list's pages, the two path forms
of one request, and a request Schemathesis generated with its answer. Plain values the harness gathers; the checks
(`conformance.checks.walks`, `paths`, `generated`) judge them."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx
    import schemathesis

__all__ = ["GeneratedExchange", "ListWalk", "PathForms", "WalkPage"]


@dataclasses.dataclass(frozen=True)
class WalkPage:
    """One page of a walk: the answer, and its JSON object (None when it is none)."""

    response: httpx.Response
    body: Mapping[str, Any] | None

    @property
    def calls(self) -> list[Mapping[str, Any]] | None:
        """The page's calls, None when the answer is no 2xx list envelope with a `calls` array."""
        calls = self.body.get("calls") if self.response.is_success and self.body is not None else None
        return [c for c in calls if isinstance(c, Mapping)] if isinstance(calls, list) else None


@dataclasses.dataclass(frozen=True)
class ListWalk:
    """The first page of a list and every page `next_page_uri` led to, in order; `broken_link` is a
    `next_page_uri` that could not be followed (the value, and why), `capped` whether the walk stopped at its
    page limit with a next page still offered."""

    pages: tuple[WalkPage, ...]
    broken_link: tuple[Any, str] | None = None
    capped: bool = False

    @property
    def complete(self) -> bool:
        """Whether the walk went to its natural end: every page answered, the last one without a next page."""
        return self.broken_link is None and not self.capped and all(p.calls is not None for p in self.pages)


@dataclasses.dataclass(frozen=True)
class PathForms:
    """The same request sent with and without the `.json` suffix; `sid` is the call fetched (None: a list)."""

    plain: httpx.Response
    suffixed: httpx.Response
    sid: str | None = None


@dataclasses.dataclass(frozen=True)
class GeneratedExchange:
    """A request Schemathesis generated (its case) and the endpoint's answer."""

    case: schemathesis.Case[Any]
    response: httpx.Response
