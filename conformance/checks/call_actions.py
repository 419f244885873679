"""Checks of what an update or a delete of a call came to (`ActionOutcome`), one per requirement it can decide:
a cancel (UPDATE-CANCEL-QUEUED, UPDATE-CANCEL-IN-PROGRESS), a completion (UPDATE-COMPLETE-IN-PROGRESS,
UPDATE-COMPLETE-NOT-ANSWERED), a Url update (UPDATE-REDIRECT), any update of an ended call (UPDATE-ENDED-CALL), a
StatusCallback update's answer (UPDATE-STATUS-CALLBACK), a delete (DELETE-UNFINISHED, DELETE-ENDED) and a fetch
of a deleted call (DELETE-ENDED).

Each judges only the outcomes that put its requirement at stake (`at_stake`). Where timing leaves the outcome open
(the call may have ended, or been answered, by itself) it raises `Undecided` with the reason, never a failure: an
outcome fails only when the call could not have come to it by itself (a `long` call, or a status only the action
explains).
"""

from __future__ import annotations

from conformance.checks.action_outcomes import ActionOutcome, Undecided, at_stake
from conformance.checks.context import LifecycleContext
from conformance.checks.kinds import CALL_ACTION
from conformance.checks.registry import applicable
from conformance.core.failures import Violation
from conformance.core.statuses import ACTIVE, ENDED, NOT_ANSWERED, SELF_ENDS, STATUSES

__all__: list[str] = []

# The error codes an update of an ended call may carry (SignalWire's, Twilio's); a delete of an unfinished call's.
ENDED_CALL_CODES = (10000, 21220)
UNFINISHED_CALL_CODE = 20009


@CALL_ACTION("UPDATE-CANCEL-QUEUED")
def cancel_of_unanswered_call_cancels_it(ctx: LifecycleContext, outcome: ActionOutcome) -> None:
    """Status=canceled on a queued or ringing call answers 200 and the call ends as canceled."""
    applicable(at_stake(outcome) == "UPDATE-CANCEL-QUEUED")
    answer, before, after = outcome.answer, outcome.before, outcome.after
    if not answer.success:
        if after in NOT_ANSWERED or after == "canceled" or not answer.is_4xx:
            raise Violation(
                f"Status=canceled on a {before} call answered {answer}; it is {after or 'gone'} now",
                received=str(answer),
                expected="200, and the call ends as canceled",
            )
        raise Undecided(f"the call was {after} when the cancel arrived (answered {answer})")
    shown = answer.shows
    if shown == "in-progress":
        raise Undecided("the call was answered before the cancel arrived (the answer shows it in progress)")
    if shown in ENDED and shown != "canceled" and not outcome.long:
        raise Undecided(f"the call ended {shown} by itself")
    if not outcome.settled and outcome.stopped:
        raise Undecided("the run ended first")
    if after not in STATUSES:
        raise Undecided(f"the call's status {after!r} is not a documented one")
    if after != "canceled" and not outcome.long and (shown is None or after in SELF_ENDS):
        raise Undecided(f"the call is {after}: it may have moved on by itself before the cancel arrived")
    if after != "canceled":
        showing = f", showing {shown}" if shown else ""
        raise Violation(
            f"after Status=canceled on a {before} call (answered {answer.status_code}{showing}) "
            f"the call is {after or 'gone'}",
            received=after,
            expected="canceled",
        )


