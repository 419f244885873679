"""Lifecycle scenarios: update and delete semantics over real calls (registered with @scenario).

Each scenario judges one requirement where it can. A state the endpoint never reaches in time (a call
never answered, never ended) skips the requirement with the reason; it never fails it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from conformance.checks.call_history import (
    call_ends_within_deadline,
    ended_call_never_changes,
    lists_agree_with_fetches,
    statuses_take_legal_steps,
)
from conformance.checks.call_records import CallRecord
from conformance.core.statuses import ENDED
from conformance.core.terms import ENDING_OUTCOMES, RINGING
from conformance.harness.harness import Harness
from conformance.lifecycle.runner import scenario
from conformance.lifecycle.state_machine import machine_calls, run_machine
from conformance.lifecycle.story import Judged, Story, not_judged

__all__: list[str] = []

# Calls a scenario may make to catch one queued or ringing (each lost race costs one).
RACES = 3
# How long a call meant to be seen ringing may ring (its Timeout): the embedded endpoint's ringing number rings
# that long; a real phone rings until answered or that long.
RING_TIMEOUT = 30


def _skip_unless_judged(judged: Judged, requirement: str) -> None:
    """Skip `requirement` when the action judged another one (the call was not in the state it needs), or none."""
    if judged.requirement != requirement:
        detail = f" ({judged.requirement} was judged instead)" if judged.requirement else ""
        not_judged(requirement, f"{judged.reason or 'not decisive'}{detail}")


def _ended_or_skip(story: Story, record: CallRecord, requirement: str) -> None:
    with story.harness.progress.waiting("the call to end"):
        story.poll(record, lambda s: s in ENDED)
    if not record.ended:
        not_judged(
            requirement,
            f"the call did not end within {story.deadline:g} s (last seen {record.status or 'nowhere'})",
        )


def _right_after_create(story: Story, act: Callable[[CallRecord], Judged], requirement: str) -> None:
    """Create a call and act on it at once; a call answered first is a lost race, tried again (a few times)."""
    for _ in range(RACES):
        record = story.create_or_skip(requirement, long=story.can_hold)
        judged = act(record)
        if judged.requirement == requirement or story.harness.stopping.is_set():
            break
    _skip_unless_judged(judged, requirement)


def _while_ringing(harness: Harness, requirement: str, act: Callable[[Story, CallRecord], Judged]) -> None:
    """Create a call, wait until it is seen ringing, act on it at once, and judge the outcome. The embedded
    endpoint offers a number that rings for its whole Timeout; elsewhere the run's own number rings until someone
    answers, and a call answered (or ended) before it was seen ringing is tried again (a few times), then skipped:
    the endpoint's timings never let the suite see it ringing."""
    to = harness.to_numbers.get(RINGING)
    seen: list[str] = []
    with Story(harness) as story:
        for _ in range(RACES):
            record = story.create_or_skip(requirement, long=story.can_hold, to=to, Timeout=str(RING_TIMEOUT))
            with harness.progress.waiting("the call to ring"):
                story.poll(record, lambda status: status != "queued")
            seen.append(record.status or "nowhere")
            if record.status == "ringing":
                judged = act(story, record)
                if judged.requirement == requirement or harness.stopping.is_set():
                    _skip_unless_judged(judged, requirement)
                    return
            if harness.stopping.is_set():
                break
        not_judged(requirement, f"never observed ringing: the calls were first seen {', '.join(seen)}")


def _on_answered_call(harness: Harness, requirement: str, act: Callable[[Story, CallRecord], Judged]) -> None:
    """Create a call that stays up, wait until it is answered, act on it, and judge the outcome."""
    with Story(harness) as story:
        record = story.create_or_skip(requirement, long=True)
        story.reach_or_skip(record, "in-progress", requirement)
        _skip_unless_judged(act(story, record), requirement)


@scenario("cancel-queued", "UPDATE-CANCEL-QUEUED", calls=RACES)
def cancel_queued(harness: Harness) -> None:
    """Status=canceled right after the create: the call ends as canceled."""
    with Story(harness) as story:
        _right_after_create(story, lambda record: story.cancel(record, fresh=True), "UPDATE-CANCEL-QUEUED")


@scenario("cancel-ringing", "UPDATE-CANCEL-QUEUED", calls=RACES)
def cancel_ringing(harness: Harness) -> None:
    """Status=canceled on a call seen ringing: the call ends as canceled."""
    _while_ringing(harness, "UPDATE-CANCEL-QUEUED", lambda story, record: story.cancel(record, fresh=True))


@scenario("cancel-in-progress", "UPDATE-CANCEL-IN-PROGRESS", needs=("create", "hold"))
def cancel_in_progress(harness: Harness) -> None:
    """Status=canceled on an answered call: refused (4xx) or a no-op (200), and the call goes on."""
    _on_answered_call(harness, "UPDATE-CANCEL-IN-PROGRESS", lambda story, record: story.cancel(record))


@scenario("complete-in-progress", "UPDATE-COMPLETE-IN-PROGRESS", needs=("create", "hold"))
def complete_in_progress(harness: Harness) -> None:
    """Status=completed on an answered call (the seed's "terminate a call"): it ends as completed."""
    _on_answered_call(harness, "UPDATE-COMPLETE-IN-PROGRESS", lambda story, record: story.complete(record))


