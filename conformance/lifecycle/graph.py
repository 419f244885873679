"""The allowed status transitions of a call, in one place (contract-decisions, "Status transitions")."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

__all__ = ["ACTIVE", "ALLOWED", "CALLBACK_STATUSES", "ENDED", "STATUSES", "first_illegal_step", "reachable"]

STATUSES = ("queued", "ringing", "in-progress", "canceled", "completed", "busy", "failed", "no-answer")
ACTIVE = frozenset({"queued", "ringing", "in-progress"})
ENDED = frozenset({"canceled", "completed", "busy", "failed", "no-answer"})
# Callbacks add `initiated`, sent when dialing starts; it sits between queued and ringing.
CALLBACK_STATUSES = ("initiated", *STATUSES)

# Direct transitions; polling may miss states, so observed sequences are judged against the closure.
ALLOWED: dict[str, frozenset[str]] = {
    "queued": frozenset({"initiated", "ringing", "canceled", "busy", "failed", "no-answer"}),
    "initiated": frozenset({"ringing", "canceled", "busy", "failed", "no-answer"}),
    "ringing": frozenset({"in-progress", "canceled", "busy", "failed", "no-answer"}),
    "in-progress": frozenset({"completed"}),
    **{status: frozenset() for status in ENDED},
}


def reachable(status: str) -> frozenset[str]:
    """Every status reachable from `status` in one or more steps (the transitive closure)."""
    seen: set[str] = set()
    frontier = list(ALLOWED.get(status, ()))
    while frontier:
        nxt = frontier.pop()
        if nxt not in seen:
            seen.add(nxt)
            frontier.extend(ALLOWED.get(nxt, ()))
    return frozenset(seen)


def first_illegal_step(statuses: Sequence[str]) -> tuple[str, str] | None:
    """The first (from, to) pair of consecutive distinct statuses that no path allows, else None.

    Repeats of one status are not steps (a call seen twice in the same state did not move).
    """
    steps = _distinct(statuses)
    for before, after in itertools.pairwise(steps):
        if before not in ALLOWED or after not in reachable(before):
            return before, after
    return None


def _distinct(statuses: Iterable[str]) -> list[str]:
    result: list[str] = []
    for status in statuses:
        if not result or result[-1] != status:
            result.append(status)
    return result
