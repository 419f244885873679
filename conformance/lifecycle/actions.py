"""Acting on real calls and judging the answers: shared by the lifecycle scenarios and the state machine.

A `Story` is the set of calls one scenario (or one state-machine run) works with. It creates, fetches,
lists and polls them through the suite's client, keeping a `CallRecord` of each. Its actions (`cancel`,
`complete`, `redirect`, `delete`) first fetch the call, act, then judge the answer against whichever
requirement the status before the action makes decisive, leniently where timing leaves it open: a call
may move between that fetch and the action. A call is `long` when its document (`pause-N`) keeps it in
progress until the story ends it; only then is "it did not end by itself" certain.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, NoReturn

from conformance.bodies import json_body, json_object
from conformance.clock import Deadline
from conformance.failures import NotJudged
from conformance.graph import ACTIVE, ENDED, NOT_ANSWERED, SELF_ENDS, STATUSES
from conformance.handle import Suite
from conformance.lifecycle.observer import CallRecord
from conformance.polling import poll

if TYPE_CHECKING:
    import httpx

__all__ = ["Judged", "Story", "error_code", "not_judged"]

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


def _answer(response: httpx.Response) -> str:
    code = error_code(response)
    return f"{response.status_code}" + (f" (code {code})" if code is not None else "")


def _is_4xx(response: httpx.Response) -> bool:
    return 400 <= response.status_code < 500


class Story:
    """The calls one scenario works with; `with Story(suite) as story:` hangs up the long ones at the end."""

    def __init__(self, suite: Suite) -> None:
        self.suite = suite
        self.client = suite.client
        self.verifier = suite.verifier
        self.clock = suite.clock
        self.records: dict[str, CallRecord] = {}
        self.interval = 0.05 if suite.settings.embedded else 1.0

    def __enter__(self) -> Story:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.hang_up_all()

    # ------------------------------------------------------------------ calls and observations
    @property
    def can_hold(self) -> bool:
        """Whether calls can be kept in progress: the endpoint fetches the receiver's LaML documents."""
        return self.suite.receiver is not None

    @property
    def deadline(self) -> float:
        return self.suite.settings.deadline

    def document(self, record: CallRecord) -> str:
        """The LaML scenario of a call's kind: a long pause, or an immediate hangup."""
        return f"pause-{min(3600, max(60, int(4 * self.deadline)))}" if record.long else "hangup"

    def create(self, *, long: bool = False, to: str | None = None, **extra: Any) -> CallRecord | None:
        """Create a call (long ones need `can_hold`); None when the endpoint refused the create."""
        record = CallRecord("", long=long and self.can_hold)
        form = self.suite.create_form(to, scenario=self.document(record), **extra)
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
            not_judged(
                requirement,
                "keeping a call in progress needs a LaML document the endpoint "
                "can fetch (set CALLS_CALLBACK_URL)",
            )
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
            lambda seconds: self.clock.wait(self.suite.stopping, seconds),
            itertools.repeat(self.interval),
        )

    def reach_or_skip(self, record: CallRecord, target: str, requirement: str) -> None:
        """Poll until the call is `target`; skip `requirement` when it ends first or never gets there."""
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

    # ------------------------------------------------------------------ actions
    def _before(self, record: CallRecord, fresh: bool = False) -> str | None:
        """The status just before an action: fetched, or (`fresh`) the one the last answer showed.

        None when there is none, or it is not a documented status (the status check judges that).
        """
        status = record.status if fresh else self.status(record)
        return status if status in STATUSES else None

    def cancel(self, record: CallRecord, *, fresh: bool = False) -> Judged:
        """Status=canceled; judges UPDATE-CANCEL-QUEUED, -IN-PROGRESS or UPDATE-ENDED-CALL."""
        before = self._before(record, fresh)
        if before is None:
            return Judged(None, f"the call's status could not be fetched or is unknown ({record.status})")
        if before in ENDED:
            return self._update_ended(record, {"Status": "canceled"}, before)
        response = self.update(record, {"Status": "canceled"})
        if before == "in-progress":
            return self._canceled_in_progress(record, response)
        return self._canceled_not_answered(record, response, before)

    def _canceled_in_progress(self, record: CallRecord, response: httpx.Response) -> Judged:
        req = "UPDATE-CANCEL-IN-PROGRESS"
        shown = _shown(response, record)
        if not (response.is_success or _is_4xx(response)):
            return self.judge(
                req,
                False,
                f"Status=canceled on an in-progress call answered {_answer(response)}",
                received=response.status_code,
                expected="4xx, or 200 with the call unchanged",
            )
        if response.is_success and shown in ENDED:
            if record.long or shown == "canceled":
                return self.judge(
                    req,
                    False,
                    f"Status=canceled on an in-progress call answered "
                    f"{response.status_code} showing it {shown}",
                    received=shown,
                    expected="in-progress (or a 4xx answer)",
                )
            return Judged(None, f"the call was {shown}: it may have hung up by itself")
        after = self.status(record)
        if after == "in-progress":
            return self.judge(req, True, "the call is still in progress after Status=canceled")
        if record.long or after == "canceled":
            return self.judge(
                req,
                False,
                f"after Status=canceled (answered {_answer(response)}) the "
                f"in-progress call is {after or 'gone'}",
                received=after,
                expected="in-progress",
            )
        return Judged(None, f"the call was {after}: it may have hung up by itself")

    def _canceled_not_answered(self, record: CallRecord, response: httpx.Response, before: str) -> Judged:
        req = "UPDATE-CANCEL-QUEUED"
        shown = _shown(response, record)
        if not response.is_success:
            after = self.status(record)
            if after in NOT_ANSWERED or after == "canceled" or not _is_4xx(response):
                return self.judge(
                    req,
                    False,
                    f"Status=canceled on a {before} call answered {_answer(response)}; "
                    f"it is {after or 'gone'} now",
                    received=_answer(response),
                    expected="200, and the call ends as canceled",
                )
            return Judged(
                None, f"the call was {after} when the cancel arrived (answered {_answer(response)})"
            )
        if shown == "in-progress":
            return Judged(
                None, "the call was answered before the cancel arrived (the answer shows it in progress)"
            )
        if shown in ENDED and shown != "canceled" and not record.long:
            return Judged(None, f"the call ended {shown} by itself")
        ended = self.poll(record, lambda s: s in ENDED or s == "in-progress" or s not in STATUSES)
        final = record.status
        if not ended and self.suite.stopping.is_set():
            return Judged(None, "the run ended first")
        if final not in STATUSES:
            return Judged(None, f"the call's status {final!r} is not a documented one")
        if final != "canceled" and not record.long and (shown is None or final in SELF_ENDS):
            return Judged(
                None, f"the call is {final}: it may have moved on by itself before the cancel arrived"
            )
        return self.judge(
            req,
            final == "canceled",
            f"after Status=canceled on a {before} call (answered {response.status_code}"
            f"{f', showing {shown}' if shown else ''}) the call is {final or 'gone'}",
            received=final,
            expected="canceled",
        )

    def complete(self, record: CallRecord, *, fresh: bool = False) -> Judged:
        """Status=completed; judges UPDATE-COMPLETE-IN-PROGRESS, -NOT-ANSWERED or UPDATE-ENDED-CALL."""
        before = self._before(record, fresh)
        if before is None:
            return Judged(None, f"the call's status could not be fetched or is unknown ({record.status})")
        if before in ENDED:
            return self._update_ended(record, {"Status": "completed"}, before)
        response = self.update(record, {"Status": "completed"})
        shown = _shown(response, record)
        answered = before == "in-progress" or shown == "in-progress"
        req = "UPDATE-COMPLETE-IN-PROGRESS" if answered else "UPDATE-COMPLETE-NOT-ANSWERED"
        if not response.is_success:
            return self._completion_refused(record, response, before, req)
        return self._completed(record, before, req, answered=answered)

    def _completion_refused(
        self, record: CallRecord, response: httpx.Response, before: str, req: str
    ) -> Judged:
        after = self.status(record)
        if after in ACTIVE or record.long:
            req = "UPDATE-COMPLETE-IN-PROGRESS" if after == "in-progress" else req
            return self.judge(
                req,
                False,
                f"Status=completed on a {before} call answered {_answer(response)}",
                received=_answer(response),
                expected="200, and the call ends",
            )
        return Judged(None, f"the call ended ({after}) before the update arrived")

    def _completed(self, record: CallRecord, before: str, req: str, *, answered: bool) -> Judged:
        ended = self.poll(record, lambda s: s in ENDED or s not in STATUSES)
        final = record.status
        if final not in STATUSES:
            return Judged(None, f"the call's status {final!r} is not a documented one")
        if not ended:
            if self.suite.stopping.is_set():
                return Judged(None, "the run ended first")
            return self.judge(
                req,
                False,
                f"the call is still {final or 'gone'} {self.deadline:g} s after "
                f"Status=completed on it while {before}",
                received=final,
                expected="an ended status",
            )
        if final in SELF_ENDS and not record.long and not answered:
            return Judged(None, f"the call ended {final} by itself")
        allowed = ("completed",) if answered else ("canceled", "completed")
        return self.judge(
            req,
            final in allowed,
            f"after Status=completed on a {before} call it ended {final}",
            received=final,
            expected=" or ".join(allowed),
        )

    def redirect(self, record: CallRecord) -> Judged:
        """Url=<the call's own kind of document>; judges UPDATE-REDIRECT (long calls) or UPDATE-ENDED-CALL."""
        url = self.suite.laml_url(self.document(record))
        before = self._before(record)
        if before is None:
            return Judged(None, f"the call's status could not be fetched or is unknown ({record.status})")
        if before in ENDED:
            return self._update_ended(record, {"Url": url}, before)
        response = self.update(record, {"Url": url})
        if before != "in-progress":
            return Judged(
                None, f"the call was {before}: the contract does not say what a Url update does then"
            )
        if not record.long:
            return Judged(None, "the call's document hangs up at once, so it may end by itself")
        req = "UPDATE-REDIRECT"
        if not response.is_success:
            return self.judge(
                req,
                False,
                f"a Url update of an in-progress call answered {_answer(response)}",
                received=_answer(response),
                expected=200,
            )
        shown = _shown(response, record)
        if shown in ENDED:
            return self.judge(
                req,
                False,
                f"the answer to a Url update shows the call {shown}",
                received=shown,
                expected="in-progress",
            )
        after = self.status(record)
        return self.judge(
            req,
            after == "in-progress",
            f"right after a Url update the call is {after or 'gone'}",
            received=after,
            expected="in-progress",
        )

    def delete(self, record: CallRecord) -> Judged:
        """DELETE; judges DELETE-ENDED or DELETE-UNFINISHED by the status just before."""
        before = self._before(record)
        if before is None:
            return Judged(None, f"the call's status could not be fetched or is unknown ({record.status})")
        response = self.client.delete_call(record.sid)
        if response.is_success:
            record.deleted_as = before
        if before in ENDED:
            return self._deleted_ended(record, response)
        req = "DELETE-UNFINISHED"
        if response.is_success:
            if record.long:
                return self.judge(
                    req,
                    False,
                    f"deleting a {before} call answered {response.status_code}",
                    received=response.status_code,
                    expected="4xx with code 20009",
                )
            return Judged(None, "the call may have ended before the delete arrived")
        after = self.status(record)
        if after in ENDED and not record.long:
            return Judged(None, f"the call ended ({after}) about when the delete arrived")
        if not (_is_4xx(response) and error_code(response) == 20009):
            return self.judge(
                req,
                False,
                f"deleting a {before} call answered {_answer(response)}",
                received=_answer(response),
                expected="4xx with code 20009",
            )
        return self.judge(
            req,
            after is not None and after not in ENDED,
            f"after a refused delete the call is {after or 'gone'}",
            received=after,
            expected="still there and not ended",
        )

    def _deleted_ended(self, record: CallRecord, response: httpx.Response) -> Judged:
        req = "DELETE-ENDED"
        if response.status_code != 204 or response.content:
            body = " with a body" if response.content else ""
            return self.judge(
                req,
                False,
                f"deleting an ended call answered {_answer(response)}{body}",
                received=f"{response.status_code}{body}",
                expected="204 with no body",
            )
        after = self.client.fetch_call(record.sid)
        return self.judge(
            req,
            after.status_code == 404,
            f"a fetch after the delete answered {after.status_code}",
            received=after.status_code,
            expected=404,
        )

    def _update_ended(self, record: CallRecord, form: dict[str, str], before: str) -> Judged:
        response = self.update(record, form)
        code = error_code(response)
        what = ", ".join(f"{k}={v}" for k, v in form.items())
        return self.judge(
            "UPDATE-ENDED-CALL",
            _is_4xx(response) and code in (10000, 21220),
            f"an update ({what}) of a {before} call answered {_answer(response)}",
            received=_answer(response),
            expected="4xx with code 10000 or 21220",
        )


def _shown(response: httpx.Response, record: CallRecord) -> str | None:
    """The status a 2xx answer shows for the call, else None."""
    body = json_object(response) if response.is_success else None
    if isinstance(body, dict) and body.get("sid") == record.sid and isinstance(body.get("status"), str):
        return body["status"]
    return None
