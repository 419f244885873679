"""The lifecycle observer's judgments on synthetic snapshots: legal and illegal paths, ended calls that stay
the same, lists that agree with the fetches, reaching an end in time; and how an error's code is read."""

from __future__ import annotations

import httpx
import pytest

from conformance.core.failures import Violation
from conformance.core.signals import NotApplicable
from conformance.lifecycle.actions import error_code
from conformance.lifecycle.observer import (
    CallRecord,
    check_ended_final,
    check_list_agrees,
    check_path,
    check_reached_end,
)

SID = "11111111-1111-4111-8111-111111111111"
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
    check_path(fetched(*statuses))


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
        check_path(fetched(*statuses))


def test_a_single_observation_judges_no_path_and_unknown_statuses_are_left_to_the_enum_check() -> None:
    with pytest.raises(NotApplicable):
        check_path(fetched("queued"))
    check_path(fetched("queued", "dialing", "ringing"))


def test_snapshots_of_another_call_or_without_status_are_ignored() -> None:
    record = CallRecord(SID)
    assert record.observe("fetch", {**call("queued"), "sid": "other"}, 1.0) is None
    assert record.observe("fetch", {"sid": SID}, 1.0) is None
    assert record.observe("fetch", ["not", "a", "call"], 1.0) is None
    assert record.snapshots == []


def test_an_ended_call_that_stays_the_same_passes_even_when_dates_are_written_differently() -> None:
    same_instant = ENDED_AT.replace("+0000", "GMT")
    check_ended_final(
        record_of(
            ("fetch", call("completed", duration=9)),
            ("fetch", call("completed", duration="9", end_time=same_instant)),
        )
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
        check_ended_final(record_of(("fetch", call("completed")), ("fetch", later)))


def test_a_list_may_lag_after_the_end_but_not_show_another_end() -> None:
    lagging = record_of(
        ("fetch", call("completed")),
        ("list", call("in-progress", end_time=None)),
        ("fetch", call("completed")),
    )
    check_ended_final(lagging)
    check_list_agrees(lagging)
    other_end = record_of(("fetch", call("completed")), ("list", call("busy")))
    with pytest.raises(Violation):
        check_ended_final(other_end)
    with pytest.raises(Violation):
        check_list_agrees(other_end)


def test_ended_final_needs_a_later_observation() -> None:
    with pytest.raises(NotApplicable):
        check_ended_final(fetched("queued", "ringing"))
    with pytest.raises(NotApplicable):
        check_ended_final(fetched("queued", "completed"))


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
    check_list_agrees(record_of(*steps, ("list", call(listed)), ("fetch", call(after))))


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
        check_list_agrees(record_of(("fetch", call(before)), ("list", call(listed)), ("fetch", call(after))))


def test_list_agreement_needs_a_list_snapshot() -> None:
    with pytest.raises(NotApplicable):
        check_list_agrees(fetched("queued", "ringing"))


def test_reaching_an_end_in_time() -> None:
    check_reached_end(fetched("queued", "ringing", "completed"), deadline=5)
    with pytest.raises(Violation, match="did not end within 5 s"):
        check_reached_end(fetched("queued", "ringing", "ringing"), deadline=5)
    with pytest.raises(Violation, match=r"first seen completed after 3\.0 s"):
        check_reached_end(fetched("queued", "ringing", "completed"), deadline=2)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"code": 21220, "message": "m"}, 21220),
        ({"code": "10000", "message": "m"}, 10000),
        ({"errors": [{"code": 20009, "message": "m"}]}, 20009),
        ({"code": True}, None),
        ({"message": "no code"}, None),
    ],
)
def test_error_code(body: dict[str, object], code: int | None) -> None:
    assert error_code(httpx.Response(400, json=body)) == code
    assert error_code(httpx.Response(400, content=b"not json")) is None
