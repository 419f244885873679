"""A call's statuses and their allowed transitions, in one place (contract-decisions, "Status transitions").

Every set of statuses the suite reasons with is defined here and nowhere else; this module is pure data
and small functions, low enough in the layers that checks, the client and the lifecycle all import it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

__all__ = [
    "ACTIVE",
    "ALLOWED",
    "CALLBACK_STATUSES",
    "DIALED",
    "ENDED",
    "NOT_ANSWERED",
    "SELF_ENDS",
    "STATUSES",
    "UNANSWERED_ENDS",
    "first_illegal_step",
    "reachable",
]

STATUSES = ("queued", "ringing", "in-progress", "canceled", "completed", "busy", "failed", "no-answer")
ACTIVE = frozenset({"queued", "ringing", "in-progress"})
ENDED = frozenset({"canceled", "completed", "busy", "failed", "no-answer"})
# Not answered yet: a cancel still applies.
NOT_ANSWERED = frozenset({"queued", "ringing"})
# Ends a call reaches by itself when its number is busy, fails or is not answered.
SELF_ENDS = frozenset({"busy", "failed", "no-answer"})
# Ends no answered call can reach (nothing leads there from in-progress): a call that ended so was never answered.
UNANSWERED_ENDS = frozenset({"canceled", "busy", "failed", "no-answer"})
# Statuses that prove dialing began (failed and canceled may come before it).
DIALED = frozenset({"ringing", "in-progress", "completed", "busy", "no-answer"})
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
