"""The call-history checks on synthetic snapshots: legal and illegal paths, ended calls that stay the same, lists
that agree with the fetches, reaching an end in time."""

from __future__ import annotations

import pytest

from conformance.checks.call_history import (
    call_ends_within_deadline,
    ended_call_never_changes,
    lists_agree_with_fetches,
    statuses_take_legal_steps,
)
from conformance.checks.call_records import CallRecord
from conformance.checks.context import LifecycleContext
from conformance.checks.kinds import CALL_HISTORY
from conformance.core.failures import Violation
from conformance.core.signals import NotApplicable

SID = "11111111-1111-4111-8111-111111111111"
CTX = LifecycleContext(deadline=30.0)
CREATED = "Mon, 01 Jan 2024 10:00:00 +0000"
ENDED_AT = "Mon, 01 Jan 2024 10:00:09 +0000"


def call(status: str, **fields: object) -> dict[str, object]:
    ended = status in ("canceled", "completed", "busy", "failed", "no-answer")
    body: dict[str, object] = {
        "sid": SID,
        "status": status,
        "date_created": CREATED,
        "duration": 0,
        "start_time": None if status == "queued" else CREATED,
        "end_time": ENDED_AT if ended else None,
    }
    body.update(fields)
    return body


def record_of(*steps: tuple[str, dict[str, object]]) -> CallRecord:
    record = CallRecord(SID, created_at=0.0)
    for at, (source, body) in enumerate(steps, start=1):
        record.observe(source, body, at=float(at))
    return record


def fetched(*statuses: str) -> CallRecord:
    return record_of(*[("fetch", call(s)) for s in statuses])


@pytest.mark.parametrize(
    "statuses",
    [
        ("queued", "ringing", "in-progress", "completed"),
        ("queued", "completed"),  # polling missed ringing and in-progress
        ("queued", "queued", "ringing", "ringing", "busy"),
        ("ringing", "canceled", "canceled"),
    ],
)
def test_legal_paths_pass(statuses: tuple[str, ...]) -> None:
    statuses_take_legal_steps(CTX, fetched(*statuses))


@pytest.mark.parametrize(
    ("statuses", "step"),
    [
        (("queued", "in-progress", "ringing"), "in-progress to ringing"),
        (("queued", "completed", "failed"), "completed to failed"),
        (("in-progress", "canceled"), "in-progress to canceled"),
        (("ringing", "queued"), "ringing to queued"),
    ],
)
def test_illegal_paths_fail_naming_the_step(statuses: tuple[str, ...], step: str) -> None:
    with pytest.raises(Violation, match=step):
        statuses_take_legal_steps(CTX, fetched(*statuses))


def test_a_single_observation_judges_no_path_and_unknown_statuses_are_left_to_the_enum_check() -> None:
    with pytest.raises(NotApplicable):
        statuses_take_legal_steps(CTX, fetched("queued"))
    statuses_take_legal_steps(CTX, fetched("queued", "dialing", "ringing"))


def test_snapshots_of_another_call_or_without_status_are_ignored() -> None:
    record = CallRecord(SID)
    assert record.observe("fetch", {**call("queued"), "sid": "other"}, 1.0) is None
    assert record.observe("fetch", {"sid": SID}, 1.0) is None
    assert record.observe("fetch", ["not", "a", "call"], 1.0) is None
    assert record.snapshots == []


def test_an_ended_call_that_stays_the_same_passes_even_when_dates_are_written_differently() -> None:
    same_instant = ENDED_AT.replace("+0000", "GMT")
    ended_call_never_changes(
        CTX,
        record_of(
            ("fetch", call("completed", duration=9)),
            ("fetch", call("completed", duration="9", end_time=same_instant)),
        ),
    )


@pytest.mark.parametrize(
    "later",
    [
        call("failed"),
        call("completed", end_time="Mon, 01 Jan 2024 10:00:12 +0000"),
        call("completed", duration=4),
        call("in-progress", end_time=None),
    ],
)
def test_an_ended_call_that_changes_fails(later: dict[str, object]) -> None:
    with pytest.raises(Violation, match="changed after it was seen completed"):
        ended_call_never_changes(CTX, record_of(("fetch", call("completed")), ("fetch", later)))


def test_a_list_may_lag_after_the_end_but_not_show_another_end() -> None:
    lagging = record_of(
        ("fetch", call("completed")),
        ("list", call("in-progress", end_time=None)),
        ("fetch", call("completed")),
    )
    ended_call_never_changes(CTX, lagging)
    lists_agree_with_fetches(CTX, lagging)
    other_end = record_of(("fetch", call("completed")), ("list", call("busy")))
    with pytest.raises(Violation):
        ended_call_never_changes(CTX, other_end)
    with pytest.raises(Violation):
        lists_agree_with_fetches(CTX, other_end)


def test_ended_final_needs_a_later_observation() -> None:
    with pytest.raises(NotApplicable):
        ended_call_never_changes(CTX, fetched("queued", "ringing"))
    with pytest.raises(NotApplicable):
        ended_call_never_changes(CTX, fetched("queued", "completed"))


@pytest.mark.parametrize(
    ("before", "listed", "after"),
    [
        ("ringing", "ringing", "in-progress"),
        ("ringing", "in-progress", "completed"),  # the list is newer than the fetch before it
        ("in-progress", "ringing", "in-progress"),  # the list lags
        (None, "queued", "ringing"),
    ],
)
def test_lists_that_fit_between_fetches_agree(before: str | None, listed: str, after: str) -> None:
    steps = [("fetch", call(before))] if before else []
    lists_agree_with_fetches(CTX, record_of(*steps, ("list", call(listed)), ("fetch", call(after))))


@pytest.mark.parametrize(
    ("before", "listed", "after", "message"),
    [
        ("ringing", "canceled", "in-progress", "later fetch showed in-progress"),
        ("completed", "failed", "completed", "right after a fetch showed completed"),
        ("in-progress", "busy", "in-progress", "right after a fetch showed in-progress"),
    ],
)
def test_lists_that_contradict_the_fetches_fail(before: str, listed: str, after: str, message: str) -> None:
    with pytest.raises(Violation, match=message):
        lists_agree_with_fetches(
            CTX, record_of(("fetch", call(before)), ("list", call(listed)), ("fetch", call(after)))
        )


def test_list_agreement_needs_a_list_snapshot() -> None:
    with pytest.raises(NotApplicable):
        lists_agree_with_fetches(CTX, fetched("queued", "ringing"))


def test_reaching_an_end_in_time() -> None:
    call_ends_within_deadline(LifecycleContext(5), fetched("queued", "ringing", "completed"))
    with pytest.raises(Violation, match="did not end within 5 s"):
        call_ends_within_deadline(LifecycleContext(5), fetched("queued", "ringing", "ringing"))
    with pytest.raises(Violation, match=r"first seen completed after 3\.0 s"):
        call_ends_within_deadline(LifecycleContext(2), fetched("queued", "ringing", "completed"))


def test_the_call_history_kind_holds_these_checks_in_the_order_they_run() -> None:
    assert [c.fn for c in CALL_HISTORY.checks()] == [
        statuses_take_legal_steps,
        lists_agree_with_fetches,
        ended_call_never_changes,
        call_ends_within_deadline,
    ]
