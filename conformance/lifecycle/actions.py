"""Acting on real calls and judging the answers: shared by the lifecycle scenarios and the state machine.

A `Story` (a `StoryBase`, see `story.py`) acts on its calls: `cancel`, `complete`, `redirect` and `delete` first
fetch the call, act, then judge the answer against whichever requirement the status before the action makes
decisive, leniently where timing leaves it open: a call may move between that fetch and the action.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.core.statuses import ACTIVE, ENDED, NOT_ANSWERED, SELF_ENDS, STATUSES
from conformance.lifecycle.observer import CallRecord
from conformance.lifecycle.story import (
    Judged,
    StoryBase,
    answer,
    error_code,
    is_4xx,
    not_judged,
    status_shown,
)

if TYPE_CHECKING:
    import httpx

__all__ = ["Judged", "Story", "error_code", "not_judged"]


class Story(StoryBase):
    """A story whose actions judge the update and delete requirements."""

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
        shown = status_shown(response, record)
        if not (response.is_success or is_4xx(response)):
            return self.judge(
                req,
                False,
                f"Status=canceled on an in-progress call answered {answer(response)}",
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
                f"after Status=canceled (answered {answer(response)}) the "
                f"in-progress call is {after or 'gone'}",
                received=after,
                expected="in-progress",
            )
        return Judged(None, f"the call was {after}: it may have hung up by itself")

    def _canceled_not_answered(self, record: CallRecord, response: httpx.Response, before: str) -> Judged:
        req = "UPDATE-CANCEL-QUEUED"
        shown = status_shown(response, record)
        if not response.is_success:
            after = self.status(record)
            if after in NOT_ANSWERED or after == "canceled" or not is_4xx(response):
                return self.judge(
                    req,
                    False,
                    f"Status=canceled on a {before} call answered {answer(response)}; "
                    f"it is {after or 'gone'} now",
                    received=answer(response),
                    expected="200, and the call ends as canceled",
                )
            return Judged(None, f"the call was {after} when the cancel arrived (answered {answer(response)})")
        if shown == "in-progress":
            return Judged(
                None, "the call was answered before the cancel arrived (the answer shows it in progress)"
            )
        if shown in ENDED and shown != "canceled" and not record.long:
            return Judged(None, f"the call ended {shown} by itself")
        ended = self.poll(record, lambda s: s in ENDED or s == "in-progress" or s not in STATUSES)
        final = record.status
        if not ended and self.harness.stopping.is_set():
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
        shown = status_shown(response, record)
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
                f"Status=completed on a {before} call answered {answer(response)}",
                received=answer(response),
                expected="200, and the call ends",
            )
        return Judged(None, f"the call ended ({after}) before the update arrived")

    def _completed(self, record: CallRecord, before: str, req: str, *, answered: bool) -> Judged:
        ended = self.poll(record, lambda s: s in ENDED or s not in STATUSES)
        final = record.status
        if final not in STATUSES:
            return Judged(None, f"the call's status {final!r} is not a documented one")
        if not ended:
            if self.harness.stopping.is_set():
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
        url = self.harness.laml_url(self.document(record))
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
                f"a Url update of an in-progress call answered {answer(response)}",
                received=answer(response),
                expected=200,
            )
        shown = status_shown(response, record)
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
        if not (is_4xx(response) and error_code(response) == 20009):
            return self.judge(
                req,
                False,
                f"deleting a {before} call answered {answer(response)}",
                received=answer(response),
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
                f"deleting an ended call answered {answer(response)}{body}",
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
            is_4xx(response) and code in (10000, 21220),
            f"an update ({what}) of a {before} call answered {answer(response)}",
            received=answer(response),
            expected="4xx with code 10000 or 21220",
        )
