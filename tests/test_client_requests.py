"""How the suite's one client talks (SUITE-FORM-BODIES, SAFE-LIVE-OPT-IN's cap): create and update bodies are
form-encoded, `+` numbers survive (E.164, `%2B`), arrays are repeated keys, credentials travel as HTTP Basic,
and no create goes out beyond CALLS_MAX_CALLS."""

from __future__ import annotations

import base64
from urllib.parse import parse_qsl

import httpx
import pytest

from conformance.core.clock import Clock
from conformance.core.signals import CallBudgetExhausted
from conformance.harness.client import CallsClient

SID = "00000000-0000-4000-8000-000000000000"
FORM = {
    "To": "+12025550100",
    "From": "+442079460123",
    "Url": "http://127.0.0.1:9/hooks/acme%20corp/v1/t/laml/hangup?state=a%2Fb%20c&n=1",
    "StatusCallbackEvent": ["initiated", "ringing", "completed"],
}


def _client(
    seen: list[httpx.Request], max_calls: int | None = None, *, json_suffix: bool = False
) -> CallsClient:
    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"sid": "c1", "status": "queued"})

    return CallsClient(
        "http://endpoint.invalid/api/laml/2010-04-01",
        SID,
        "token-123",
        clock=Clock(),
        max_calls=max_calls,
        json_suffix=json_suffix,
        transport=httpx.MockTransport(answer),
    )


def test_a_create_is_a_form_with_repeated_keys_and_plus_numbers_encoded() -> None:
    seen: list[httpx.Request] = []
    _client(seen).create_call(FORM)
    (request,) = seen
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    body = request.content.decode()
    assert "To=%2B12025550100" in body and "From=%2B442079460123" in body
    assert "StatusCallbackEvent=initiated&StatusCallbackEvent=ringing&StatusCallbackEvent=completed" in body
    assert dict(parse_qsl(body))["Url"] == FORM["Url"]  # the Url's own query string arrives as it was given


def test_credentials_travel_as_http_basic() -> None:
    seen: list[httpx.Request] = []
    client = _client(seen)
    client.update_call("c1", {"Status": "completed"})
    client.list_calls(To="+12025550100")
    expected = "Basic " + base64.b64encode(f"{SID}:token-123".encode()).decode()
    assert [r.headers["authorization"] for r in seen] == [expected, expected]
    assert seen[0].content == b"Status=completed"
    assert seen[1].url.query == b"To=%2B12025550100"


def test_no_create_goes_out_beyond_the_cap() -> None:
    seen: list[httpx.Request] = []
    client = _client(seen, max_calls=2)
    client.create_call(FORM)
    client.create_call(FORM)
    with pytest.raises(CallBudgetExhausted):
        client.create_call(FORM)
    assert len(seen) == 2


@pytest.mark.parametrize(
    ("json_suffix", "suffix"), [(False, ""), (True, ".json")], ids=["spec-form", "twilio"]
)
def test_the_suite_appends_the_calls_path_to_the_base_url(json_suffix: bool, suffix: str) -> None:
    seen: list[httpx.Request] = []
    client = _client(seen, json_suffix=json_suffix)
    client.list_calls()
    client.fetch_call("c1")
    base = f"/api/laml/2010-04-01/Accounts/{SID}/Calls"
    assert [r.url.path for r in seen] == [base + suffix, f"{base}/c1{suffix}"]
