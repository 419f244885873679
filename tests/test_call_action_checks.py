"""The call-action checks on synthetic outcomes of updates and deletes: each judges only the outcomes that put its
requirement at stake, passes what the contract allows, fails what it forbids, and leaves undecided (with a reason)
what the call may have come to by itself; and how an answer is read (its error code, the status it shows)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from conformance.checks.action_outcomes import Action, ActionOutcome, Answer, Undecided, at_stake, error_code
from conformance.checks.context import LifecycleContext
from conformance.checks.kinds import CALL_ACTION
from conformance.checks.registry import Check
from conformance.core.failures import Violation
from conformance.core.signals import NotApplicable

SID = "11111111-1111-4111-8111-111111111111"
CTX = LifecycleContext(deadline=10.0)
OK = Answer(200, has_body=True)
REFUSED = Answer(400, 10000, True)
NO_CONTENT = Answer(204)


def shows(status: str) -> Answer:
    return Answer(200, has_body=True, shows=status)


def acted(action: Action, before: str | None, answer: Answer, **facts: Any) -> ActionOutcome:
    return ActionOutcome(SID, action, answer, before, **facts)


def check_named(name: str) -> Check[LifecycleContext, ActionOutcome]:
    (check,) = [c for c in CALL_ACTION.checks() if c.name == name]
    return check


def judged(outcome: ActionOutcome) -> tuple[str, str]:
    """(the check that judged `outcome`, 'passed', 'failed' or 'undecided'), or ('', 'n/a') when none did; no
    outcome is judged by two."""
    results = []
    for check in CALL_ACTION.checks():
        try:
            check.fn(CTX, outcome)
        except NotApplicable:
            continue
        except Undecided:
            results.append((check.name, "undecided"))
        except Violation:
            results.append((check.name, "failed"))
        else:
            results.append((check.name, "passed"))
    assert len(results) <= 1, results
    return results[0] if results else ("", "n/a")


CANCEL_QUEUED = "cancel_of_unanswered_call_cancels_it"
CANCEL_IN_PROGRESS = "cancel_of_answered_call_leaves_it_up"
COMPLETE_IN_PROGRESS = "completion_of_answered_call_completes_it"
COMPLETE_NOT_ANSWERED = "completion_of_unanswered_call_ends_it"
REDIRECT = "url_update_keeps_call_up"
ENDED_CALL = "update_of_ended_call_is_refused"
STATUS_CALLBACK = "status_callback_update_is_accepted"
DELETE_UNFINISHED = "delete_of_unfinished_call_is_refused"
DELETE_ENDED = "delete_of_ended_call_removes_it"
DELETED_GONE = "deleted_call_stays_gone"
POLLED = {"settled": True}

CASES = [
    # Status=canceled on a queued or ringing call: it ends canceled.
    (acted("cancel", "queued", shows("queued"), after="canceled", **POLLED), CANCEL_QUEUED, "passed"),
    (acted("cancel", "ringing", OK, after="canceled", **POLLED), CANCEL_QUEUED, "passed"),
    (acted("cancel", "queued", shows("queued"), after="completed", **POLLED), CANCEL_QUEUED, "failed"),
    (acted("cancel", "queued", OK, long=True, after="busy", **POLLED), CANCEL_QUEUED, "failed"),
    (acted("cancel", "queued", REFUSED, after="queued"), CANCEL_QUEUED, "failed"),
    (acted("cancel", "ringing", Answer(500), after="in-progress"), CANCEL_QUEUED, "failed"),
    (acted("cancel", "ringing", REFUSED, after="in-progress"), CANCEL_QUEUED, "undecided"),  # answered first
    (acted("cancel", "queued", shows("in-progress")), CANCEL_QUEUED, "undecided"),
    (acted("cancel", "queued", shows("busy")), CANCEL_QUEUED, "undecided"),  # ended by itself
    (acted("cancel", "queued", OK, after="ringing", settled=False, stopped=True), CANCEL_QUEUED, "undecided"),
    (acted("cancel", "queued", OK, after="no-answer", **POLLED), CANCEL_QUEUED, "undecided"),
    # Status=canceled on an in-progress call: refused or a no-op, and the call goes on.
    (acted("cancel", "in-progress", REFUSED, after="in-progress"), CANCEL_IN_PROGRESS, "passed"),
    (acted("cancel", "in-progress", shows("in-progress"), after="in-progress"), CANCEL_IN_PROGRESS, "passed"),
    (acted("cancel", "in-progress", Answer(500)), CANCEL_IN_PROGRESS, "failed"),
    (acted("cancel", "in-progress", shows("canceled")), CANCEL_IN_PROGRESS, "failed"),
    (acted("cancel", "in-progress", shows("completed"), long=True), CANCEL_IN_PROGRESS, "failed"),
    (acted("cancel", "in-progress", shows("completed")), CANCEL_IN_PROGRESS, "undecided"),  # hung up
    (acted("cancel", "in-progress", OK, after="canceled"), CANCEL_IN_PROGRESS, "failed"),
    (acted("cancel", "in-progress", OK, long=True, after=None), CANCEL_IN_PROGRESS, "failed"),  # gone
    (acted("cancel", "in-progress", OK, after="completed"), CANCEL_IN_PROGRESS, "undecided"),
    # Status=completed on an answered call: it ends completed, in time.
    (acted("complete", "in-progress", OK, after="completed", **POLLED), COMPLETE_IN_PROGRESS, "passed"),
    (acted("complete", "in-progress", OK, after="canceled", **POLLED), COMPLETE_IN_PROGRESS, "failed"),
    (
        acted("complete", "in-progress", OK, after="in-progress", settled=False),
        COMPLETE_IN_PROGRESS,
        "failed",
    ),
    (
        acted("complete", "in-progress", OK, after="in-progress", settled=False, stopped=True),
        COMPLETE_IN_PROGRESS,
        "undecided",
    ),
    (
        acted("complete", "queued", shows("in-progress"), after="canceled", **POLLED),
        COMPLETE_IN_PROGRESS,
        "failed",
    ),
    (acted("complete", "ringing", REFUSED, after="in-progress"), COMPLETE_IN_PROGRESS, "failed"),
    (acted("complete", "in-progress", REFUSED, after="completed"), COMPLETE_IN_PROGRESS, "undecided"),
    # Status=completed on a queued or ringing call: it ends, canceled or completed.
    (acted("complete", "queued", OK, after="canceled", **POLLED), COMPLETE_NOT_ANSWERED, "passed"),
    (acted("complete", "ringing", OK, after="completed", **POLLED), COMPLETE_NOT_ANSWERED, "passed"),
    (acted("complete", "queued", OK, long=True, after="failed", **POLLED), COMPLETE_NOT_ANSWERED, "failed"),
    (acted("complete", "queued", OK, after="busy", **POLLED), COMPLETE_NOT_ANSWERED, "undecided"),
    (acted("complete", "queued", REFUSED, after="ringing"), COMPLETE_NOT_ANSWERED, "failed"),
    (acted("complete", "queued", OK, after="queued", settled=False), COMPLETE_NOT_ANSWERED, "failed"),
    (acted("complete", "queued", OK, after="dialing", settled=True), COMPLETE_NOT_ANSWERED, "undecided"),
    # A Url update of an in-progress call kept up: 200, and it goes on.
    (
        acted("redirect", "in-progress", shows("in-progress"), long=True, after="in-progress"),
        REDIRECT,
        "passed",
    ),
    (acted("redirect", "in-progress", REFUSED, long=True), REDIRECT, "failed"),
    (acted("redirect", "in-progress", shows("completed"), long=True), REDIRECT, "failed"),
    (acted("redirect", "in-progress", OK, long=True, after="completed"), REDIRECT, "failed"),
    (acted("redirect", "ringing", OK, long=True), REDIRECT, "undecided"),
    (acted("redirect", "in-progress", OK, after="completed"), REDIRECT, "undecided"),  # its document hangs up
    # Any update of an ended call: 4xx with code 10000 or 21220.
    (acted("cancel", "completed", REFUSED), ENDED_CALL, "passed"),
    (acted("redirect", "busy", Answer(409, 21220, True)), ENDED_CALL, "passed"),
    (acted("complete", "completed", OK), ENDED_CALL, "failed"),
    (acted("complete", "canceled", Answer(400, 20404, True)), ENDED_CALL, "failed"),
    # The answer to a StatusCallback update: a refusal fails; a 2xx answer leaves it to the callbacks.
    (acted("status-callback", "in-progress", Answer(400, 21205, True)), STATUS_CALLBACK, "failed"),
    (acted("status-callback", "in-progress", OK), "", "n/a"),
    # Deleting a call not yet ended: 4xx code 20009, and it is still there.
    (
        acted("delete", "in-progress", Answer(400, 20009, True), after="in-progress"),
        DELETE_UNFINISHED,
        "passed",
    ),
    (acted("delete", "queued", NO_CONTENT, long=True), DELETE_UNFINISHED, "failed"),
    (acted("delete", "in-progress", REFUSED, after="in-progress"), DELETE_UNFINISHED, "failed"),
    (acted("delete", "in-progress", Answer(400, 20009, True), after=None), DELETE_UNFINISHED, "failed"),
    (acted("delete", "ringing", NO_CONTENT), DELETE_UNFINISHED, "undecided"),
    (acted("delete", "ringing", REFUSED, after="no-answer"), DELETE_UNFINISHED, "undecided"),
    # Deleting an ended call: 204 with no body, then 404; and 404 on any later fetch.
    (acted("delete", "completed", NO_CONTENT, fetched_after=404), DELETE_ENDED, "passed"),
    (acted("delete", "completed", Answer(204, has_body=True)), DELETE_ENDED, "failed"),
    (acted("delete", "busy", OK), DELETE_ENDED, "failed"),
    (acted("delete", "completed", NO_CONTENT, fetched_after=200), DELETE_ENDED, "failed"),
    (acted("fetch", None, Answer(404, 20404, True), deleted_as="completed"), DELETED_GONE, "passed"),
    (acted("fetch", "completed", OK, deleted_as="completed"), DELETED_GONE, "failed"),
    (
        acted("fetch", "in-progress", OK, deleted_as="in-progress"),
        "",
        "n/a",
    ),  # a delete it should have refused
    (acted("fetch", "in-progress", OK), "", "n/a"),
    # No status before the action: nothing at stake.
    (acted("cancel", None, OK), "", "n/a"),
]


@pytest.mark.parametrize(("outcome", "check", "verdict"), CASES)
def test_each_outcome_is_judged_by_the_check_of_the_requirement_at_stake(
    outcome: ActionOutcome, check: str, verdict: str
) -> None:
    assert judged(outcome) == (check, verdict)


def test_every_call_action_check_can_pass_and_fail_on_some_outcome() -> None:
    failing = {check for _, check, verdict in CASES if verdict == "failed"}
    passing = {check for _, check, verdict in CASES if verdict == "passed"}
    names = {check.name for check in CALL_ACTION.checks()}
    assert failing == names
    assert passing == names - {STATUS_CALLBACK}  # a 2xx answer leaves that requirement to the callbacks


def test_at_stake_names_each_check_s_own_requirement() -> None:
    for outcome, check, _ in CASES:
        if check:
            assert at_stake(outcome) == check_named(check).requirement, (outcome, check)


def test_failures_say_what_was_answered_and_seen() -> None:
    refused = acted("cancel", "queued", REFUSED, after="queued")
    with pytest.raises(Violation, match=r"on a queued call answered 400 \(code 10000\); it is queued now"):
        check_named(CANCEL_QUEUED).fn(CTX, refused)
    url_update = acted("redirect", "completed", OK, form=(("Url", "http://x/laml"),))
    with pytest.raises(Violation, match=r"an update \(Url=http://x/laml\) of a completed call answered 200"):
        check_named(ENDED_CALL).fn(CTX, url_update)
    stuck = acted("complete", "in-progress", OK, after="in-progress", settled=False)
    with pytest.raises(
        Violation, match="still in-progress 10 s after Status=completed on it while in-progress"
    ):
        check_named(COMPLETE_IN_PROGRESS).fn(CTX, stuck)


def test_an_undecided_outcome_says_why() -> None:
    with pytest.raises(Undecided, match="answered before the cancel arrived"):
        check_named(CANCEL_QUEUED).fn(CTX, acted("cancel", "queued", shows("in-progress")))


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


def test_an_answer_shows_the_status_of_this_call_in_a_2xx_body_only() -> None:
    body = {"sid": SID, "status": "in-progress"}
    assert Answer.of(httpx.Response(200, json=body), SID) == Answer(200, None, True, "in-progress")
    assert Answer.of(httpx.Response(200, json=body), "another").shows is None
    assert Answer.of(httpx.Response(400, json={**body, "code": 10000}), SID) == Answer(400, 10000, True)
    assert Answer.of(httpx.Response(204), SID) == Answer(204)
    assert str(Answer(400, 21220)) == "400 (code 21220)"
    assert str(Answer(204)) == "204"
