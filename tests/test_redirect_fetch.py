"""Redirects are followed: the receiver captures requests for documents under a token, and the document check
judges them (fetched, in time, with the update's Method)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from conformance.checks import REGISTRY
from conformance.checks.context import DocumentContext
from conformance.core.capture import Capture
from conformance.core.clock import Clock
from conformance.core.failures import Violation
from conformance.receiver import CallbackReceiver, CaptureLog
from conformance.receiver.app import create_receiver_app

ANSWERED_AT = 1000.0
CONTEXT = DocumentContext("GET", ANSWERED_AT, deadline=10.0)


def _fetch(method: str, at: float, kind: str = "document") -> Capture:
    url = "http://127.0.0.1:8123/laml/tok/pause-60"
    return Capture(kind, "tok", method, url, (("CallSid", "CA1"),), "query", b"", (), at)


def _judge(captures: list[Capture]) -> str | None:
    check = next(c for c in REGISTRY.values() if c.kind.name == "document-set")
    assert check.requirement == "UPDATE-REDIRECT-FETCH"
    try:
        check.fn(CONTEXT, captures)
    except Violation as violation:
        return violation.title
    return None


def test_a_fetch_in_time_with_the_updates_method_passes() -> None:
    assert _judge([_fetch("GET", ANSWERED_AT + 0.2)]) is None
    assert _judge([_fetch("POST", ANSWERED_AT + 0.1), _fetch("GET", ANSWERED_AT + 3)]) is None


@pytest.mark.parametrize(
    ("captures", "title"),
    [
        ([], "the new Url was never requested"),
        ([_fetch("GET", ANSWERED_AT, kind="status")], "the new Url was never requested"),
        ([_fetch("GET", ANSWERED_AT + 11)], "only after the deadline"),
        ([_fetch("POST", ANSWERED_AT + 1)], "another method"),
    ],
    ids=["not-fetched", "only-callbacks", "late", "wrong-method"],
)
def test_a_redirect_not_followed_fails(captures: list[Capture], title: str) -> None:
    assert title in (_judge(captures) or "")


@pytest.fixture
def receiver() -> Iterator[CallbackReceiver]:
    with CallbackReceiver(Clock()) as running:
        yield running


def test_the_receiver_captures_requests_for_a_tokened_document_only(receiver: CallbackReceiver) -> None:
    with httpx.Client(trust_env=False) as http:
        plain = http.get(receiver.laml_url("hangup"))
        tokened = http.get(receiver.laml_url("pause-5", token="t1"), params={"CallSid": "CA1"})
        posted = http.post(receiver.laml_url("hangup", token="t1"), data={"CallSid": "CA1"})
        unknown = http.get(receiver.laml_url("nonsense", token="t1"))
    assert plain.status_code == tokened.status_code == posted.status_code == 200
    assert '<Pause length="5"/>' in tokened.text and unknown.status_code == 404
    captured = receiver.captures("t1")
    assert [(c.kind, c.method, c.body_format) for c in captured] == [
        ("document", "GET", "query"),
        ("document", "POST", "form"),
    ]
    assert all(c.get("CallSid") == "CA1" for c in captured)
    assert receiver.log.all() == captured  # the untokened request was served, not captured


def test_an_endpoint_that_goes_away_mid_request_is_no_error_of_the_receiver() -> None:
    """A call ended while its document was being fetched: the endpoint disconnects, the receiver shrugs."""
    log = CaptureLog(Clock())
    app = create_receiver_app(log, lambda: "http://127.0.0.1:1")
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.disconnect"}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    for path in ("/laml/hangup", "/laml/tok/hangup", "/status/tok"):
        scope = {"type": "http", "method": "POST", "path": path, "headers": [], "query_string": b""}
        asyncio.run(app(scope, receive, send))
    assert log.all() == [] and sent
