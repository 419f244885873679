"""The StatusCallback update scenario (seed: StatusCallback "The URL SignalWire will send webhooks to"): an update
of an answered call gives it another StatusCallback, in an application's shape, and StatusCallbackMethod=GET (the
create's was POST); once the call is ended, its final status callback must reach the new URL with GET, and the
URL it replaced should get nothing more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.checks.callbacks import is_final
from conformance.checks.context import CallbackContext, CallbackUpdateContext
from conformance.checks.kinds import CALLBACK, CALLBACK_MOVE
from conformance.core.signals import NotJudged
from conformance.core.statuses import ENDED
from conformance.harness.harness import Harness
from conformance.lifecycle.callback_scenarios import ALL_EVENTS, GRACE
from conformance.lifecycle.receiving import wait_for
from conformance.lifecycle.runner import scenario
from conformance.lifecycle.story import Story, not_judged

if TYPE_CHECKING:
    from conformance.checks.call_records import CallRecord
    from conformance.receiver import CallbackReceiver

__all__: list[str] = []

MOVED = "UPDATE-STATUS-CALLBACK"
OLD = "UPDATE-STATUS-CALLBACK-OLD"


# Judged on each URL's callbacks too: the signature over the new URL (an application's, with GET), and the URLs.
ALSO = ("CB-SIGNATURE", "CB-URL-AS-GIVEN")


@scenario("status-callback-update", MOVED, OLD, *ALSO, needs=("create", "callbacks", "hold"))
def status_callback_update(harness: Harness) -> None:
    """StatusCallback and StatusCallbackMethod updated on an answered call: the final callback follows them."""
    receiver = harness.receiver
    if receiver is None:
        raise NotJudged("no callback receiver in this run")
    old, new = receiver.new_token(), receiver.new_token()
    with Story(harness) as story:
        first = {"StatusCallback": receiver.status_url(old), "StatusCallbackMethod": "POST"}
        record = story.create_or_skip(MOVED, long=True, StatusCallbackEvent=list(ALL_EVENTS), **first)
        story.reach_or_skip(record, "in-progress", MOVED)
        update = {"StatusCallback": receiver.status_url(new, app=True), "StatusCallbackMethod": "GET"}
        response = story.update(record, update)
        story.judge(story.outcome("status-callback", record, update, "in-progress", response))  # just seen so
        if not response.is_success:
            not_judged(OLD, "the update giving the call a new StatusCallback was refused")
        story.update(record, {"Status": "completed"})
        if not story.poll(record, lambda s: s in ENDED):
            not_judged(MOVED, f"the call did not end within {story.deadline:g} s of Status=completed")
        _judge(harness, receiver, record, (old, first), (new, update))


def _judge(
    harness: Harness,
    receiver: CallbackReceiver,
    record: CallRecord,
    old: tuple[str, dict[str, str]],
    new: tuple[str, dict[str, str]],
) -> None:
    """Wait for the final callback at the new URL (and a while for a stray one at the old), then judge them."""
    ended_at = harness.clock.time()
    wait_for(
        harness,
        receiver,
        new[0],
        lambda caps: any(is_final(c) for c in caps),
        harness.settings.deadline,
        record.sid,
    )
    wait_for(harness, receiver, old[0], lambda caps: any(is_final(c) for c in caps), GRACE, record.sid)
    captures = sorted([*receiver.captures(old[0]), *receiver.captures(new[0])], key=lambda c: c.received_at)
    context = CallbackUpdateContext(old[0], new[0], "GET", ended_at, harness.settings.deadline)
    harness.verifier.run(CALLBACK_MOVE, context, captures)
    for token, asked in (old, new):
        each = CallbackContext(
            profile=harness.profile,
            signing_key=harness.settings.signing_key or harness.settings.auth_token or "",
            account_sid=harness.client.account_sid,
            call_sid=record.sid,
            method=asked["StatusCallbackMethod"],
            url=asked["StatusCallback"],
        )
        harness.verifier.run(CALLBACK, each, [c for c in captures if c.token == token], only=ALSO)
