"""Callback scenarios: calls whose StatusCallback and RecordingStatusCallback reach the receiver, and a
redirect whose new document must be fetched from it.

Each callback scenario creates one call pointing its callbacks at a fresh receiver token, follows the call
through the API until it ends, waits (bounded, on the receiver's log) for the callbacks, then runs every
"callback" check on each capture and every "callback-set" check on them all, against what the create asked
for and the Call object the API showed once the call had ended. The two main ones give their StatusCallback
and Url in an application's shape (a path of several segments, a query string with percent-encoded values:
`receiver.urls`), so that the signature is judged over such URLs, and the Url's requests too. A call that does
not end within the deadline, or cannot be created, leaves its requirements skipped, never failed. The redirect
scenario points an answered call at a document under a fresh token and runs the "document-set" checks on the
requests the receiver saw for it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from conformance.checks import answers
from conformance.checks.action_outcomes import Answer
from conformance.checks.callbacks import (
    FINAL_RECORDING_STATUSES,
    is_final,
    sequence_complete,
)
from conformance.checks.context import CallbackContext, DocumentContext
from conformance.checks.kinds import CALLBACK, CALLBACK_SET, DOCUMENT_SET
from conformance.core.bodies import json_field
from conformance.core.capture import Capture
from conformance.core.signals import NotJudged
from conformance.harness.harness import Harness
from conformance.lifecycle.receiving import follow, wait_for
from conformance.lifecycle.runner import scenario
from conformance.lifecycle.story import Story, not_judged

if TYPE_CHECKING:
    from conformance.receiver import CallbackReceiver

__all__ = ["Asked", "final_recording", "pause_until_ended"]

ALL_EVENTS = ("initiated", "ringing", "answered", "completed")
# Intermediate callbacks may trail the final one (delivery order may differ): how long they get once it is in.
GRACE = 2.0
STATUS_REQUIREMENTS = (
    "CB-FINAL-EVENT",
    "CB-INTERMEDIATE-EVENTS",
    "CB-METHOD",
    "CB-URL-AS-GIVEN",
    "CB-PARAMS",
    "CB-AGREES-WITH-CALL",
    "CB-MEDIA-FINAL",
    "CB-MEDIA-EARLY",
    "CB-DURATION-FINAL",
    "CB-DURATION-MATCHES",
    "CB-STATUS-PATH",
    "CB-TIMESTAMP",
    "CB-TIMESTAMP-GMT",
    "CB-TIMESTAMP-INSTANT",
    "CB-SEQUENCE",
    "CB-SIGNATURE",
)
FINAL_ONLY_REQUIREMENTS = tuple(r for r in STATUS_REQUIREMENTS if r != "CB-MEDIA-EARLY")
RECORDING_REQUIREMENTS = ("CB-RECORDING-PARAMS", "CB-SIGNATURE")
# Judged: callbacks, and the requests for the call's own document (its Url, under the token: CB-SIGNATURE only).
JUDGED_KINDS = ("status", "recording", "document")
REDIRECT = "UPDATE-REDIRECT-FETCH"


@dataclasses.dataclass(frozen=True)
class Asked:
    """What a scenario's create asks for: the call's LaML document, its callbacks, the number it rings, and
    whether its StatusCallback and Url have an application's shape (`app`: the Url is then under the token)."""

    laml: str
    events: Sequence[str] = ()
    method: str = "POST"
    status_callback: bool = True
    record: bool = False
    recording_events: Sequence[str] = ()
    to: str | None = None
    app: bool = False

    def form(self, harness: Harness, receiver: CallbackReceiver, token: str) -> dict[str, Any]:
        """The create's form, with callbacks to the receiver under `token`."""
        extra: dict[str, Any] = {}
        if self.app:
            extra["Url"] = receiver.laml_url(self.laml, token, app=True)
        if self.status_callback:
            extra.update(
                StatusCallback=receiver.status_url(token, app=self.app), StatusCallbackMethod=self.method
            )
            if self.events:
                extra["StatusCallbackEvent"] = list(self.events)
        if self.record:
            extra.update(Record="true", RecordingStatusCallback=receiver.recording_url(token, app=self.app))
            if self.recording_events:
                # SignalWire documents a space-separated string, Twilio an array (repeated keys).
                extra["RecordingStatusCallbackEvent"] = (
                    list(self.recording_events)
                    if harness.profile == "twilio"
                    else " ".join(self.recording_events)
                )
        return harness.create_form(self.to, scenario=self.laml, **extra)

    def context(
        self, harness: Harness, form: Mapping[str, Any], sid: str, followed: Any, deadline_at: float
    ) -> CallbackContext:
        """What the callbacks of call `sid` are judged against: this request and what the API showed."""
        return CallbackContext(
            profile=harness.profile,
            signing_key=harness.settings.signing_key or harness.settings.auth_token or "",
            account_sid=harness.client.account_sid,
            call_sid=sid,
            requested_events=frozenset(self.events or ("completed",))
            if self.status_callback
            else frozenset(),
            method=self.method,
            record=self.record,
            recording_events=frozenset(self.recording_events or ("completed",)),
            observed_statuses=tuple(followed.seen),
            final_status=followed.final,
            deadline_at=deadline_at,
            call=followed.call,
            url=form.get("StatusCallback"),
        )


@scenario("callbacks-all-events-post", *STATUS_REQUIREMENTS, needs=("create", "callbacks"))
def all_events_post(harness: Harness) -> None:
    """Every event requested, POSTed to an application's URL: each arrives signed, numbered, in a legal order,
    agreeing with the Call; the last is complete."""
    _story(harness, STATUS_REQUIREMENTS, Asked(laml="pause-1", events=ALL_EVENTS, method="POST", app=True))


