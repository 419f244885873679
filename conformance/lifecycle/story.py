"""The calls one scenario (or one state-machine run) works with: created, fetched, listed and polled through the
suite's client, each with a `CallRecord` of what the answers showed (`StoryBase`); and the small vocabulary of
judging (`Judged`, `not_judged`, `error_code`). The actions that judge updates and deletes are in `actions.py`.

A call is `long` when its document (`pause-N`) keeps it in progress until the story ends it; only then is "it
did not end by itself" certain.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, NoReturn, Self

from conformance.core.bodies import json_body, json_object
from conformance.core.clock import Deadline
from conformance.core.polling import poll
from conformance.core.signals import NotJudged
from conformance.core.statuses import ENDED, STATUSES
from conformance.harness.harness import Harness
from conformance.lifecycle.observer import CallRecord
from conformance.plan.conditions import hold_seconds

if TYPE_CHECKING:
    import httpx

__all__ = ["Judged", "StoryBase", "answer", "error_code", "is_4xx", "not_judged", "status_shown"]

PAGE_SIZE = 50


@dataclasses.dataclass(frozen=True)
class Judged:
    """Which requirement an action judged (None: none was decisive) and why, in words."""

    requirement: str | None
    reason: str = ""


def error_code(response: httpx.Response) -> int | None:
    """The error code of an error body (`code`, or the first of `errors`), as an integer; else None."""
    body = json_object(response)
    if body is None:
        return None
    code = body.get("code")
    errors = body.get("errors")
    if code is None and isinstance(errors, list) and errors and isinstance(errors[0], dict):
        code = errors[0].get("code")
    if isinstance(code, int) and not isinstance(code, bool):
        return code
    if isinstance(code, str) and code.isdigit():
        return int(code)
    return None


def not_judged(requirement: str, reason: str) -> NoReturn:
    """Stop the scenario: `requirement` could not be judged, for `reason`."""
    raise NotJudged(reason, (requirement,))


def answer(response: httpx.Response) -> str:
    code = error_code(response)
    return f"{response.status_code}" + (f" (code {code})" if code is not None else "")


def is_4xx(response: httpx.Response) -> bool:
    return 400 <= response.status_code < 500


class StoryBase:
    """The calls one scenario works with; `with Story(suite) as story:` hangs up the long ones at the end."""

    def __init__(self, harness: Harness) -> None:
        self.harness = harness
        self.client = harness.client
        self.verifier = harness.verifier
        self.clock = harness.clock
        self.records: dict[str, CallRecord] = {}
        self.interval = 0.05 if harness.settings.embedded else 1.0

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.hang_up_all()

    # ------------------------------------------------------------------ calls and observations
    @property
    def can_hold(self) -> bool:
        """Whether calls can be kept in progress: the endpoint fetches the receiver's LaML documents."""
        return self.harness.receiver is not None

    @property
    def deadline(self) -> float:
        return self.harness.settings.deadline

    def document(self, record: CallRecord) -> str:
        """The LaML scenario of a call's kind: a long pause, or an immediate hangup."""
        return f"pause-{hold_seconds(self.deadline)}" if record.long else "hangup"

    def create(self, *, long: bool = False, to: str | None = None, **extra: Any) -> CallRecord | None:
        """Create a call (long ones need `can_hold`); None when the endpoint refused the create."""
        record = CallRecord("", long=long and self.can_hold)
        form = self.harness.create_form(to, scenario=self.document(record), **extra)
        response = self.client.create_call(form)
        body = json_body(response)
        if not response.is_success or not isinstance(body, dict) or not isinstance(body.get("sid"), str):
            return None
        record.sid = body["sid"]
        record.created_at = (
            self.clock.monotonic()
        )  # when the create's answer arrived (a replay knows only answers)
        record.observe("create", body, record.created_at)
        self.records[record.sid] = record
        return record

    def create_or_skip(self, requirement: str, *, long: bool = False, **extra: Any) -> CallRecord:
        """`create`, or skip `requirement` when the call cannot be made as the scenario needs it."""
        if long and not self.can_hold:
            reason = self.harness.verifier.ledger.missing_capability_named("hold")
            not_judged(requirement, reason or "keeping a call in progress needs the callback receiver")
        record = self.create(long=long, **extra)
        if record is None:
            not_judged(requirement, "the endpoint did not create the call")
        return record

    def fetch(self, record: CallRecord) -> httpx.Response:
        """Fetch the call and note what it shows; a call deleted after it ended must answer 404."""
        response = self.client.fetch_call(record.sid)
        if response.is_success:
            record.observe("fetch", json_body(response), self.clock.monotonic())
        if record.deleted_as in ENDED:
            self.verifier.expect(
                "DELETE-ENDED",
                response.status_code == 404,
                f"a fetch of deleted call {record.sid} answered {response.status_code}",
                received=response.status_code,
                expected=404,
            )
        return response

    def status(self, record: CallRecord) -> str | None:
        """The call's status now (a fetch), or None when the fetch shows no call."""
        response = self.fetch(record)
        return record.status if response.is_success else None

    def poll(
        self, record: CallRecord, until: Callable[[str], bool], timeout: float | Deadline | None = None
    ) -> bool:
        """Fetch until `until(status)` holds; False when the time (seconds, or a shared Deadline) runs out,
        the call is gone or the run ends."""
        if not isinstance(timeout, Deadline):
            timeout = self.clock.deadline(self.deadline if timeout is None else timeout)

        def step() -> bool | None:
            status = self.status(record)
            if status is None:
                return False
            return True if until(status) else None

        return poll(
            step,
            timeout,
            lambda seconds: self.clock.wait(self.harness.stopping, seconds),
            itertools.repeat(self.interval),
        )

    def reach_or_skip(self, record: CallRecord, target: str, requirement: str) -> None:
        """Poll until the call is `target`; skip `requirement` when it ends first or never gets there."""
        with self.harness.progress.waiting(target):
            self.poll(record, lambda s: s == target or s in ENDED or s not in STATUSES)
        if record.status not in STATUSES:
            not_judged(requirement, f"the call's status {record.status!r} is not a documented one")
        if record.status != target:
            not_judged(
                requirement,
                f"the call was never seen {target} within {self.deadline:g} s (last seen {record.status})",
            )

    def list(self) -> httpx.Response:
        """One list page; each known call in it is noted as a list snapshot."""
        response = self.client.list_calls(PageSize=PAGE_SIZE)
        body = json_body(response)
        calls = body.get("calls") if response.is_success and isinstance(body, dict) else None
        at = self.clock.monotonic()
        for call in calls if isinstance(calls, list) else ():
            if isinstance(call, dict) and isinstance(call.get("sid"), str) and call["sid"] in self.records:
                self.records[call["sid"]].observe("list", call, at)
        return response

    def update(self, record: CallRecord, form: dict[str, str]) -> httpx.Response:
        response = self.client.update_call(record.sid, form)
        if response.is_success:
            record.observe("update", json_body(response), self.clock.monotonic())
        return response

    def hang_up_all(self) -> None:
        """End every call of the story that may still be up (Status=completed), judging nothing."""
        for record in self.records.values():
            if record.deleted_as is None and not record.ended and not self.client.dead:
                self.update(record, {"Status": "completed"})

    def judge(
        self, requirement: str, condition: bool, title: str, *, received: Any = None, expected: Any = None
    ) -> Judged:
        self.verifier.expect(requirement, condition, title, received=received, expected=expected)
        return Judged(requirement, title)


def status_shown(response: httpx.Response, record: CallRecord) -> str | None:
    """The status a 2xx answer shows for the call, else None."""
    body = json_object(response) if response.is_success else None
    if isinstance(body, dict) and body.get("sid") == record.sid and isinstance(body.get("status"), str):
        return body["status"]
    return None
