"""Fallback scenarios: when fetching a call's Url fails, its FallbackUrl is requested with FallbackMethod, for a
create and after a Url update alike (seed: "The URL SignalWire will request if errors occur").

The Url fails in each of the three ways the contract names: no connection (port 9 of the endpoint's own host,
where nothing listens), a 500 answer and a 200 answer that is no LaML document (the receiver's `fail-500` and
`not-laml`). The FallbackUrl is a document under a token of its own, asked for with GET (not the default), so the
receiver's captures show that, when and how it was fetched. A call that is never answered (no Url is fetched
then) or an update the endpoint refuses leaves that case unjudged, never failed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from conformance.checks.action_outcomes import Answer
from conformance.checks.call_records import CallRecord
from conformance.checks.context import DocumentContext
from conformance.checks.kinds import DOCUMENT_SET
from conformance.core.signals import NotJudged
from conformance.core.statuses import ENDED
from conformance.harness.harness import Harness
from conformance.lifecycle.receiving import wait_for
from conformance.lifecycle.runner import scenario
from conformance.lifecycle.story import Story, not_judged

if TYPE_CHECKING:
    from conformance.receiver import CallbackReceiver

__all__ = ["FAILURES", "UNREACHABLE"]

CREATE = "CREATE-FALLBACK"
UPDATE = "UPDATE-FALLBACK"
# Nothing listens on port 9 (discard) of the endpoint's own host: fetching this Url gets no connection.
UNREACHABLE = "http://127.0.0.1:9/laml/unreachable"
# How the Url fails, in words, and the receiver's failing document (None: no connection at all).
FAILURES: tuple[tuple[str, str | None], ...] = (
    ("no connection", None),
    ("a 500 answer", "fail-500"),
    ("a 200 answer that is no LaML document", "not-laml"),
)


def _receiver(harness: Harness) -> CallbackReceiver:
    if harness.receiver is None:
        raise NotJudged("no callback receiver in this run")
    return harness.receiver


def _failing_url(receiver: CallbackReceiver, failing: str | None) -> str:
    return UNREACHABLE if failing is None else receiver.laml_url(failing, receiver.new_token())


def _judge(story: Story, context: DocumentContext, token: str, call_sid: str | None = None) -> None:
    """Wait (bounded) for the FallbackUrl's request under `token`, then judge what arrived."""
    receiver = _receiver(story.harness)
    wait_for(
        story.harness,
        receiver,
        token,
        lambda caps: any(c.kind == "document" for c in caps),
        context.deadline,
        call_sid,
    )
    story.harness.verifier.run(DOCUMENT_SET, context, receiver.captures(token))


@scenario("fallback-create", CREATE, needs=("create", "callbacks"), calls=len(FAILURES))
def fallback_create(harness: Harness) -> None:
    """Creates whose Url fails each way: once the call is answered, its FallbackUrl is fetched with GET in time."""
    receiver = _receiver(harness)
    with Story(harness) as story:
        made: list[tuple[str, CallRecord, str]] = []
        for cause, failing in FAILURES:
            token = receiver.new_token()
            record = story.create(
                Url=_failing_url(receiver, failing),
                FallbackUrl=receiver.laml_url("hangup", token),
                FallbackMethod="GET",
            )
            if record is not None:
                made.append((cause, record, token))
        if not made:
            not_judged(CREATE, "the endpoint did not create the calls")
        judged = [cause for cause, record, token in made if _after_answer(story, record, token, cause)]
        if not judged:
            not_judged(
                CREATE, "no call was answered within the deadline (only an answered call fetches its Url)"
            )


def _after_answer(story: Story, record: CallRecord, token: str, cause: str) -> bool:
    """Judge one create's fallback once its call is seen answered; False when it was not (nothing judged)."""
    story.poll(record, lambda s: s == "in-progress" or s in ENDED)
    if record.status not in ("in-progress", "completed"):  # completed: answered, though polling missed it
        return False
    _judge(
        story,
        _expected(story, f"after the create's Url failed ({cause})", "its FallbackUrl", "create-fallback"),
        token,
        record.sid,
    )
    return True


@scenario("fallback-update", UPDATE, needs=("create", "callbacks", "hold"))
def fallback_update(harness: Harness) -> None:
    """Url updates of an answered call that fail each way: each update's FallbackUrl is fetched with GET in time,
    and (its document holding the call up) the call runs on to the next."""
    with Story(harness) as story:
        record = story.create_or_skip(UPDATE, long=True)
        story.reach_or_skip(record, "in-progress", UPDATE)
        judged, refused = 0, "none was tried: the call was no longer in progress"
        for cause, failing in FAILURES:
            if story.status(record) != "in-progress":
                break
            refusal = _failing_update(story, record, cause, failing)
            judged += refusal is None
            refused = refusal or refused
        if not judged:
            not_judged(UPDATE, f"no Url update of the answered call was answered 2xx ({refused})")


def _failing_update(story: Story, record: CallRecord, cause: str, failing: str | None) -> str | None:
    """Update the call's Url to one failing as `failing` does, with a FallbackUrl, and judge the fallback; the
    update's answer when it was refused (nothing judged: the answer is UPDATE-REDIRECT's to judge)."""
    receiver = _receiver(story.harness)
    token = receiver.new_token()
    response = story.update(
        record,
        {
            "Url": _failing_url(receiver, failing),
            "FallbackUrl": receiver.laml_url(story.document(record), token),
            "FallbackMethod": "GET",
        },
    )
    if not response.is_success:
        return f"one answered {Answer.of(response)}"
    cause = f"after a Url update whose Url failed ({cause})"
    _judge(story, _expected(story, cause, "the update's FallbackUrl", "update-fallback"), token, record.sid)
    return None


def _expected(story: Story, cause: str, what: str, kind: str) -> DocumentContext:
    """The fetch a fallback calls for from now on: `what` with GET, within the deadline, `cause` saying why."""
    return DocumentContext("GET", story.clock.time(), story.deadline, cause=cause, what=what, kind=kind)
