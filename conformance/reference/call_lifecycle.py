"""The simulated call lifecycle: the transition graph (in one place) and the tasks that walk it.

queued -> ringing -> in-progress -> completed; queued or ringing -> canceled, busy, failed, no-answer.
Ended states never change. Each call has one asyncio task in the server's loop; the API ends a call
through ``end`` (which cancels that task) and redirects it through ``redirect``. Every change happens
in ``_move`` without an ``await`` in between, so it is atomic on the single event loop.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable, Coroutine, Mapping
from types import MappingProxyType
from typing import Any

from . import events
from .call_store import ENDED, Call, CallStore
from .config import Timings
from .destinations import answered_by_for, media_for, outcome_for, sip_code_for
from .faults import FaultSet
from .laml import Step, load_document, parse_document
from .outbound import HttpOut
from .profiles import SIGNALWIRE, Profile

__all__ = ["PRICE_PER_MINUTE", "TRANSITIONS", "CallLifecycle", "IllegalTransition"]

logger = logging.getLogger(__name__)

TRANSITIONS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "queued": frozenset({"ringing", "canceled", "busy", "failed", "no-answer"}),
        "ringing": frozenset({"in-progress", "canceled", "busy", "failed", "no-answer"}),
        "in-progress": frozenset({"completed"}),
        **{status: frozenset() for status in ENDED},
    }
)
PRICE_PER_MINUTE = 0.004
MAX_REDIRECTS = 10


class IllegalTransition(RuntimeError):
    """A move the graph does not allow (a bug in the caller, never a client error)."""


class CallLifecycle:
    """Runs every call's lifecycle and tells the application about it."""

    def __init__(
        self,
        store: CallStore,
        http: HttpOut,
        timings: Timings,
        signing_key_of: Callable[[str], str],
        faults: FaultSet | None = None,
        profile: Profile = SIGNALWIRE,
    ) -> None:
        self.store = store
        self.http = http
        self.timings = timings
        self.profile = profile
        self.faults = faults if faults is not None else FaultSet(profile=profile)
        self.behaviour = self.faults.behaviour
        self._key_of = signing_key_of
        self._tasks: dict[str, asyncio.Task[None]] = {}

    # ------------------------------------------------------------------ the API's entry points

    def start(self, call: Call) -> None:
        """A call was created: say ``initiated`` and start walking it."""
        self._status_callback(call, "initiated", "initiated")
        self._spawn(call, lambda: self._run(call))

    def end(self, call: Call, status: str) -> None:
        """End a live call now (update Status=canceled/completed)."""
        self._move(call, status)

    def answer_and_complete(self, call: Call) -> None:
        """End a ringing call as completed, through an answer (a fault's reading of Status=canceled)."""
        self._cancel_task(call)
        self._move(call, "in-progress")
        self._move(call, "completed")

    def redirect(self, call: Call) -> None:
        """The call's Url changed while in progress: run the new document from its start."""
        if call.status == "in-progress":
            self._spawn(call, lambda: self._converse(call, hold=outcome_for(call.to).hold, redirected=True))

    def stop(self, call: Call) -> None:
        """Stop walking a call without changing it (it was deleted while still up: a fault)."""
        self._cancel_task(call)

    def busy(self, sid: str) -> bool:
        """Whether the call's life is still going on (waiting, fetching or playing a document)."""
        return sid in self._tasks

    async def shutdown(self) -> None:
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()

    # ------------------------------------------------------------------ the one place state changes

    def _move(self, call: Call, status: str) -> None:
        if status not in TRANSITIONS[call.status]:
            raise IllegalTransition(f"{call.sid}: {call.status} -> {status}")
        now = self.store.now()
        call.status = status
        call.date_updated = now
        call.history.append(status)
        if status == "ringing":
            call.start_time = now
            self._status_callback(call, "ringing", "ringing")
        elif status == "in-progress":
            call.answered_at = now
            call.answered_by = answered_by_for(call.to, call.params.machine_detection)
            if call.params.record:
                call.recording_sid = self.profile.new_sid("RE")
                self._recording_callback(call, "in-progress")
            self._status_callback(call, "answered", "in-progress")
        else:
            call.end_time = now
            call.sip_result_code = sip_code_for(status)
            if call.answered_at is not None:
                connected = (now - call.answered_at).total_seconds()
                call.media = media_for(connected)
                call.price = round(PRICE_PER_MINUTE * max(1, math.ceil(connected / 60)), 4)
            else:
                call.price = 0.0
            self._cancel_task(call)
            if call.params.record:
                if call.answered_at is not None:
                    self._recording_callback(call, "completed")
                else:
                    self._recording_callback(call, "absent")
            self._status_callback(call, "completed", status)

    # ------------------------------------------------------------------ tasks

    def _spawn(self, call: Call, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run ``work()`` as the call's one task (the coroutine is made only once the task starts)."""
        self._cancel_task(call)
        task = asyncio.get_running_loop().create_task(self._guard(call, work))
        self._tasks[call.sid] = task
        task.add_done_callback(
            lambda done: self._tasks.pop(call.sid, None) if self._tasks.get(call.sid) is done else None
        )

    def _cancel_task(self, call: Call) -> None:
        task = self._tasks.get(call.sid)
        if task is not None and task is not asyncio.current_task():
            task.cancel()
            del self._tasks[call.sid]

    async def _guard(self, call: Call, work: Callable[[], Coroutine[Any, Any, None]]) -> None:
        try:
            await work()
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("lifecycle of call %s failed", call.sid)

    async def _run(self, call: Call) -> None:
        timings = self.timings
        await asyncio.sleep(timings.queued_for)
        if call.status != "queued":
            return
        self._move(call, "ringing")
        outcome = outcome_for(call.to)
        ring = timings.ring_for
        if outcome.after_ringing == "no-answer":
            ring = float(call.params.timeout) if outcome.rings_out else min(ring, float(call.params.timeout))
        if call.to in self.behaviour.rings_until_ended:
            await asyncio.get_running_loop().create_future()  # rings until ended through the API
        await asyncio.sleep(ring)
        if call.status != "ringing":
            return
        self._move(call, outcome.after_ringing)
        if call.status == "in-progress":
            await self._converse(call, hold=outcome.hold)

    async def _converse(self, call: Call, *, hold: bool, redirected: bool = False) -> None:
        """The answered call: hold (test number), or run its document (a redirect's: `redirected`), then
        complete it."""
        if hold:
            await asyncio.sleep(self.timings.hold_for)
        else:
            await self._play(call, redirected=redirected)
        if call.status == "in-progress":
            self._move(call, "completed")

    async def _first_steps(self, call: Call, *, redirected: bool) -> list[Step] | None:
        """The call's document: its Url's (or inline Twiml), else, when fetching the Url failed, its FallbackUrl's."""
        key, params, behaviour = self._key_of(call.account_sid), call.params, self.behaviour
        steps = _inline(params.twiml)
        if params.url:
            blank: list[Step] | None = None if behaviour.fallback_on_bad_document else []
            steps = await load_document(
                self.http, params.url, params.method, events.document_params(call), key, not_a_document=blank
            )
        falls_back = behaviour.fallback_after_update if redirected else behaviour.fallback_on_create
        if steps is None and params.fallback_url and falls_back:
            method = params.fallback_method if behaviour.fallback_method_honoured else "POST"
            steps = await load_document(
                self.http, params.fallback_url, method, events.document_params(call), key
            )
        return steps

    async def _play(self, call: Call, *, redirected: bool = False) -> None:
        key = self._key_of(call.account_sid)
        steps = await self._first_steps(call, redirected=redirected)
        if steps is None:
            await asyncio.sleep(self.timings.talk_for)
            return
        redirects = 0
        index = 0
        while index < len(steps) and call.status == "in-progress":
            step = steps[index]
            index += 1
            if step.verb == "pause":
                await asyncio.sleep(step.seconds)
            elif step.verb == "hangup":
                return
            elif step.verb == "redirect" and step.url and redirects < MAX_REDIRECTS:
                redirects += 1
                following = await load_document(
                    self.http, step.url, step.method, events.document_params(call), key
                )
                if following is None:
                    return
                steps, index = following, 0

    # ------------------------------------------------------------------ callbacks

    def _callback_key(self, call: Call) -> str:
        """The key callbacks are signed with: the profile's key of the account (or, as a fault, another)."""
        key = self._key_of(call.account_sid)
        return key if self.behaviour.callbacks_signed_with == "profile-key" else key[::-1] + "-wrong"

    def _status_callback(self, call: Call, event: str, call_status: str) -> None:
        params = call.params
        behaviour = self.behaviour
        if not params.status_callback:
            return
        if event not in params.status_callback_events and behaviour.status_events_sent == "requested":
            return
        if event == "completed" and not behaviour.final_status_callback_sent:
            return
        sequence = call.callbacks_sent
        call.callbacks_sent += 1
        pairs = self.faults.callback(
            "status", events.status_params(call, call_status, sequence, self.store.now(), self.profile)
        )
        method = params.status_callback_method if behaviour.status_callback_method_honoured else "POST"
        urls = [params.status_callback]
        if (
            event == "completed"
            and behaviour.replaced_status_callback_kept
            and params.replaced_status_callback
        ):
            urls.append(params.replaced_status_callback)
        for url in urls:
            target = url if behaviour.status_callback_query_kept else url.split("?", 1)[0]
            self.http.send(call.sid, "status", target, method, pairs, self._callback_key(call))

    def _recording_callback(self, call: Call, status: str) -> None:
        params = call.params
        if not params.recording_status_callback or status not in params.recording_status_callback_events:
            return
        pairs = events.recording_params(call, status, self.profile)
        self.http.send(
            call.sid,
            "recording",
            params.recording_status_callback,
            params.recording_status_callback_method,
            self.faults.callback("recording", pairs),
            self._callback_key(call),
        )


def _inline(document: str | None) -> list[Step] | None:
    """The steps of an inline document (twilio's Twiml); None when there is none or it is not one."""
    if not document:
        return None
    try:
        return parse_document(document.encode("utf-8"))
    except ValueError:
        return None