@scenario("callbacks-default-get", *FINAL_ONLY_REQUIREMENTS, needs=("create", "callbacks"))
def default_get(harness: Harness) -> None:
    """No StatusCallbackEvent, method GET to an application's URL (a query string of its own): only the final
    event arrives, its parameters added to that query string."""
    _story(harness, FINAL_ONLY_REQUIREMENTS, Asked(laml="hangup", events=(), method="GET", app=True))


@scenario("callbacks-recording", *RECORDING_REQUIREMENTS, needs=("create", "callbacks"))
def recording(harness: Harness) -> None:
    """Record=true with a RecordingStatusCallback: the recording callbacks arrive, signed and well formed."""
    _story(
        harness,
        RECORDING_REQUIREMENTS,
        Asked(
            laml="hangup", status_callback=False, record=True, recording_events=("in-progress", "completed")
        ),
    )


@scenario("callbacks-busy", *STATUS_REQUIREMENTS, needs=("create", "callbacks", "busy-number"))
def busy(harness: Harness) -> None:
    """A busy call: the final event says busy, with CallDuration 0, after no `answered` event."""
    harness.require("busy-number")
    number = harness.to_numbers["busy"]
    _story(harness, STATUS_REQUIREMENTS, Asked(laml="hangup", events=ALL_EVENTS, method="POST", to=number))


@scenario("redirect-fetch", REDIRECT, needs=("create", "callbacks", "hold"))
def redirect_fetch(harness: Harness) -> None:
    """A Url update (Method=GET) of an answered call: the endpoint fetches the new document with GET in time."""
    receiver = harness.receiver
    if receiver is None:
        raise NotJudged("no callback receiver in this run")
    with Story(harness) as story:
        record = story.create_or_skip(REDIRECT, long=True)
        story.reach_or_skip(record, "in-progress", REDIRECT)
        token = receiver.new_token()
        url = harness.laml_url(story.document(record), token=token)
        response = story.update(record, {"Url": url, "Method": "GET"})
        if not response.is_success:
            not_judged(
                REDIRECT, f"the Url update answered {Answer.of(response)} (UPDATE-REDIRECT judges that)"
            )
        context = DocumentContext("GET", harness.clock.time(), harness.settings.deadline)
        with harness.progress.waiting("the new document to be fetched"):
            wait_for(
                harness,
                receiver,
                token,
                lambda caps: any(c.kind == "document" for c in caps),
                context.deadline,
            )
        harness.verifier.run(DOCUMENT_SET, context, receiver.captures(token))


# ---------------------------------------------------------------- the story every scenario tells


def _story(harness: Harness, requirements: Sequence[str], asked: Asked) -> None:
    """Create the call, follow it until it ends, wait for its callbacks, then judge them."""
    receiver = harness.receiver
    if receiver is None:
        raise NotJudged("no callback receiver in this run")
    deadline = harness.settings.deadline
    token = receiver.new_token()
    form = asked.form(harness, receiver, token)
    response = harness.client.create_call(form)
    harness.answer(answers.valid_create_accepted, response, "a valid create")
    sid = json_field(response, "sid")
    if not response.is_success or not isinstance(sid, str):
        _give_up(requirements, f"the create answered {response.status_code}; no call to follow")
    with harness.progress.waiting("the call to end"):
        followed = follow(
            harness, sid, harness.clock.deadline(deadline), pause_until_ended(harness, receiver, token)
        )
    if followed.final is None:
        _give_up(requirements, f"the call did not end within the deadline ({deadline:g} s)")
    ended_at = harness.clock.time()
    with harness.progress.waiting("callbacks"):
        if asked.status_callback:
            wait_for(harness, receiver, token, lambda caps: any(is_final(c) for c in caps), deadline, sid)
        if asked.record:
            wait_for(
                harness, receiver, token, lambda caps: any(final_recording(c) for c in caps), deadline, sid
            )
        if asked.status_callback:
            wait_for(harness, receiver, token, sequence_complete, GRACE, sid)
    captures = [c for c in receiver.captures(token) if c.kind in JUDGED_KINDS]
    context = asked.context(harness, form, sid, followed, ended_at + deadline)
    harness.verifier.run(CALLBACK, context, captures)
    harness.verifier.run(CALLBACK_SET, context, captures)
    if not captures:
        _none_arrived(
            harness, requirements, f"no callback of call {sid} arrived within {deadline:g} s of its end"
        )


def _none_arrived(harness: Harness, requirements: Sequence[str], why: str) -> None:
    """Nothing to judge one callback at a time (CB-SIGNATURE, CB-PARAMS, …): say why, rather than leave another
    part's reason."""
    for item in CALLBACK.checks():
        if item.requirement in requirements:
            harness.verifier.skip(item.requirement, f"{why} (see CB-FINAL-EVENT, CB-RECORDING-PARAMS)")


def pause_until_ended(harness: Harness, receiver: CallbackReceiver, token: str) -> Callable[[float], None]:
    """Sleep between polls, woken once by a callback that says the call ended (then plain sleeps)."""
    woken = False

    def pause(seconds: float) -> None:
        nonlocal woken
        if woken:
            harness.clock.wait(harness.stopping, seconds)
        else:
            woken = wait_for(
                harness,
                receiver,
                token,
                lambda caps: any(is_final(c) or final_recording(c) for c in caps),
                seconds,
            )

    return pause


def final_recording(capture: Capture) -> bool:
    return capture.kind == "recording" and capture.get("RecordingStatus") in FINAL_RECORDING_STATUSES


def _give_up(requirements: Sequence[str], reason: str) -> NoReturn:
    raise NotJudged(reason, requirements)
