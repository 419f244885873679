"""conformance.common.signature against the vectors of calls-api-facts.md §7.4 and the Twilio SDK."""

from __future__ import annotations

import hashlib

import pytest
from twilio.request_validator import RequestValidator

from conformance.common.signature import compute_signature, signature_matches, url_variants

TOKEN = "12345"
URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
SINGLE = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675309",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
}
REPEATED = [
    ("Sid", "CA123"),
    ("SidAccount", "AC123"),
    ("Digits", "5678"),
    ("Digits", "1234"),
    ("Digits", "1234"),
]


@pytest.mark.parametrize("ordering", ["signalwire", "twilio"])
def test_single_valued_vector(ordering: str) -> None:
    assert compute_signature(TOKEN, URL, SINGLE, ordering=ordering) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    assert (
        compute_signature(TOKEN, URL, list(SINGLE.items()), ordering=ordering)
        == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    )


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [("twilio", "IK+Dwps556ElfBT0I3Rgjkr1wJU="), ("signalwire", "eMV0TTCyejiqoUSkV7IwWuk0CRc=")],
)
def test_repeated_values_vector(ordering: str, expected: str) -> None:
    assert compute_signature(TOKEN, URL, REPEATED, ordering=ordering) == expected


def test_body_sha256_vector_signs_the_url_alone() -> None:
    body = b'{"event":"call.state"}'
    digest = hashlib.sha256(body).hexdigest()
    assert digest == "69f3cbfc18e386ef8236cb7008cd5a54b7fed637a8cb3373b5a1591d7f0fd5f4"
    url = f"https://example.ngrok.io/webhook?bodySHA256={digest}"
    assert compute_signature("PSKtest1234567890abcdef", url, []) == "dfO9ek8mxyFtn2nMz24plPmPfIY="


@pytest.mark.parametrize(
    "params",
    [SINGLE, {}, {"A": "1", "a": "2", "B": ""}, {"Body": "héllo wörld", "To": "sip:alice@example.com"}],
)
def test_agrees_with_twilio_sdk(params: dict[str, str]) -> None:
    for url in (URL, "http://127.0.0.1:8080/cb", "https://example.com/"):
        assert compute_signature("s3cr3t", url, params, ordering="twilio") == RequestValidator(
            "s3cr3t"
        ).compute_signature(url, params)
        assert compute_signature("s3cr3t", url, params) == RequestValidator("s3cr3t").compute_signature(
            url, params
        )


def test_matches_with_and_without_default_port() -> None:
    signature = compute_signature(TOKEN, URL, SINGLE)
    assert signature_matches(TOKEN, URL, SINGLE, signature)
    assert signature_matches(TOKEN, "https://mycompany.com:443/myapp.php?foo=1&bar=2", SINGLE, signature)
    with_port = compute_signature(TOKEN, "http://example.com:80/x", SINGLE)
    assert signature_matches(TOKEN, "http://example.com/x", SINGLE, with_port)


def test_mismatches() -> None:
    signature = compute_signature(TOKEN, URL, SINGLE)
    assert not signature_matches("other", URL, SINGLE, signature)
    assert not signature_matches(TOKEN, URL, {**SINGLE, "To": "+1"}, signature)
    assert not signature_matches(TOKEN, URL, SINGLE, signature[:-2] + "A=")
    twilio_sig = compute_signature(TOKEN, URL, REPEATED, ordering="twilio")
    assert not signature_matches(TOKEN, URL, REPEATED, twilio_sig, ordering="signalwire")
    assert signature_matches(TOKEN, URL, REPEATED, twilio_sig, ordering="twilio")


def test_url_variants() -> None:
    assert url_variants("https://a.example/x") == ["https://a.example/x", "https://a.example:443/x"]
    assert url_variants("http://u:p@a.example:8080/x?y=1") == [
        "http://u:p@a.example:8080/x?y=1",
        "http://u:p@a.example/x?y=1",
    ]


def test_unknown_ordering_is_rejected() -> None:
    with pytest.raises(ValueError):
        compute_signature(TOKEN, URL, SINGLE, ordering="bogus")  # type: ignore[arg-type]
