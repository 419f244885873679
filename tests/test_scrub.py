"""The scrubber: what a recording stores of requests, responses and callbacks, and nothing secret."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
from urllib.parse import quote_plus, urlencode

import pytest

from conformance.cassettes.scrub import (
    ACTOR_HEADER,
    ENDPOINT_ORIGIN,
    INVALID_SIGNATURE,
    RECEIVER_URL,
    SIGNING_KEY,
    Scrubber,
    UnscrubbableResponse,
    placeholder_account,
)
from conformance.cassettes.scrub import StoredRequest as Request
from conformance.checks.callbacks import callback_signature
from conformance.checks.context import CallbackContext
from conformance.common.signature import compute_signature
from conformance.core.capture import Capture
from conformance.core.failures import Violation

ACCOUNT = "7d3f1e2a-5b6c-4d8e-9f0a-1b2c3d4e5f60"
TOKEN = "tok0scrub0c4f9a2b7e1d3"
KEY = "PSK_scrub_key_8c1d5e7f9a0b"
ENDPOINT = "http://127.0.0.1:4000"
RECEIVER = "http://127.0.0.1:40001"
NONCE = "a1b2c3d4"
SCRUBBER = Scrubber.for_run(
    base_url=f"{ENDPOINT}/api/laml/2010-04-01",
    account_sid=ACCOUNT,
    auth_token=TOKEN,
    signing_key=KEY,
    receiver_url=RECEIVER,
    nonce=NONCE,
)
PLACEHOLDER = placeholder_account(ACCOUNT)


def test_placeholders_keep_the_sid_form() -> None:
    assert placeholder_account("AC" + "ab12" * 8) == "AC" + "0" * 32
    assert placeholder_account(ACCOUNT) == "00000000-0000-4000-8000-000000000000"
    assert placeholder_account("project-7") == "recorded-account"


def test_hosts_account_and_nonce_become_fixed_names_in_every_encoding() -> None:
    text = (
        f"{ENDPOINT}/Accounts/{ACCOUNT}/Calls {RECEIVER}/status/{NONCE}-0123 "
        f"Url={quote_plus(RECEIVER + '/laml/hangup')} 127.0.0.1:40001 127.0.0.1:9 {ENDPOINT}0"
    )
    assert SCRUBBER.text(text) == (
        f"{ENDPOINT_ORIGIN}/Accounts/{PLACEHOLDER}/Calls {RECEIVER_URL}/status/0000rec0-0123 "
        f"Url={quote_plus(RECEIVER_URL + '/laml/hangup')} receiver.invalid 127.0.0.1:9 http://127.0.0.1:40000"
    )


def test_credentials_are_redacted_wherever_they_are() -> None:
    assert TOKEN not in SCRUBBER.text(f"token={TOKEN}&key={KEY}")
    assert SCRUBBER.leaks(f"x {KEY} y") == ["signing key"]
    assert SCRUBBER.leaks("Authorization: Basic dXNlcjpwYXNzd29yZA==") == ["Basic credentials"]
    assert SCRUBBER.leaks(SCRUBBER.text(f"{TOKEN} {KEY} Basic dXNlcjpwYXNzd29yZA==")) == []


def test_requests_keep_no_header_but_the_content_type_and_their_actor() -> None:
    request = Request(
        "POST",
        f"{ENDPOINT}/api/laml/2010-04-01/Accounts/{ACCOUNT}/Calls",
        urlencode({"To": "+12025550100", "Url": f"{RECEIVER}/laml/hangup"}).encode(),
        {
            "Authorization": "Basic c2VjcmV0OnNlY3JldA==",
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": "python-httpx/0.28",
        },
    )
    stored = SCRUBBER.request(request, "test_calls.py::test_x")
    assert stored is not None
    assert stored.uri == f"{ENDPOINT_ORIGIN}/api/laml/2010-04-01/Accounts/{PLACEHOLDER}/Calls"
    assert dict(stored.headers) == {
        "Content-Type": "application/x-www-form-urlencoded",
        ACTOR_HEADER: "test_calls.py::test_x",
    }
    assert stored.body == urlencode({"To": "+12025550100", "Url": f"{RECEIVER_URL}/laml/hangup"}).encode()
    # Applied twice, it changes nothing the second time.
    again = SCRUBBER.request(stored)
    assert again is not None and (again.uri, again.body, dict(again.headers)) == (
        stored.uri,
        stored.body,
        dict(stored.headers),
    )
    assert SCRUBBER.request(Request("GET", f"{RECEIVER}/laml/hangup", b"", {})) is None


def test_responses_are_decoded_and_keep_only_harmless_headers() -> None:
    body = f'{{"account_sid": "{ACCOUNT}", "uri": "/Accounts/{ACCOUNT}/Calls/x.json"}}'.encode()
    response = {
        "status": {"code": 200, "message": "OK"},
        "body": {"string": gzip.compress(body)},
        "headers": {
            "Content-Type": ["application/json"],
            "Content-Encoding": ["gzip"],
            "Set-Cookie": ["session=abc"],
            "Date": ["Mon, 23 Nov 2026 13:00:00 GMT"],
        },
    }
    stored = SCRUBBER.response(response)
    assert stored["headers"] == {"content-type": ["application/json"]}
    assert stored["body"]["string"] == body.replace(ACCOUNT.encode(), PLACEHOLDER.encode())
    with pytest.raises(UnscrubbableResponse):
        SCRUBBER.response({**response, "headers": {"Content-Encoding": ["br"]}})


def _capture(
    signature: str | None, *, body_format: str = "form", url: str = f"{RECEIVER}/status/{NONCE}-0123"
) -> Capture:
    params = (("AccountSid", ACCOUNT), ("CallSid", "CA1"), ("CallStatus", "completed"))
    headers = (("content-type", "application/x-www-form-urlencoded"),) + (
        (("x-signalwire-signature", signature),) if signature else ()
    )
    return Capture(
        "status", f"{NONCE}-0123", "POST", url, params, body_format, urlencode(params).encode(), headers, 0.0
    )


def _judge(capture: Capture, key: str) -> str | None:
    try:
        callback_signature(CallbackContext(profile="signalwire", signing_key=key), capture)
    except Violation as violation:
        return violation.title
    return None


def test_a_signature_that_verified_is_made_again_with_the_placeholder_key() -> None:
    original = _capture(None)
    signed = dataclasses.replace(
        original,
        headers=(
            *original.headers,
            ("x-signalwire-signature", compute_signature(KEY, original.url, original.params)),
        ),
    )
    assert _judge(signed, KEY) is None
    stored = SCRUBBER.capture(signed)
    assert stored.url == f"{RECEIVER_URL}/status/0000rec0-0123" and stored.token == "0000rec0-0123"
    assert ("AccountSid", PLACEHOLDER) in stored.params and ACCOUNT.encode() not in stored.body
    assert _judge(stored, SIGNING_KEY) is None


def test_a_signature_that_did_not_verify_stays_invalid() -> None:
    stored = SCRUBBER.capture(
        _capture(compute_signature("another key", f"{RECEIVER}/status/{NONCE}-0123", ()))
    )
    assert stored.header("x-signalwire-signature") == INVALID_SIGNATURE
    assert "does not verify" in (_judge(stored, SIGNING_KEY) or "")
    assert SCRUBBER.capture(_capture(None)).header("x-signalwire-signature") is None


def test_a_json_callback_gets_its_body_hash_and_signature_again() -> None:
    body = f'{{"AccountSid": "{ACCOUNT}"}}'.encode()
    url = f"{RECEIVER}/status/{NONCE}-0123?bodySHA256={hashlib.sha256(body).hexdigest()}"
    original = Capture(
        "status",
        f"{NONCE}-0123",
        "POST",
        url,
        (("AccountSid", ACCOUNT),),
        "json",
        body,
        (("x-signalwire-signature", compute_signature(KEY, url, ())),),
        0.0,
    )
    assert _judge(original, KEY) is None
    stored = SCRUBBER.capture(original)
    assert stored.body == f'{{"AccountSid": "{PLACEHOLDER}"}}'.encode()
    assert hashlib.sha256(stored.body).hexdigest() in stored.url
    assert _judge(stored, SIGNING_KEY) is None
