"""Callback scenarios: calls whose StatusCallback and RecordingStatusCallback reach the receiver, and a
redirect whose new document must be fetched from it.

Each callback scenario creates one call pointing its callbacks at a fresh receiver token, follows the call
through the API until it ends, waits (bounded, on the receiver's log) for the callbacks, then runs every
"callback" check on each capture and every "callback-set" check on them all. A call that does not end
within the deadline, or cannot be created, leaves its requirements skipped, never failed. The redirect
scenario points an answered call at a document under a fresh token and runs the "document-set" checks on
the requests the receiver saw for it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from conformance.bodies import json_field
from conformance.capture import Capture
from conformance.checks import all_checks
from conformance.checks.callbacks import (
    FINAL_RECORDING_STATUSES,
    CallbackContext,
    is_final,
    sequence_complete,
)
from conformance.checks.documents import RedirectContext
from conformance.clock import Deadline
from conformance.failures import NotJudged
from conformance.graph import ENDED
from conformance.handle import Suite
from conformance.lifecycle.actions import Story, not_judged
from conformance.lifecycle.runner import scenario
from conformance.lifecycle.story import answer
from conformance.polling import backoff, poll

if TYPE_CHECKING:
    from conformance.receiver import CallbackReceiver

__all__ = ["Asked"]

ALL_EVENTS = ("initiated", "ringing", "answered", "completed")
# Intermediate callbacks may trail the final one (delivery order may differ): how long they get once it is in.
GRACE = 2.0
STATUS_REQUIREMENTS = (
    "CB-FINAL-EVENT",
    "CB-INTERMEDIATE-EVENTS",
    "CB-METHOD",
    "CB-PARAMS",
    "CB-MEDIA-FINAL",
    "CB-MEDIA-EARLY",
    "CB-DURATION-FINAL",
    "CB-STATUS-PATH",
    "CB-TIMESTAMP",
    "CB-TIMESTAMP-GMT",
    "CB-SEQUENCE",
    "CB-SIGNATURE",
)
FINAL_ONLY_REQUIREMENTS = tuple(r for r in STATUS_REQUIREMENTS if r != "CB-MEDIA-EARLY")
RECORDING_REQUIREMENTS = ("CB-RECORDING-PARAMS", "CB-SIGNATURE")
CALLBACK_KINDS = ("status", "recording")
REDIRECT = "UPDATE-REDIRECT-FETCH"


@dataclasses.dataclass(frozen=True)
class Asked:
    """What a scenario's create asks for: the call's LaML document, its callbacks, and the number it rings."""

    laml: str
    events: Sequence[str] = ()
    method: str = "POST"
    status_callback: bool = True
    record: bool = False
    recording_events: Sequence[str] = ()
    to: str | None = None

    def form(self, suite: Suite, receiver: CallbackReceiver, token: str) -> dict[str, Any]:
        """The create's form, with callbacks to the receiver under `token`."""
        extra: dict[str, Any] = {}
        if self.status_callback:
            extra.update(StatusCallback=receiver.status_url(token), StatusCallbackMethod=self.method)
            if self.events:
                extra["StatusCallbackEvent"] = list(self.events)
        if self.record:
            extra.update(Record="true", RecordingStatusCallback=receiver.recording_url(token))
            if self.recording_events:
                # SignalWire documents a space-separated string, Twilio an array (repeated keys).
                extra["RecordingStatusCallbackEvent"] = (
                    list(self.recording_events)
                    if suite.profile == "twilio"
                    else " ".join(self.recording_events)
                )
        return suite.create_form(self.to, scenario=self.laml, **extra)

    def context(
        self, suite: Suite, sid: str, observed: Sequence[str], final: str, deadline_at: float
    ) -> CallbackContext:
        """What the callbacks of call `sid` are judged against: this request and what the API showed."""
        return CallbackContext(
            profile=suite.profile,
            signing_key=suite.settings.signing_key or suite.settings.auth_token or "",
            account_sid=suite.client.account_sid,
            call_sid=sid,
            requested_events=frozenset(self.events or ("completed",))
            if self.status_callback
            else frozenset(),
            method=self.method,
            record=self.record,
            recording_events=frozenset(self.recording_events or ("completed",)),
            observed_statuses=tuple(observed),
            final_status=final,
            deadline_at=deadline_at,
        )