@scenario("complete-not-answered", "UPDATE-COMPLETE-NOT-ANSWERED", calls=RACES)
def complete_not_answered(harness: Harness) -> None:
    """Status=completed right after the create: the call ends, as canceled or completed."""
    with Story(harness) as story:
        _right_after_create(
            story, lambda record: story.complete(record, fresh=True), "UPDATE-COMPLETE-NOT-ANSWERED"
        )


@scenario("complete-ringing", "UPDATE-COMPLETE-NOT-ANSWERED", calls=RACES)
def complete_ringing(harness: Harness) -> None:
    """Status=completed on a call seen ringing: the call ends, as canceled or completed."""
    _while_ringing(
        harness, "UPDATE-COMPLETE-NOT-ANSWERED", lambda story, record: story.complete(record, fresh=True)
    )


@scenario("update-ended", "UPDATE-ENDED-CALL")
def update_ended(harness: Harness) -> None:
    """Each update of an ended call (Status=canceled, Status=completed, a Url): 4xx with code 10000 or 21220."""
    with Story(harness) as story:
        record = story.create_or_skip("UPDATE-ENDED-CALL")
        _ended_or_skip(story, record, "UPDATE-ENDED-CALL")
        _skip_unless_judged(story.cancel(record), "UPDATE-ENDED-CALL")
        _skip_unless_judged(story.complete(record), "UPDATE-ENDED-CALL")
        _skip_unless_judged(story.redirect(record), "UPDATE-ENDED-CALL")


@scenario("redirect", "UPDATE-REDIRECT", needs=("create", "hold"))
def redirect(harness: Harness) -> None:
    """A Url update of an answered call: 200, and the call is still in progress right after."""
    _on_answered_call(harness, "UPDATE-REDIRECT", lambda story, record: story.redirect(record))


@scenario("delete-unfinished", "DELETE-UNFINISHED", needs=("create", "hold"))
def delete_unfinished(harness: Harness) -> None:
    """Deleting a call that has not ended: 4xx code 20009, and the call is still there and goes on."""
    with Story(harness) as story:
        record = story.create_or_skip("DELETE-UNFINISHED", long=True)
        _skip_unless_judged(story.delete(record), "DELETE-UNFINISHED")


@scenario("delete-ended", "DELETE-ENDED")
def delete_ended(harness: Harness) -> None:
    """Deleting an ended call: 204 with no body, then a fetch answers 404."""
    with Story(harness) as story:
        record = story.create_or_skip("DELETE-ENDED")
        _ended_or_skip(story, record, "DELETE-ENDED")
        _skip_unless_judged(story.delete(record), "DELETE-ENDED")


def _destinations(outcomes: Mapping[str, str]) -> list[str | None]:
    """The To numbers natural-end calls: the default one (None) and each of the endpoint's other outcomes."""
    return [None, *(number for outcome, number in outcomes.items() if outcome in ENDING_OUTCOMES)]


@scenario(
    "natural-end",
    "LIFE-REACHES-END",
    "LIFE-TRANSITIONS",
    "LIFE-ENDED-FINAL",
    calls=lambda conditions: len(_destinations(conditions.outcomes)),
)
def natural_end(harness: Harness) -> None:
    """Calls that end by themselves (answered then hung up; busy, failed, unanswered on the embedded endpoint).

    Each reaches an end within the deadline along a legal path, and what a fetch and a list show a
    while after the end equals what the fetch at the end showed.
    """
    with Story(harness) as story:
        ring = str(max(5, int(story.deadline / 2)))  # a live callee that never answers stops ringing in time
        destinations = _destinations(harness.to_numbers)
        records = [r for r in (story.create(to=to, Timeout=ring) for to in destinations) if r is not None]
        if not records:
            not_judged("LIFE-REACHES-END", "the endpoint did not create the calls")
        deadline = harness.clock.deadline(story.deadline)
        with harness.progress.waiting("calls to end"):
            for record in records:
                story.poll(record, lambda s: s in ENDED, timeout=deadline)
        if harness.stopping.is_set():
            not_judged("LIFE-REACHES-END", "the run ended before the calls did")
        for record in records:
            harness.verifier.check(call_ends_within_deadline, story.context, record)
        # An ended call must not change later: look again a while after the end.
        harness.clock.wait(harness.stopping, 1.0 if harness.settings.embedded else 3.0)
        for record in records:
            if record.ended:
                story.fetch(record)
        story.list()
        for record in records:
            for check in (statuses_take_legal_steps, lists_agree_with_fetches, ended_call_never_changes):
                harness.verifier.check(check, story.context, record)


@scenario(
    "state-machine",
    "LIFE-TRANSITIONS",
    "LIFE-ENDED-FINAL",
    "UPDATE-CANCEL-QUEUED",
    "UPDATE-CANCEL-IN-PROGRESS",
    "UPDATE-COMPLETE-IN-PROGRESS",
    "UPDATE-COMPLETE-NOT-ANSWERED",
    "UPDATE-ENDED-CALL",
    "UPDATE-REDIRECT",
    "DELETE-ENDED",
    "DELETE-UNFINISHED",
    calls=lambda conditions: machine_calls(conditions.quick_calls),
    tier="depth",
    partial=True,
)
def state_machine(harness: Harness) -> None:
    """A Hypothesis state machine creating, fetching, listing, updating and deleting real calls."""
    run_machine(harness)
