"""What an update or a delete of a call came to: the subject of the call-action checks (`call_actions.py`).

A lifecycle `Story` acts on a call (Status=canceled or completed, a Url or StatusCallback update, a delete), and
gathers the facts its checks need into an `ActionOutcome`: the status just before, the `Answer` (HTTP status,
error code, the status it shows), and what the call showed afterwards (a fetch, or polling until it ended). Which
requirement the outcome puts at stake follows from the action and the status before it (`at_stake`), leniently
where timing leaves it open: a call may move between that status and the action.

An outcome may decide nothing about its requirement (the call may have ended by itself, the run ended first):
its check then raises `Undecided` with the reason, which reaches the story (the verifier records nothing).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Literal

from conformance.core.bodies import json_object
from conformance.core.signals import NotJudged
from conformance.core.statuses import ENDED

if TYPE_CHECKING:
    import httpx

__all__ = ["Action", "ActionOutcome", "Answer", "Undecided", "at_stake", "error_code"]

# cancel, complete: Status=canceled or completed; redirect: a Url update; status-callback: a StatusCallback update;
# delete: a delete; fetch: a fetch of a call (judged when a delete of it, once ended, was answered 2xx).
Action = Literal["cancel", "complete", "redirect", "status-callback", "delete", "fetch"]


class Undecided(NotJudged):
    """Raised by a call-action check when the outcome decides nothing about its requirement, with the reason.

    Nothing is recorded; unlike `NotApplicable` it reaches whoever ran the check (the story, which says why its
    requirement was not judged)."""


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


@dataclasses.dataclass(frozen=True)
class Answer:
    """What the endpoint answered to an action: the HTTP status, the error code of an error body, whether there
    was a body at all, and (`shows`) the status of the call a 2xx answer shows."""

    status_code: int
    code: int | None = None
    has_body: bool = False
    shows: str | None = None

    @classmethod
    def of(cls, response: httpx.Response, sid: str | None = None) -> Answer:
        """The answer `response` gave to an action on call `sid`."""
        body = json_object(response) if response.is_success else None
        shows = None
        if body is not None and body.get("sid") == sid and isinstance(body.get("status"), str):
            shows = body["status"]
        return cls(response.status_code, error_code(response), bool(response.content), shows)

    @property
    def success(self) -> bool:
        return 200 <= self.status_code < 300

    @property
    def is_4xx(self) -> bool:
        return 400 <= self.status_code < 500

    def __str__(self) -> str:
        """The answer in words: `400 (code 21220)`."""
        return f"{self.status_code}" + (f" (code {self.code})" if self.code is not None else "")


@dataclasses.dataclass(frozen=True)
class ActionOutcome:
    """One action on call `sid` and what came of it.

    `form`: the update's parameters. `before`: the call's status just before the action (a documented one).
    `long`: the call's document keeps it in progress until the suite ends it, so it cannot end by itself.
    `after`: the status the call was last seen in afterwards (None: no answer showed it, or none was asked for).
    `settled`: whether polling after the action saw the call get where it waited for (None: no polling);
    `stopped`: the run was ending when polling gave up. `fetched_after`: the HTTP status a fetch right after a
    delete of an ended call answered. `deleted_as`: the status the call had when a delete of it was answered 2xx.
    """

    sid: str
    action: Action
    answer: Answer
    before: str | None = None
    form: tuple[tuple[str, str], ...] = ()
    long: bool = False
    after: str | None = None
    settled: bool | None = None
    stopped: bool = False
    fetched_after: int | None = None
    deleted_as: str | None = None

    @property
    def answered(self) -> bool:
        """Whether the call was answered when the action arrived: in progress before it, or in the answer."""
        return self.before == "in-progress" or self.answer.shows == "in-progress"


def at_stake(outcome: ActionOutcome) -> str | None:
    """The requirement the outcome can decide: the one the action and the call's status before it make decisive
    (for a Status=completed refused while the call was, or turned out, answered: UPDATE-COMPLETE-IN-PROGRESS)."""
    action, before = outcome.action, outcome.before
    if action == "fetch":
        return "DELETE-ENDED" if outcome.deleted_as in ENDED else None
    if action == "status-callback":
        return "UPDATE-STATUS-CALLBACK"
    if before is None:
        return None
    if action == "delete":
        return "DELETE-ENDED" if before in ENDED else "DELETE-UNFINISHED"
    if before in ENDED:
        return "UPDATE-ENDED-CALL"
    if action == "cancel":
        return "UPDATE-CANCEL-IN-PROGRESS" if before == "in-progress" else "UPDATE-CANCEL-QUEUED"
    if action == "complete":
        refused_answered = not outcome.answer.success and outcome.after == "in-progress"
        answered = outcome.answered or refused_answered
        return "UPDATE-COMPLETE-IN-PROGRESS" if answered else "UPDATE-COMPLETE-NOT-ANSWERED"
    return "UPDATE-REDIRECT"