@scenario("callbacks-all-events-post", *STATUS_REQUIREMENTS, needs=("create", "callbacks"))
def all_events_post(suite: Suite) -> None:
    """Every event requested, POSTed: each arrives signed, numbered and in a legal order; the last is complete."""
    _story(suite, STATUS_REQUIREMENTS, Asked(laml="pause-1", events=ALL_EVENTS, method="POST"))


@scenario("callbacks-default-get", *FINAL_ONLY_REQUIREMENTS, needs=("create", "callbacks"))
def default_get(suite: Suite) -> None:
    """No StatusCallbackEvent, method GET: only the final event arrives, its parameters in the query string."""
    _story(suite, FINAL_ONLY_REQUIREMENTS, Asked(laml="hangup", events=(), method="GET"))


@scenario("callbacks-recording", *RECORDING_REQUIREMENTS, needs=("create", "callbacks"))
def recording(suite: Suite) -> None:
    """Record=true with a RecordingStatusCallback: the recording callbacks arrive, signed and well formed."""
    _story(
        suite,
        RECORDING_REQUIREMENTS,
        Asked(
            laml="hangup", status_callback=False, record=True, recording_events=("in-progress", "completed")
        ),
    )


@scenario("callbacks-busy", *STATUS_REQUIREMENTS, needs=("create", "callbacks", "busy-number"))
def busy(suite: Suite) -> None:
    """A busy call: the final event says busy, with CallDuration 0, after no `answered` event."""
    suite.require("busy-number")
    number = suite.to_numbers["busy"]
    _story(suite, STATUS_REQUIREMENTS, Asked(laml="hangup", events=ALL_EVENTS, method="POST", to=number))


@scenario("redirect-fetch", REDIRECT, needs=("create", "callbacks", "hold"))
def redirect_fetch(suite: Suite) -> None:
    """A Url update (Method=GET) of an answered call: the endpoint fetches the new document with GET in time."""
    receiver = suite.receiver
    if receiver is None:
        raise NotJudged("no callback receiver in this run")
    with Story(suite) as story:
        record = story.create_or_skip(REDIRECT, long=True)
        story.reach_or_skip(record, "in-progress", REDIRECT)
        token = receiver.new_token()
        url = suite.laml_url(story.document(record), token=token)
        response = story.update(record, {"Url": url, "Method": "GET"})
        if not response.is_success:
            not_judged(REDIRECT, f"the Url update answered {answer(response)} (UPDATE-REDIRECT judges that)")
        context = RedirectContext("GET", suite.clock.time(), suite.settings.deadline)
        with suite.progress.waiting("the new document to be fetched"):
            _wait(
                suite, receiver, token, lambda caps: any(c.kind == "document" for c in caps), context.deadline
            )
        captures = receiver.captures(token)
        for item in all_checks().values():
            if item.kind == "document-set":
                suite.verifier.verify(item.requirement, item.fn, context, captures)


# ---------------------------------------------------------------- the story every scenario tells


def _story(suite: Suite, requirements: Sequence[str], asked: Asked) -> None:
    """Create the call, follow it until it ends, wait for its callbacks, then judge them."""
    receiver = suite.receiver
    if receiver is None:
        raise NotJudged("no callback receiver in this run")
    deadline = suite.settings.deadline
    token = receiver.new_token()
    response = suite.client.create_call(asked.form(suite, receiver, token))
    sid = json_field(response, "sid")
    if not response.is_success or not isinstance(sid, str):
        _give_up(requirements, f"the create answered {response.status_code}; no call to follow")
    with suite.progress.waiting("the call to end"):
        observed, final = _follow(suite, sid, suite.clock.deadline(deadline), _pause(suite, receiver, token))
    if final is None:
        _give_up(requirements, f"the call did not end within the deadline ({deadline:g} s)")
    ended_at = suite.clock.time()
    with suite.progress.waiting("callbacks"):
        if asked.status_callback:
            _wait(suite, receiver, token, lambda caps: any(is_final(c) for c in caps), deadline)
        if asked.record:
            _wait(suite, receiver, token, lambda caps: any(_final_recording(c) for c in caps), deadline)
        if asked.status_callback:
            _wait(suite, receiver, token, sequence_complete, GRACE)
    captures = [c for c in receiver.captures(token) if c.kind in CALLBACK_KINDS]
    _judge(suite, asked.context(suite, sid, observed, final, ended_at + deadline), captures)
    if not captures:
        _none_arrived(
            suite, requirements, f"no callback of call {sid} arrived within {deadline:g} s of its end"
        )