@CALL_ACTION("UPDATE-CANCEL-IN-PROGRESS")
def cancel_of_answered_call_leaves_it_up(ctx: LifecycleContext, outcome: ActionOutcome) -> None:
    """Status=canceled on an in-progress call answers 4xx, or 200 showing it not ended, and it stays in progress."""
    applicable(at_stake(outcome) == "UPDATE-CANCEL-IN-PROGRESS")
    answer, after = outcome.answer, outcome.after
    if not (answer.success or answer.is_4xx):
        raise Violation(
            f"Status=canceled on an in-progress call answered {answer}",
            received=answer.status_code,
            expected="4xx, or 200 with the call unchanged",
        )
    if answer.success and answer.shows in ENDED:
        if outcome.long or answer.shows == "canceled":
            raise Violation(
                f"Status=canceled on an in-progress call answered {answer.status_code} showing it {answer.shows}",
                received=answer.shows,
                expected="in-progress (or a 4xx answer)",
            )
        raise Undecided(f"the call was {answer.shows}: it may have hung up by itself")
    if after == "in-progress":
        return
    if outcome.long or after == "canceled":
        raise Violation(
            f"after Status=canceled (answered {answer}) the in-progress call is {after or 'gone'}",
            received=after,
            expected="in-progress",
        )
    raise Undecided(f"the call was {after}: it may have hung up by itself")


@CALL_ACTION("UPDATE-COMPLETE-IN-PROGRESS")
def completion_of_answered_call_completes_it(ctx: LifecycleContext, outcome: ActionOutcome) -> None:
    """Status=completed on an in-progress call answers 200 and the call is seen completed within the deadline."""
    applicable(at_stake(outcome) == "UPDATE-COMPLETE-IN-PROGRESS")
    _judge_completion(ctx, outcome)


@CALL_ACTION("UPDATE-COMPLETE-NOT-ANSWERED")
def completion_of_unanswered_call_ends_it(ctx: LifecycleContext, outcome: ActionOutcome) -> None:
    """Status=completed on a queued or ringing call answers 200 and the call ends, canceled or completed, within
    the deadline."""
    applicable(at_stake(outcome) == "UPDATE-COMPLETE-NOT-ANSWERED")
    _judge_completion(ctx, outcome)


def _judge_completion(ctx: LifecycleContext, outcome: ActionOutcome) -> None:
    answer, before, after = outcome.answer, outcome.before, outcome.after
    if not answer.success:
        if after in ACTIVE or outcome.long:
            raise Violation(
                f"Status=completed on a {before} call answered {answer}",
                received=str(answer),
                expected="200, and the call ends",
            )
        raise Undecided(f"the call ended ({after}) before the update arrived")
    if after not in STATUSES:
        raise Undecided(f"the call's status {after!r} is not a documented one")
    if not outcome.settled:
        if outcome.stopped:
            raise Undecided("the run ended first")
        raise Violation(
            f"the call is still {after or 'gone'} {ctx.deadline:g} s after Status=completed on it while {before}",
            received=after,
            expected="an ended status",
        )
    if after in SELF_ENDS and not outcome.long and not outcome.answered:
        raise Undecided(f"the call ended {after} by itself")
    allowed = ("completed",) if outcome.answered else ("canceled", "completed")
    if after not in allowed:
        raise Violation(
            f"after Status=completed on a {before} call it ended {after}",
            received=after,
            expected=" or ".join(allowed),
        )


@CALL_ACTION("UPDATE-REDIRECT")
def url_update_keeps_call_up(ctx: LifecycleContext, outcome: ActionOutcome) -> None:
    """A Url update of an in-progress call whose new document keeps it up answers 200, the answer does not show
    it ended, and it is still in progress right after."""
    applicable(at_stake(outcome) == "UPDATE-REDIRECT")
    answer = outcome.answer
    if outcome.before != "in-progress":
        raise Undecided(
            f"the call was {outcome.before}: the contract does not say what a Url update does then"
        )
    if not outcome.long:
        raise Undecided("the call's document hangs up at once, so it may end by itself")
    if not answer.success:
        raise Violation(
            f"a Url update of an in-progress call answered {answer}", received=str(answer), expected=200
        )
    if answer.shows in ENDED:
        raise Violation(
            f"the answer to a Url update shows the call {answer.shows}",
            received=answer.shows,
            expected="in-progress",
        )
    if outcome.after != "in-progress":
        raise Violation(
            f"right after a Url update the call is {outcome.after or 'gone'}",
            received=outcome.after,
            expected="in-progress",
        )


