"""The kinds of subject the suite's checks judge, each with the context its checks get (`conformance.checks.context`).

Answers the client receives are judged as they arrive (`RESPONSE` on each, `LISTING` and `CALL` on the Calls
bodies in them); the callbacks and document requests the receiver captured are judged by the scenarios that
awaited them (`CALLBACK` on each request, `CALLBACK_SET`, `DOCUMENT_SET` and `CALLBACK_MOVE` on all of them).
Suite tests judge on purpose the answers to the requests they made for a reason (`ANSWER`: a valid create, a
refusal the contract requires), the pages of a walk through `next_page_uri` (`LIST_WALK`), the two path forms of
one request (`PATH_FORMS`) and Schemathesis's generated requests (`GENERATED`). The lifecycle judges what it saw of each call over time (`CALL_HISTORY`) and what each update or delete of a call
came to (`CALL_ACTION`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from conformance.checks.action_outcomes import ActionOutcome
from conformance.checks.call_records import CallRecord
from conformance.checks.context import (
    AnswerContext,
    CallbackContext,
    CallbackUpdateContext,
    CheckContext,
    DocumentContext,
    GeneratedContext,
    LifecycleContext,
    WalkContext,
)
from conformance.checks.registry import Kind
from conformance.checks.subjects import GeneratedExchange, ListWalk, PathForms
from conformance.core.capture import Capture

if TYPE_CHECKING:
    import httpx

__all__ = [
    "ANSWER",
    "CALL",
    "CALLBACK",
    "CALLBACK_MOVE",
    "CALLBACK_SET",
    "CALL_ACTION",
    "CALL_HISTORY",
    "DOCUMENT_SET",
    "GENERATED",
    "KINDS",
    "LISTING",
    "LIST_WALK",
    "PATH_FORMS",
    "RESPONSE",
]

CALL: Kind[CheckContext, Mapping[str, Any]] = Kind("call", "every Call object an answer shows")
LISTING: Kind[CheckContext, Mapping[str, Any]] = Kind("list", "every list answer's envelope")
RESPONSE: Kind[CheckContext, httpx.Response] = Kind("response", "every HTTP answer")
CALLBACK: Kind[CallbackContext, Capture] = Kind(
    "callback", "each StatusCallback or RecordingStatusCallback request of a call", each=True
)
CALLBACK_SET: Kind[CallbackContext, Sequence[Capture]] = Kind(
    "callback-set", "every callback request of one call"
)
DOCUMENT_SET: Kind[DocumentContext, Sequence[Capture]] = Kind(
    "document-set", "every request for a document a redirect or a fallback made due"
)
CALLBACK_MOVE: Kind[CallbackUpdateContext, Sequence[Capture]] = Kind(
    "callback-update",
    "a call's callbacks to the StatusCallback URL the create gave and the one an update gave",
)

ANSWER: Kind[AnswerContext, httpx.Response] = Kind(
    "answer", "the answer to a request a suite test made for a reason (a valid create, a refusal it provokes)"
)
LIST_WALK: Kind[WalkContext, ListWalk] = Kind("list-walk", "the pages a walk through next_page_uri reached")
PATH_FORMS: Kind[AnswerContext, PathForms] = Kind("path-forms", "one request sent with and without `.json`")
GENERATED: Kind[GeneratedContext, GeneratedExchange] = Kind(
    "generated", "a request Schemathesis generated from the spec, and its answer"
)
# ---------------------------------------------------------------- the lifecycle's kinds
CALL_HISTORY: Kind[LifecycleContext, CallRecord] = Kind(
    "call-history", "every answer that showed one call, in the order they arrived"
)
CALL_ACTION: Kind[LifecycleContext, ActionOutcome] = Kind(
    "call-action", "an update or a delete of a call: its answer, and what the call showed after it"
)

KINDS: tuple[Kind[Any, Any], ...] = (
    CALL,
    LISTING,
    RESPONSE,
    CALLBACK,
    CALLBACK_SET,
    DOCUMENT_SET,
    CALLBACK_MOVE,
    ANSWER,
    LIST_WALK,
    PATH_FORMS,
    GENERATED,
    CALL_HISTORY,
    CALL_ACTION,
)
