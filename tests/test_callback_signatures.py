"""The callback signature check held to the public vectors of calls-api-facts.md §7.4, and to what a signature
covers: the whole URL (query string included), the form parameters, a JSON body's hash."""

from __future__ import annotations

import dataclasses
import hashlib
from urllib.parse import urlencode

import pytest

from conformance.checks.context import CallbackContext
from conformance.receiver import Capture
from tests.callback_captures import Pairs, answered_set, context, judge, status

VECTOR_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
VECTOR_PARAMS = [
    ("CallSid", "CA1234567890ABCDE"),
    ("Caller", "+14158675309"),
    ("Digits", "1234"),
    ("From", "+14158675309"),
    ("To", "+18005551212"),
]
VECTOR_SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def _vector_capture(
    signature: str, params: Pairs = VECTOR_PARAMS, header: str = "x-twilio-signature"
) -> Capture:
    headers = (("content-type", "application/x-www-form-urlencoded"), (header, signature))
    return Capture(
        "status", "tok", "POST", VECTOR_URL, tuple(params), "form", urlencode(params).encode(), headers, 0.0
    )


def _one_char_changed(signature: str) -> str:
    return ("S" if signature[0] != "S" else "T") + signature[1:]


@pytest.mark.parametrize("profile", ["signalwire", "twilio"])
def test_signature_agrees_with_the_public_vector(profile: str) -> None:
    ctx = CallbackContext(profile=profile, signing_key="12345")
    assert judge("CB-SIGNATURE", ctx, [_vector_capture(VECTOR_SIGNATURE)]) == "passed"
    assert judge("CB-SIGNATURE", ctx, [_vector_capture(_one_char_changed(VECTOR_SIGNATURE))]) == "failed"


@pytest.mark.parametrize(
    "signature",
    ["IK+Dwps556ElfBT0I3Rgjkr1wJU=", "eMV0TTCyejiqoUSkV7IwWuk0CRc="],
    ids=["twilio-ordering", "signalwire-ordering"],
)
def test_signature_accepts_either_documented_ordering_of_repeated_values(signature: str) -> None:
    params = [
        ("Sid", "CA123"),
        ("SidAccount", "AC123"),
        ("Digits", "5678"),
        ("Digits", "1234"),
        ("Digits", "1234"),
    ]
    ctx = CallbackContext(profile="signalwire", signing_key="12345")
    assert judge("CB-SIGNATURE", ctx, [_vector_capture(signature, params)]) == "passed"


def test_signalwire_verifies_its_own_header_first() -> None:
    ctx = CallbackContext(profile="signalwire", signing_key="12345")
    both = dataclasses.replace(
        _vector_capture(VECTOR_SIGNATURE),
        headers=(
            ("x-signalwire-signature", _one_char_changed(VECTOR_SIGNATURE)),
            ("x-twilio-signature", VECTOR_SIGNATURE),
        ),
    )
    assert judge("CB-SIGNATURE", ctx, [both]) == "failed"


def test_signature_of_a_json_body_follows_the_body_sha256_rule() -> None:
    key = "PSKtest1234567890abcdef"
    body = b'{"event":"call.state"}'
    url = f"https://example.ngrok.io/webhook?bodySHA256={hashlib.sha256(body).hexdigest()}"
    capture = Capture(
        "status",
        "tok",
        "POST",
        url,
        (("event", "call.state"),),
        "json",
        body,
        (("x-signalwire-signature", "dfO9ek8mxyFtn2nMz24plPmPfIY="),),
        0.0,
    )
    ctx = CallbackContext(profile="signalwire", signing_key=key)
    assert judge("CB-SIGNATURE", ctx, [capture]) == "passed"
    tampered = dataclasses.replace(capture, body=b'{"event":"call.other"}')
    assert judge("CB-SIGNATURE", ctx, [tampered]) == "failed"
    no_hash = dataclasses.replace(capture, url="https://example.ngrok.io/webhook")
    assert judge("CB-SIGNATURE", ctx, [no_hash]) == "failed"


def test_signature_of_a_get_covers_the_query() -> None:
    capture = status("completed", 0, method="GET")
    ctx = context(method="GET", record=False)
    assert judge("CB-SIGNATURE", ctx, [capture]) == "passed"
    tampered = dataclasses.replace(capture, url=capture.url.replace("CallDuration=1", "CallDuration=9"))
    assert judge("CB-SIGNATURE", ctx, [tampered]) == "failed"


def test_without_a_signing_key_nothing_is_judged() -> None:
    assert judge("CB-SIGNATURE", context(signing_key=""), answered_set()) == "n/a"
