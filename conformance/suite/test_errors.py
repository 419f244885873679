"""The error contract: credentials, other accounts, unknown sids, invalid parameters."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from conformance.core.bodies import json_object
from conformance.core.failures import Violation
from conformance.core.signals import NotJudged
from conformance.harness.harness import Harness
from conformance.plan.conditions import Needs
from conformance.suite.helpers import fresh_account_sid, fresh_call_sid

if TYPE_CHECKING:
    import httpx

AUTH_CODE = "20003"
NOT_FOUND_CODE = "20404"
INVALID = (400, 422)


def _code(response: httpx.Response) -> str | None:
    body = json_object(response)
    if body is None:
        return None
    if isinstance(body.get("errors"), list) and body["errors"] and isinstance(body["errors"][0], dict):
        return str(body["errors"][0].get("code"))
    return str(body.get("code")) if "code" in body else None


def _expect_answer(response: httpx.Response, statuses: tuple[int, ...], code: str | None, what: str) -> None:
    if response.status_code not in statuses or (code is not None and _code(response) != code):
        raise Violation(
            f"{what} answered {response.status_code}",
            received={"status": response.status_code, "code": _code(response)},
            expected={"status": _statuses(statuses), "code": code or "any"},
        )


def _statuses(statuses: tuple[int, ...]) -> str:
    return "4xx" if statuses == tuple(range(400, 500)) else " or ".join(map(str, statuses))


def _probes(harness: Harness, account_sid: str | None = None) -> dict[str, str]:
    client = harness.client
    return {
        "list": client.calls_url(account_sid=account_sid),
        "fetch": client.calls_url(fresh_call_sid(harness), account_sid=account_sid),
    }


@pytest.mark.requirements("ERR-AUTH-MISSING", "ERR-JSON-BODY", "ERR-BODY-STATUS")
def test_missing_credentials(calls_harness: Harness) -> None:
    """Without credentials, list and fetch answer 401 with code 20003."""
    for what, url in _probes(calls_harness).items():
        response = calls_harness.client.request("GET", url, auth=None)
        calls_harness.verifier.verify(
            "ERR-AUTH-MISSING", _expect_answer, response, (401,), AUTH_CODE, f"{what} without credentials"
        )


@pytest.mark.requirements("ERR-AUTH-WRONG")
def test_wrong_token(calls_harness: Harness) -> None:
    """With the right account and a wrong token, list and fetch answer 401 with code 20003."""
    wrong = (
        calls_harness.client.account_sid,
        "not-the-token-" + fresh_call_sid(calls_harness, "signalwire")[:8],
    )
    for what, url in _probes(calls_harness).items():
        response = calls_harness.client.request("GET", url, auth=wrong)
        calls_harness.verifier.verify(
            "ERR-AUTH-WRONG", _expect_answer, response, (401,), AUTH_CODE, f"{what} with a wrong token"
        )


def _holds_call_data(response: httpx.Response) -> bool:
    body = json_object(response)
    if body is None:
        return False
    return "sid" in body or bool(isinstance(body.get("calls"), list) and body["calls"])


@pytest.mark.requirements("ERR-OTHER-ACCOUNT")
def test_other_account_path(calls_harness: Harness) -> None:
    """A path naming another account answers 401, 403 or 404, and never with call data."""
    other = fresh_account_sid(calls_harness)
    for what, url in _probes(calls_harness, other).items():
        response = calls_harness.client.request("GET", url)

        def judge(response: httpx.Response = response, what: str = what) -> None:
            _expect_answer(response, (401, 403, 404), None, f"{what} under another account's path")
            if _holds_call_data(response):
                raise Violation(
                    f"{what} under another account's path returned call data",
                    received=response.text[:200],
                    expected="no Call object",
                )

        calls_harness.verifier.verify("ERR-OTHER-ACCOUNT", judge, response=response)


@pytest.mark.requirements("ERR-UNKNOWN-SID", "ERR-JSON-BODY", "ERR-BODY-STATUS")
def test_unknown_call_sid(calls_harness: Harness) -> None:
    """Fetch, update and delete of a sid nobody issued answer 404 with code 20404."""
    client = calls_harness.client
    sid = fresh_call_sid(calls_harness)
    answers = {
        "fetch": client.fetch_call(sid),
        "update": client.update_call(sid, {"Status": "completed"}),
        "delete": client.delete_call(sid),
    }
    for what, response in answers.items():
        calls_harness.verifier.verify(
            "ERR-UNKNOWN-SID", _expect_answer, response, (404,), NOT_FOUND_CODE, f"{what} of an unknown sid"
        )


# Creates breaking one rule each, and the requirement refusing it proves. The core rules of the contract's
# Errors section must be refused (ERR-INVALID-PARAMS, MUST); every other spec constraint should be
# (ERR-INVALID-PARAMS-EXTENDED, SHOULD: real providers clamp or ignore such values).
CORE = "ERR-INVALID-PARAMS"
EXTENDED = "ERR-INVALID-PARAMS-EXTENDED"
INVALID_CREATES: dict[str, tuple[str, dict[str, Any]]] = {
    "Method not GET or POST": (CORE, {"Method": "PATCH"}),
    "Timeout not a number": (CORE, {"Timeout": "soon"}),
    "unknown StatusCallbackEvent": (CORE, {"StatusCallbackEvent": "hung-up"}),
    "StatusCallbackMethod not GET or POST": (CORE, {"StatusCallbackMethod": "PUT"}),
    "FallbackMethod not GET or POST": (CORE, {"FallbackMethod": "PUT"}),
    "Url not a URL": (CORE, {"Url": "not a url"}),
    "FallbackUrl not absolute": (CORE, {"FallbackUrl": "/fallback"}),
    "StatusCallback not absolute": (CORE, {"StatusCallback": "/status"}),
    "To missing": (CORE, {"To": None}),
    "From missing": (CORE, {"From": None}),
    "Url missing": (CORE, {"Url": None}),
    "To not an address": (CORE, {"To": "not a number!"}),
    "Timeout 0": (EXTENDED, {"Timeout": "0"}),
    "Timeout above 600": (EXTENDED, {"Timeout": "601"}),
    "Record not a boolean": (EXTENDED, {"Record": "perhaps"}),
    "RecordingChannels unknown": (EXTENDED, {"RecordingChannels": "quad"}),
    "MachineDetectionTimeout above 120": (
        EXTENDED,
        {"MachineDetection": "Enable", "MachineDetectionTimeout": "121"},
    ),
    "SendDigits with a letter": (EXTENDED, {"SendDigits": "12x4"}),
    "Trim unknown": (EXTENDED, {"Trim": "cut"}),
}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(case, marks=pytest.mark.requirements(requirement, "ERR-NO-5XX"), id=case)
        for case, (requirement, _) in sorted(INVALID_CREATES.items())
    ],
)
@pytest.mark.needs(Needs(calls=1, tier="probes", if_accepted=True))
def test_invalid_create_parameters(calls_harness: Harness, case: str) -> None:
    """A create breaking one parameter rule answers 400 or 422 (a refused one costs no call of the budget; the
    budget still keeps one for each, since an endpoint that accepts it creates a call)."""
    calls_harness.require("create")
    requirement, invalid = INVALID_CREATES[case]
    form = {k: v for k, v in calls_harness.create_form(**invalid).items() if v is not None}
    response = calls_harness.client.create_call(form)
    calls_harness.verifier.verify(requirement, _expect_answer, response, INVALID, None, f"create with {case}")


def _own_call(harness: Harness) -> str:
    harness.require("create")
    if harness.client.created:
        return harness.client.created[-1]
    response = harness.client.create_call(harness.create_form())
    body = harness.json(response, "CREATE-2XX", "a valid create")
    if not (response.is_success and isinstance(body, dict) and isinstance(body.get("sid"), str)):
        raise NotJudged("no call of this run to update (create failed; see CREATE-2XX)")
    return body["sid"]


@pytest.mark.requirements("UPDATE-STATUS-INVALID", "ERR-INVALID-PARAMS")
@pytest.mark.needs(Needs(calls=1, tier="coverage"))
def test_invalid_update_parameters(calls_harness: Harness) -> None:
    """Updates with a Status other than canceled/completed, a bad Method or a bad Url answer 4xx."""
    sid = _own_call(calls_harness)
    client = calls_harness.client
    response = client.update_call(sid, {"Status": "paused"})
    calls_harness.verifier.verify(
        "UPDATE-STATUS-INVALID",
        _expect_answer,
        response,
        tuple(range(400, 500)),
        None,
        "update with Status=paused",
    )
    for case, form in {
        "Method not GET or POST": {"Url": "http://127.0.0.1:9/next", "Method": "PATCH"},
        "Url not a URL": {"Url": "not a url"},
    }.items():
        response = client.update_call(sid, form)
        calls_harness.verifier.verify(
            "ERR-INVALID-PARAMS", _expect_answer, response, INVALID, None, f"update with {case}"
        )


MALFORMED_QUERIES = {
    "PageSize not a number": {"PageSize": "ten"},
    "Page negative": {"Page": "-1"},
    "Status unknown": {"Status": "paused"},
}


@pytest.mark.requirements("ERR-NO-5XX", "ERR-JSON-BODY")
@pytest.mark.parametrize("case", sorted(MALFORMED_QUERIES))
def test_malformed_list_query(calls_harness: Harness, case: str) -> None:
    """A list with a malformed query never answers 5xx (read-only: no call is created)."""
    response = calls_harness.client.list_calls(**MALFORMED_QUERIES[case])
    calls_harness.verifier.expect(
        "ERR-NO-5XX",
        response.status_code < 500,
        f"a list with {case} answered 5xx",
        received=response.status_code,
        expected="2xx or 4xx",
        response=response,
    )
