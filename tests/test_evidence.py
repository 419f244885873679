"""A failure shows how to see it again: the request (form or query), the answer, the call and a curl command with
the credentials taken from the environment, properly quoted; or the callback the endpoint sent."""

from __future__ import annotations

import shlex

import httpx
import pytest

from conformance.core.capture import Capture
from conformance.core.evidence import AUTH_EXTENSION, Evidence, callbacks_of, exchange_of
from conformance.core.failures import ConformanceFailure, combine_failures

BASE = "http://127.0.0.1:8080/api/laml/2010-04-01/Accounts/ACME/Calls"


def _answer(
    method: str, url: str, *, auth: str = "account", status: int = 200, body: object = None, **kwargs: object
) -> httpx.Response:
    request = httpx.Request(method, url, extensions={AUTH_EXTENSION: auth}, **kwargs)  # type: ignore[arg-type]
    if auth == "account":
        request.headers["Authorization"] = "Basic QUNNRTpzM2NyM3Q="
    return httpx.Response(
        status, json=body if body is not None else {"sid": "CA1", "status": "queued"}, request=request
    )


def test_a_form_request_is_repeated_with_data_urlencode_pairs() -> None:
    form = {
        "To": "+1 202 555 0100",
        "From": "+12025550199",
        "Url": "http://h/x?a=1&b='2'",
        "StatusCallbackEvent": ["initiated", "completed"],
    }
    exchange = exchange_of(_answer("POST", BASE, data=form))
    assert exchange is not None
    curl = exchange.curl()
    words = shlex.split(curl)
    assert words[:6] == ["curl", "-sS", "-X", "POST", "-u", "$CALLS_ACCOUNT_SID:$CALLS_AUTH_TOKEN"]
    assert '-u "$CALLS_ACCOUNT_SID:$CALLS_AUTH_TOKEN"' in curl  # double quotes: the shell fills them in
    pairs = [words[i + 1] for i, w in enumerate(words) if w == "--data-urlencode"]
    assert pairs == [
        "To=+1 202 555 0100",
        "From=+12025550199",
        "Url=http://h/x?a=1&b='2'",
        "StatusCallbackEvent=initiated",
        "StatusCallbackEvent=completed",
    ]
    lines = exchange.lines()
    assert lines[0] == "Request: POST /api/laml/2010-04-01/Accounts/ACME/Calls"
    assert lines[1].startswith("Form: To=+1 202 555 0100, From=+12025550199")
    assert "Answer: 200 " in lines[2] and "Call: CA1" in lines


def test_a_query_stays_in_the_url_and_no_credential_is_shown() -> None:
    exchange = exchange_of(
        _answer("GET", BASE, params={"PageSize": "2", "To": "+1202"}, status=422, body={"code": 21211})
    )
    assert exchange is not None
    text = "\n".join(exchange.lines())
    assert "Request: GET /api/laml/2010-04-01/Accounts/ACME/Calls?PageSize=2&To=%2B1202" in text
    assert 'Answer: 422 {"code":21211}' in text
    assert "QUNNRTpzM2NyM3Q=" not in text and "s3cr3t" not in text
    assert shlex.split(exchange.curl())[-1] == f"{BASE}?PageSize=2&To=%2B1202"


def test_how_a_request_was_authenticated_is_kept_without_the_credential() -> None:
    none = exchange_of(_answer("GET", BASE, auth="none"))
    other = exchange_of(_answer("GET", BASE, auth="other"))
    assert none is not None and other is not None
    assert "-u" not in shlex.split(none.curl()) and "(no credentials)" in none.lines()[0]
    assert (
        '-u "$CALLS_ACCOUNT_SID:not-the-auth-token"' in other.curl()
        and "(a wrong auth token)" in other.lines()[0]
    )


def test_a_body_that_is_no_form_is_sent_as_it_was() -> None:
    exchange = exchange_of(
        _answer("POST", BASE, content=b'{"To": 1}', headers={"Content-Type": "application/json"})
    )
    assert exchange is not None
    words = shlex.split(exchange.curl())
    assert words[-4:] == ["-H", "Content-Type: application/json", "--data-binary", '{"To": 1}']


def test_the_answer_is_bounded() -> None:
    exchange = exchange_of(_answer("GET", BASE, body={"sid": "CA1", "padding": "x" * 5000}))
    assert exchange is not None and len(exchange.answer) <= 300


def test_an_answer_without_a_request_has_no_exchange() -> None:
    assert exchange_of(httpx.Response(200, json={})) is None


def test_a_callback_failure_shows_the_callback_and_no_curl() -> None:
    capture = Capture(
        "status", "tok", "POST", "http://127.0.0.1:9/status/tok", (("CallSid", "CA9"), ("CallStatus", "ringing")),
        "form", b"", (), 0.0,
    )  # fmt: skip
    evidence = Evidence(callbacks=callbacks_of([capture]))
    assert evidence.lines() == [
        "status callback: POST /status/tok (form) CallSid=CA9, CallStatus=ringing",
        "Call: CA9",
    ]


def test_later_occurrences_are_one_line_and_a_test_s_repeats_are_counted() -> None:
    evidence = Evidence(exchange_of(_answer("GET", BASE)))
    first = ConformanceFailure("CALL-ALIAS-TO", "differs", received=1, evidence=evidence)
    again = ConformanceFailure("CALL-ALIAS-TO", "differs", received=2, evidence=evidence).placed(
        2, False, "test_calls.py::test_x"
    )
    other = ConformanceFailure("CALL-URI", "wrong uri", detail="Received: 500\nDocumented: 200")
    text = combine_failures([first, again, other]).describe()
    assert text.count("Repeat: curl") == 1 and "(and 1 more failure(s) of CALL-ALIAS-TO in this test)" in text
    assert "  Received: 500\n  Documented: 200" in text and "Received: Received" not in text
    assert again.shown() == (
        "[CALL-ALIAS-TO] differs (occurrence 2 of this requirement; the first, in test_calls.py::test_x, shows the request)"
    )


def test_a_failure_is_immutable_once_built() -> None:
    failure = ConformanceFailure("CALL-URI", "wrong uri", received="/x")
    with pytest.raises(AttributeError, match="immutable"):
        failure.title = "another"
    assert failure.placed(3, False, "here").occurrence == 3 and failure.occurrence == 1