def _none_arrived(suite: Suite, requirements: Sequence[str], why: str) -> None:
    """Nothing to judge one callback at a time (CB-SIGNATURE, CB-PARAMS, …): say why, rather than leave another
    part's reason."""
    for item in all_checks().values():
        if item.kind == "callback" and item.requirement in requirements:
            suite.verifier.skip(item.requirement, f"{why} (see CB-FINAL-EVENT, CB-RECORDING-PARAMS)")


def _pause(suite: Suite, receiver: CallbackReceiver, token: str) -> Callable[[float], None]:
    """Sleep between polls, woken once by a callback that says the call ended (then plain sleeps)."""
    woken = False

    def pause(seconds: float) -> None:
        nonlocal woken
        if woken:
            suite.clock.wait(suite.stopping, seconds)
        else:
            woken = _wait(
                suite,
                receiver,
                token,
                lambda caps: any(is_final(c) or _final_recording(c) for c in caps),
                seconds,
            )

    return pause


def _judge(suite: Suite, ctx: CallbackContext, captures: Sequence[Capture]) -> None:
    """Run the callback checks: each "callback" one on every capture (up to its first failure), each set one once."""
    verifier = suite.verifier
    for item in all_checks().values():
        if item.kind == "callback":
            for capture in captures:
                if not verifier.verify(item.requirement, item.fn, ctx, capture):
                    break
        elif item.kind == "callback-set":
            verifier.verify(item.requirement, item.fn, ctx, captures)


def _follow(
    suite: Suite, sid: str, until: Deadline, pause: Callable[[float], None]
) -> tuple[list[str], str | None]:
    """Poll the call until it ends: the distinct statuses seen in order, and the ended status (None: it did not).

    Between polls `pause(seconds)` waits, returning early when a callback says the call has ended.
    """
    seen: list[str] = []

    def step() -> bool | None:
        status = json_field(suite.client.fetch_call(sid), "status")
        if isinstance(status, str) and (not seen or seen[-1] != status):
            seen.append(status)
        return True if isinstance(status, str) and status in ENDED else None

    def wait(seconds: float) -> bool:
        if suite.stopping.is_set():
            return True
        pause(min(seconds, until.remaining()))
        return False

    ended = poll(step, until, wait, backoff(0.05, 1.5, 1.0))
    return seen, seen[-1] if ended else None


def _wait(
    suite: Suite,
    receiver: CallbackReceiver,
    token: str,
    predicate: Callable[[list[Capture]], bool],
    timeout: float,
) -> bool:
    """Wait until `predicate(this call's captures)` holds, `timeout` passes or the run stops (a replay has
    every capture already, so it looks once)."""
    timer = suite.clock.timer(timeout)

    def holds(captures: Iterable[Capture]) -> bool:
        return predicate([c for c in captures if c.token == token])

    while True:
        if receiver.log.wait(holds, timeout=min(0.5, timer.remaining())):
            return True
        if timer.passed() or suite.stopping.is_set():
            return False


def _final_recording(capture: Capture) -> bool:
    return capture.kind == "recording" and capture.get("RecordingStatus") in FINAL_RECORDING_STATUSES


def _give_up(requirements: Sequence[str], reason: str) -> NoReturn:
    raise NotJudged(reason, requirements)
