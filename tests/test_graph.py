"""The status sets, all defined in conformance/core/statuses.py, agree with the transition graph they sit beside."""

from __future__ import annotations

from conformance.core.statuses import (
    ACTIVE,
    ALLOWED,
    DIALED,
    ENDED,
    NOT_ANSWERED,
    SELF_ENDS,
    STATUSES,
    UNANSWERED_ENDS,
    reachable,
)


def test_active_and_ended_split_the_statuses_and_ended_ones_go_nowhere() -> None:
    assert set(STATUSES) == ACTIVE | ENDED and not ACTIVE & ENDED
    assert all(not ALLOWED[status] for status in ENDED)
    assert all(reachable(status) & ENDED for status in ACTIVE)


def test_derived_sets_follow_the_graph() -> None:
    assert ENDED - reachable("in-progress") == UNANSWERED_ENDS
    assert {s for s in ACTIVE if "in-progress" in reachable(s)} == NOT_ANSWERED
    assert (ENDED - reachable("in-progress")) - {"canceled"} == SELF_ENDS
    assert ({"ringing"} | reachable("ringing")) - {"canceled", "failed"} == DIALED
