"""The receiver rebuilds the URL an endpoint called exactly (raw path and query string, under the public URL), so
that a signature over an application's URL (several path segments, one percent-encoded, a query string with
percent-encoded values) verifies, behind CALLS_CALLBACK_URL too; and it serves the documents that fail on
purpose for the fallback scenarios."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from conformance.checks.callbacks import callback_signature
from conformance.checks.context import CallbackContext
from conformance.common.signature import compute_signature
from conformance.core.clock import Clock
from conformance.core.failures import Violation
from conformance.receiver import CallbackReceiver
from conformance.receiver.urls import APP_QUERY, APP_QUERY_ITEMS, public_url, without_own_items
from conformance.reference.outbound import HttpOut

KEY = "PSK_receiver_test"
PARAMS = [("CallSid", "c1"), ("From", "+12025550199"), ("To", "+12025550100"), ("CallStatus", "completed")]


@pytest.fixture
def receiver() -> Iterator[CallbackReceiver]:
    with CallbackReceiver(Clock()) as running:
        yield running


def test_an_application_s_url_has_several_segments_and_a_query_of_its_own(receiver: CallbackReceiver) -> None:
    url = receiver.status_url("tok", app=True)
    assert url == f"{receiver.base_url}/hooks/acme%20corp/v1/tok/status?{APP_QUERY}"
    assert receiver.laml_url("hangup", "tok", app=True).endswith(f"/v1/tok/laml/hangup?{APP_QUERY}")
    assert receiver.status_url("tok") == f"{receiver.base_url}/status/tok"


def _sent_by_the_reference(method: str, url: str) -> None:
    """One signed request, as the reference endpoint's outgoing HTTP makes it."""

    async def send() -> None:
        http = HttpOut(frozenset(), timeout=5.0)
        try:
            await http.request("status", url, method, PARAMS, KEY)
        finally:
            await http.aclose()

    asyncio.run(send())


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_signature_over_an_application_s_url_verifies(receiver: CallbackReceiver, method: str) -> None:
    _sent_by_the_reference(method, receiver.status_url("tok", app=True))
    (capture,) = receiver.captures("tok")
    assert capture.url.startswith(receiver.status_url("tok", app=True))
    assert capture.params == tuple(PARAMS)  # the application's own query items are not the callback's
    callback_signature(
        CallbackContext(profile="signalwire", signing_key=KEY), capture
    )  # raises if it does not


def test_a_signature_over_another_url_does_not(receiver: CallbackReceiver) -> None:
    url = receiver.status_url("tok", app=True)
    signature = compute_signature(KEY, url.replace("%20", "+"), PARAMS)
    httpx.post(url, data=dict(PARAMS), headers={"X-SignalWire-Signature": signature}, trust_env=False)
    (capture,) = receiver.captures("tok")
    with pytest.raises(Violation, match="does not verify"):
        callback_signature(CallbackContext(profile="signalwire", signing_key=KEY), capture)


@pytest.mark.parametrize("kept", [True, False], ids=["tunnel-keeps-the-path", "proxy-strips-it"])
def test_behind_a_public_url_the_url_the_endpoint_called_is_rebuilt(kept: bool) -> None:
    public = "https://tunnel.example:8443/suite%20one"
    with CallbackReceiver(Clock(), public) as receiver:
        origin = receiver._server.origin
        path = "/hooks/acme%20corp/v1/tok/status"
        query = f"{APP_QUERY}&CallSid=c1&From=%2B12025550199"
        response = httpx.get(f"{origin}{'/suite%20one' if kept else ''}{path}?{query}", trust_env=False)
        assert response.status_code == 204
        (capture,) = receiver.captures("tok")
    assert capture.url == f"{public}{path}?{query}"
    assert capture.params == (("CallSid", "c1"), ("From", "+12025550199"))


def test_public_url_keeps_the_request_s_own_encoding() -> None:
    assert (
        public_url("http://127.0.0.1:9", "/a%2Fb/c", "x=%2F&y=1+2")
        == "http://127.0.0.1:9/a%2Fb/c?x=%2F&y=1+2"
    )
    assert public_url("https://h.example/p", "/p/s", "") == "https://h.example/p/s"
    assert public_url("https://h.example/p", "/s", "") == "https://h.example/p/s"


def test_only_the_application_s_own_items_are_taken_out() -> None:
    items = [("state", "a/b c"), ("n", "1"), ("n", "1"), ("CallSid", "c1")]
    assert without_own_items(items, APP_QUERY_ITEMS) == (("n", "1"), ("CallSid", "c1"))


def test_the_documents_that_fail_on_purpose(receiver: CallbackReceiver) -> None:
    with httpx.Client(trust_env=False) as http:
        failed = http.post(receiver.laml_url("fail-500", "tok"), data={"CallSid": "c1"})
        page = http.get(receiver.laml_url("not-laml", "tok", app=True))
    assert failed.status_code == 500
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<Response" not in page.text
    assert [c.kind for c in receiver.captures("tok")] == ["document", "document"]
