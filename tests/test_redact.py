"""redact(): secrets and Basic credentials never survive."""

from __future__ import annotations

import base64

from conformance.core.redaction import PLACEHOLDER, redact, strip_userinfo


def test_plain_and_base64_secrets_are_replaced() -> None:
    token = "tok-0123456789"
    basic = base64.b64encode(b"acct:" + token.encode()).decode()
    text = f"token={token} b64={base64.b64encode(token.encode()).decode()} Authorization: Basic {basic}"
    cleaned = redact(text, [token])
    assert token not in cleaned and basic not in cleaned
    assert cleaned.count(PLACEHOLDER) == 3


def test_basic_header_is_replaced_without_knowing_the_secret() -> None:
    assert "dXNlcjpwYXNz" not in redact("authorization: basic dXNlcjpwYXNz", [])


def test_userinfo_is_stripped_from_urls() -> None:
    assert strip_userinfo("https://user:pw@host/x?y=1") == "https://host/x?y=1"
    assert strip_userinfo("https://host/x") == "https://host/x"


def test_words_that_are_no_secret_survive() -> None:
    """A requirement text naming HTTP Basic authentication is not a credential."""
    text = (
        "Auth is HTTP Basic authentication (account sid / project id : token); the Authorization header too."
    )
    assert redact(text, ["s3cr3t-token"]) == text


def test_authorization_values_are_hidden_in_every_form() -> None:
    for text in (
        "Authorization: Bearer abc.def.ghi",
        "{'authorization': 'Basic dXNlcjpwYXNz'}",
        '"Authorization": ["Basic dXNlcjpwYXNz"]',
    ):
        cleaned = redact(text, [])
        assert "abc.def.ghi" not in cleaned and "dXNlcjpwYXNz" not in cleaned and PLACEHOLDER in cleaned


def test_a_secret_s_near_variants_are_replaced_too() -> None:
    """The credential probes send the token one character short and in the other case: an endpoint echoing one
    back must not put it in a report."""
    token = "AbCdEf0123456789"
    for shown in (token[:-1], token.swapcase(), base64.b64encode(token[:-1].encode()).decode()):
        assert redact(f"invalid token {shown}!", [token]) == "invalid token [REDACTED]!"
    assert (
        redact("the word abcd stays", ["abcd"]) == "the word [REDACTED] stays"
    )  # an exact secret, short too
    assert redact("abc stays", ["abcd"]) == "abc stays"  # but not a short one's near variants
