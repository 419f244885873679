"""The calls one scenario (or one state-machine run) works with, and the actions on them.

A `Story` creates, fetches, lists and polls calls through the suite's client, keeping a `CallRecord` of what each
answer showed of each call. Its actions (`cancel`, `complete`, `redirect`, `delete`) first learn the call's status,
act, then gather what came of it (the answer; what the call showed after, when that is needed) into an
`ActionOutcome`, which the call-action checks (`conformance.checks.call_actions`) judge against the requirement
the status before the action makes decisive. An action returns which requirement it judged (`Judged`), or why it
judged none: timing may leave the outcome open (a call may move between that status and the action).

A call is `long` when its document (`pause-N`) keeps it in progress until the story ends it; only then is "it
did not end by itself" certain.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from types import TracebackType
from typing import TYPE_CHECKING, Any, NoReturn, Self

from conformance.checks import answers
from conformance.checks.action_outcomes import Action, ActionOutcome, Answer, Undecided, at_stake
from conformance.checks.call_records import CallRecord
from conformance.checks.context import LifecycleContext
from conformance.checks.kinds import CALL_ACTION
from conformance.core.bodies import json_body
from conformance.core.clock import Deadline
from conformance.core.polling import poll
from conformance.core.signals import NotJudged
from conformance.core.statuses import ENDED, NOT_ANSWERED, STATUSES
from conformance.harness.harness import Harness
from conformance.plan.conditions import hold_seconds

if TYPE_CHECKING:
    import httpx

__all__ = ["Judged", "Story", "not_judged"]

PAGE_SIZE = 50


@dataclasses.dataclass(frozen=True)
class Judged:
    """Which requirement an action judged (None: none was decisive) and, in words, the situation or why not."""

    requirement: str | None
    reason: str = ""


def not_judged(requirement: str, reason: str) -> NoReturn:
    """Stop the scenario: `requirement` could not be judged, for `reason`."""
    raise NotJudged(reason, (requirement,))


class Story:
    """The calls one scenario works with; `with Story(harness) as story:` hangs up the long ones at the end."""

    def __init__(self, harness: Harness) -> None:
        self.harness = harness
        self.client = harness.client
        self.verifier = harness.verifier
        self.clock = harness.clock
        self.records: dict[str, CallRecord] = {}
        self.interval = 0.05 if harness.settings.embedded else 1.0
        self.context = LifecycleContext(harness.settings.deadline)

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
        # Whoever makes it, a valid create the endpoint refuses fails CREATE-2XX (not only the create test's).
        if not self.harness.answer(answers.valid_create_accepted, response, "a valid create"):
            return None
        if not isinstance(body, dict) or not isinstance(body.get("sid"), str):
            return None
        record.sid = body["sid"]
        # When the create's answer arrived (a replay knows only answers).
        record.created_at = self.clock.monotonic()
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
        """Fetch the call and note what it shows; a call deleted after it ended must answer 404 (DELETE-ENDED)."""
        response = self.client.fetch_call(record.sid)
        if response.is_success:
            record.observe("fetch", json_body(response), self.clock.monotonic())
        if record.deleted_as in ENDED:
            answer = Answer.of(response, record.sid)
            self.judge(ActionOutcome(record.sid, "fetch", answer, deleted_as=record.deleted_as))
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

    # ------------------------------------------------------------------ judging what actions came to
    def outcome(
        self, action: Action, record: CallRecord, form: dict[str, str], before: str, response: httpx.Response
    ) -> ActionOutcome:
        """What `action` (an update with `form`, or a delete) on a call that was `before` came to, as answered;
        what the call showed afterwards is added when it is needed (`dataclasses.replace`)."""
        answer = Answer.of(response, record.sid)
        return ActionOutcome(
            record.sid, action, answer, before=before, form=tuple(form.items()), long=record.long
        )

    def judge(self, outcome: ActionOutcome) -> Judged:
        """Run the call-action checks on `outcome`: the requirement it put at stake, or why it decided none."""
        try:
            self.verifier.run(CALL_ACTION, self.context, outcome)
        except Undecided as why:
            return Judged(None, why.reason)
        shown = outcome.answer.shows
        answer = f" and the answer showed it {shown}" if shown and shown != outcome.before else ""
        return Judged(at_stake(outcome), f"the call was {outcome.before}{answer}")

    # ------------------------------------------------------------------ actions
    def cancel(self, record: CallRecord, *, fresh: bool = False) -> Judged:
        """Status=canceled; judges UPDATE-CANCEL-QUEUED, -IN-PROGRESS or UPDATE-ENDED-CALL."""
        before = self._status_before(record, fresh)
        if before is None:
            return self._unknown(record)
        form = {"Status": "canceled"}
        outcome = self.outcome("cancel", record, form, before, self.update(record, form))
        answer = outcome.answer
        if before == "in-progress":
            # Is it still up? Unless the answer decides already (neither 2xx nor 4xx, or showing the call ended).
            if (answer.success or answer.is_4xx) and not (answer.success and answer.shows in ENDED):
                outcome = dataclasses.replace(outcome, after=self.status(record))
        elif before in NOT_ANSWERED:
            if not answer.success:
                outcome = dataclasses.replace(outcome, after=self.status(record))
            elif not (answer.shows == "in-progress" or self._ended_by_itself(outcome, "canceled")):
                outcome = self._polled(outcome, record, lambda s: s in ENDED or s == "in-progress")
        return self.judge(outcome)

    def complete(self, record: CallRecord, *, fresh: bool = False) -> Judged:
        """Status=completed; judges UPDATE-COMPLETE-IN-PROGRESS, -NOT-ANSWERED or UPDATE-ENDED-CALL."""
        before = self._status_before(record, fresh)
        if before is None:
            return self._unknown(record)
        form = {"Status": "completed"}
        outcome = self.outcome("complete", record, form, before, self.update(record, form))
        if before not in ENDED:
            if outcome.answer.success:
                outcome = self._polled(outcome, record, lambda s: s in ENDED)
            else:
                outcome = dataclasses.replace(outcome, after=self.status(record))
        return self.judge(outcome)

    def redirect(self, record: CallRecord) -> Judged:
        """Url=<the call's own kind of document>; judges UPDATE-REDIRECT (long calls) or UPDATE-ENDED-CALL."""
        form = {"Url": self.harness.laml_url(self.document(record))}
        before = self._status_before(record)
        if before is None:
            return self._unknown(record)
        outcome = self.outcome("redirect", record, form, before, self.update(record, form))
        answer = outcome.answer
        # Only a long in-progress call, when the answer does not decide already, is fetched again.
        if before == "in-progress" and record.long and answer.success and answer.shows not in ENDED:
            outcome = dataclasses.replace(outcome, after=self.status(record))
        return self.judge(outcome)

    def delete(self, record: CallRecord) -> Judged:
        """DELETE; judges DELETE-ENDED or DELETE-UNFINISHED by the status just before."""
        before = self._status_before(record)
        if before is None:
            return self._unknown(record)
        response = self.client.delete_call(record.sid)
        if response.is_success:
            record.deleted_as = before
        outcome = self.outcome("delete", record, {}, before, response)
        if before in ENDED:
            if response.status_code == 204 and not response.content:
                # A plain fetch: this one is the delete's own check, not a later fetch of a deleted call.
                outcome = dataclasses.replace(
                    outcome, fetched_after=self.client.fetch_call(record.sid).status_code
                )
        elif not response.is_success:
            outcome = dataclasses.replace(outcome, after=self.status(record))
        return self.judge(outcome)

    def _status_before(self, record: CallRecord, fresh: bool = False) -> str | None:
        """The status just before an action: fetched, or (`fresh`) the one the last answer showed.

        None when there is none, or it is not a documented status (the status check judges that).
        """
        status = record.status if fresh else self.status(record)
        return status if status in STATUSES else None

    def _ended_by_itself(self, outcome: ActionOutcome, unless: str) -> bool:
        """Whether the answer shows a call that may end by itself ended otherwise than the action ends it."""
        shown = outcome.answer.shows
        return shown in ENDED and shown != unless and not outcome.long

    def _polled(
        self, outcome: ActionOutcome, record: CallRecord, until: Callable[[str], bool]
    ) -> ActionOutcome:
        """`outcome` with what polling saw: the call's last status once `until(status)` held, or an undocumented
        status showed, or the deadline passed (`settled`: it held, or one showed; `stopped`: the run was ending)."""
        settled = self.poll(record, lambda s: until(s) or s not in STATUSES)
        stopped = self.harness.stopping.is_set()
        return dataclasses.replace(outcome, after=record.status, settled=settled, stopped=stopped)

    def _unknown(self, record: CallRecord) -> Judged:
        return Judged(None, f"the call's status could not be fetched or is unknown ({record.status})")