@CALL_ACTION("UPDATE-ENDED-CALL")
def update_of_ended_call_is_refused(ctx: LifecycleContext, outcome: ActionOutcome) -> None:
    """A Status or Url update of an ended call answers 4xx with code 10000 or 21220."""
    applicable(at_stake(outcome) == "UPDATE-ENDED-CALL")
    answer = outcome.answer
    if not (answer.is_4xx and answer.code in ENDED_CALL_CODES):
        what = ", ".join(f"{name}={value}" for name, value in outcome.form)
        raise Violation(
            f"an update ({what}) of a {outcome.before} call answered {answer}",
            received=str(answer),
            expected="4xx with code 10000 or 21220",
        )


@CALL_ACTION("UPDATE-STATUS-CALLBACK")
def status_callback_update_is_accepted(ctx: LifecycleContext, outcome: ActionOutcome) -> None:
    """An update of an in-progress call giving it another StatusCallback answers 2xx. A 2xx answer decides
    nothing yet: where the final callback goes judges the requirement (`moved_callbacks.py`)."""
    applicable(at_stake(outcome) == "UPDATE-STATUS-CALLBACK" and not outcome.answer.success)
    raise Violation(
        f"an update of an in-progress call giving it a new StatusCallback answered {outcome.answer}",
        received=str(outcome.answer),
        expected="2xx",
    )


@CALL_ACTION("DELETE-UNFINISHED")
def delete_of_unfinished_call_is_refused(ctx: LifecycleContext, outcome: ActionOutcome) -> None:
    """Deleting a call not yet ended answers 4xx with code 20009, and the call is still there, not ended."""
    applicable(at_stake(outcome) == "DELETE-UNFINISHED")
    answer, before, after = outcome.answer, outcome.before, outcome.after
    if answer.success:
        if outcome.long:
            raise Violation(
                f"deleting a {before} call answered {answer.status_code}",
                received=answer.status_code,
                expected="4xx with code 20009",
            )
        raise Undecided("the call may have ended before the delete arrived")
    if after in ENDED and not outcome.long:
        raise Undecided(f"the call ended ({after}) about when the delete arrived")
    if not (answer.is_4xx and answer.code == UNFINISHED_CALL_CODE):
        raise Violation(
            f"deleting a {before} call answered {answer}",
            received=str(answer),
            expected="4xx with code 20009",
        )
    if after is None or after in ENDED:
        raise Violation(
            f"after a refused delete the call is {after or 'gone'}",
            received=after,
            expected="still there and not ended",
        )


@CALL_ACTION("DELETE-ENDED")
def delete_of_ended_call_removes_it(ctx: LifecycleContext, outcome: ActionOutcome) -> None:
    """Deleting an ended call answers 204 with no body, and a fetch right after answers 404."""
    applicable(outcome.action == "delete" and at_stake(outcome) == "DELETE-ENDED")
    answer = outcome.answer
    if answer.status_code != 204 or answer.has_body:
        body = " with a body" if answer.has_body else ""
        raise Violation(
            f"deleting an ended call answered {answer}{body}",
            received=f"{answer.status_code}{body}",
            expected="204 with no body",
        )
    if outcome.fetched_after != 404:
        raise Violation(
            f"a fetch after the delete answered {outcome.fetched_after}",
            received=outcome.fetched_after,
            expected=404,
        )


@CALL_ACTION("DELETE-ENDED")
def deleted_call_stays_gone(ctx: LifecycleContext, outcome: ActionOutcome) -> None:
    """Any later fetch of an ended call that a delete removed answers 404."""
    applicable(outcome.action == "fetch" and at_stake(outcome) == "DELETE-ENDED")
    if outcome.answer.status_code != 404:
        raise Violation(
            f"a fetch of deleted call {outcome.sid} answered {outcome.answer.status_code}",
            received=outcome.answer.status_code,
            expected=404,
        )
