"""What a check may know besides its subject, one context per kind of subject (`conformance.checks.kinds`): the
profile, the account in the path and the request (answers, Calls, lists); what a call's creation asked for and
what the API showed of it (callbacks); what made a document due (a redirect's or a fallback's); where an update
moved a call's StatusCallback; and (the lifecycle's) the run's deadline, for what the suite saw of a call over time
and what an update or delete of it came to."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

__all__ = [
    "AnswerContext",
    "CallbackContext",
    "CallbackUpdateContext",
    "CheckContext",
    "DocumentContext",
    "GeneratedContext",
    "LifecycleContext",
    "WalkContext",
]


@dataclasses.dataclass(frozen=True)
class CheckContext:
    """The circumstances of one subject: profile, path account and the request that produced it."""

    profile: str
    account_sid: str | None = None
    method: str = "GET"
    path: str = ""
    query: Mapping[str, list[str]] = dataclasses.field(default_factory=dict)
    status_code: int = 200


@dataclasses.dataclass(frozen=True)
class CallbackContext:
    """What the callbacks of one call are judged against: the request that created it and the API's view."""

    profile: str
    signing_key: str = ""
    account_sid: str | None = None
    call_sid: str | None = None
    requested_events: frozenset[str] = frozenset({"completed"})  # StatusCallbackEvent (default: completed)
    method: str = "POST"  # StatusCallbackMethod
    record: bool = False
    recording_events: frozenset[str] = frozenset({"completed"})  # RecordingStatusCallbackEvent
    observed_statuses: tuple[str, ...] = ()  # the call's statuses as polled from the API, in order
    final_status: str | None = None  # the status the call ended in, as the API reports it
    deadline_at: float | None = None  # time.time() by which the final event had to arrive
    call: Mapping[str, Any] | None = None  # the Call object as the API showed it once the call had ended
    url: str | None = None  # the StatusCallback URL the create gave


@dataclasses.dataclass(frozen=True)
class DocumentContext:
    """What made a document due: the Method it is to be fetched with, from when (time.time()) and within how long,
    and in words what made it due (`cause`) and what it is (`what`), for a failure's title."""

    method: str
    answered_at: float
    deadline: float
    cause: str = "after a Url update of an in-progress call"
    what: str = "the new Url"
    kind: str = "redirect"  # "redirect", "create-fallback" or "update-fallback": which requirement judges it

    @property
    def due_by(self) -> float:
        return self.answered_at + self.deadline


@dataclasses.dataclass(frozen=True)
class CallbackUpdateContext:
    """The two URLs' tokens, the updated StatusCallbackMethod, when the call was seen ended (time.time()), and the
    deadline for the final callback after that."""

    old_token: str
    new_token: str
    method: str
    ended_at: float
    deadline: float


@dataclasses.dataclass(frozen=True)
class AnswerContext:
    """The context of an answer a suite test judges on purpose: the profile, and what the request was, in words
    ("fetch without credentials"), for a failure's title."""

    profile: str
    what: str


@dataclasses.dataclass(frozen=True)
class WalkContext:
    """What a walk through `next_page_uri` started from: the PageSize asked for, the filters of its first request
    (`{"To": "+1…"}`; none for a plain walk), the calls known to match them (each must show up when the walk ran
    to its end), and the most pages it follows."""

    profile: str
    page_size: int
    filters: Mapping[str, str] = dataclasses.field(default_factory=dict)
    expected: frozenset[str] = frozenset()
    max_pages: int = 20


@dataclasses.dataclass(frozen=True)
class GeneratedContext:
    """A generated request's circumstances: the profile, and whether its operation's invalid input is judged (the
    contract holds invalid create and update parameters to 4xx; other operations' only to the response checks)."""

    profile: str
    judges_invalid_input: bool = False


# ---------------------------------------------------------------- the lifecycle's checks (call history, call actions)


@dataclasses.dataclass(frozen=True)
class LifecycleContext:
    """What a check of a call's history or of an action on a call knows besides: the run's deadline (seconds,
    CALLS_DEADLINE), within which a call must end and an update must take effect."""

    deadline: float
