"""The error contract: credentials, other accounts, unknown sids, invalid parameters."""

from __future__ import annotations

from typing import Any

import pytest

from conformance.checks import answers
from conformance.checks.listing import MAX_PAGE_SIZE
from conformance.core.bodies import json_field
from conformance.core.credentials import MALFORMED, NONE, WRONG
from conformance.core.signals import NotJudged
from conformance.harness.harness import Harness
from conformance.plan.conditions import Needs
from conformance.suite.helpers import fresh_account_sid, fresh_call_sid


def _probes(harness: Harness, account_sid: str | None = None) -> dict[str, str]:
    """The requests each credential probe makes: a list (the account's data) and a fetch."""
    client = harness.client
    return {
        "list": client.calls_url(account_sid=account_sid),
        "fetch": client.calls_url(fresh_call_sid(harness), account_sid=account_sid),
    }


@pytest.mark.requirements("ERR-AUTH-MISSING", "ERR-JSON-BODY", "ERR-BODY-STATUS")
def test_missing_credentials(calls_harness: Harness) -> None:
    """Without credentials, list and fetch answer 401 with code 20003, and no call data."""
    for what, url in _probes(calls_harness).items():
        response = calls_harness.client.request("GET", url, credentials=NONE)
        calls_harness.answer(answers.refused_without_credentials, response, f"{what} without credentials")


@pytest.mark.requirements("ERR-AUTH-WRONG", "ERR-JSON-BODY")
def test_wrong_credentials(calls_harness: Harness) -> None:
    """The right account with a wrong password, in each of its forms (a made-up token, an empty password, the
    token one character short or long or in the other case), answers 401 with code 20003, and no call data."""
    for credentials in WRONG:
        if not calls_harness.client.differs_from_own(credentials):
            continue  # a token with no letter has no other case
        for what, url in _probes(calls_harness).items():
            response = calls_harness.client.request("GET", url, credentials=credentials)
            calls_harness.answer(
                answers.refused_with_wrong_credentials, response, f"{what} with {credentials.words}"
            )


@pytest.mark.requirements("ERR-AUTH-MALFORMED", "ERR-AUTH-MALFORMED-401", "ERR-JSON-BODY")
def test_malformed_authorization(calls_harness: Harness) -> None:
    """An Authorization header that is no usable Basic credential (no password separator, an empty value, another
    scheme) is refused, never answered with call data; 401 with code 20003 is what the contract names."""
    for credentials in MALFORMED:
        for what, url in _probes(calls_harness).items():
            response = calls_harness.client.request("GET", url, credentials=credentials)
            said = f"{what} with {credentials.words}"
            calls_harness.answer(answers.refused_with_malformed_authorization, response, said)
            calls_harness.answer(answers.malformed_authorization_answered_401, response, said)


@pytest.mark.requirements("ERR-OTHER-ACCOUNT")
def test_other_account_path(calls_harness: Harness) -> None:
    """A path naming another account answers 401, 403 or 404, and never with call data."""
    other = fresh_account_sid(calls_harness)
    for what, url in _probes(calls_harness, other).items():
        response = calls_harness.client.request("GET", url)
        calls_harness.answer(answers.other_account_refused, response, f"{what} under another account's path")


@pytest.mark.requirements("ERR-UNKNOWN-SID", "ERR-JSON-BODY", "ERR-BODY-STATUS")
def test_unknown_call_sid(calls_harness: Harness) -> None:
    """Fetch, update and delete of a sid nobody issued answer 404 with code 20404."""
    client = calls_harness.client
    sid = fresh_call_sid(calls_harness)
    sent = {
        "fetch": client.fetch_call(sid),
        "update": client.update_call(sid, {"Status": "completed"}),
        "delete": client.delete_call(sid),
    }
    for what, response in sent.items():
        calls_harness.answer(answers.unknown_sid_refused, response, f"{what} of an unknown sid")


# Creates breaking one rule each, and the requirement refusing it proves. The core rules of the contract's
# Errors section must be refused (ERR-INVALID-PARAMS, MUST): each has a probe here, in the forms a server's parser
# gets wrong (decimals, other schemes, spaces, empty required values), not only those Schemathesis happens to
# draw. Every other spec constraint should be refused (ERR-INVALID-PARAMS-EXTENDED, SHOULD: real providers clamp
# or ignore such values), and so should forms a correct provider could still read as valid (a signed or padded
# integer). tests/test_invalid_input.py proves each probe is core exactly when its requirement is the core one.
CORE = "ERR-INVALID-PARAMS"
EXTENDED = "ERR-INVALID-PARAMS-EXTENDED"
INVALID_CREATES: dict[str, tuple[str, dict[str, Any]]] = {
    "To missing": (CORE, {"To": None}),
    "To empty": (CORE, {"To": ""}),
    "To not an address": (CORE, {"To": "not a number!"}),
    "From missing": (CORE, {"From": None}),
    "From empty": (CORE, {"From": ""}),
    "From not an address": (CORE, {"From": "not a number!"}),
    "Url missing": (CORE, {"Url": None}),
    "Url empty": (CORE, {"Url": ""}),
    "Url not a URL": (CORE, {"Url": "not a url"}),
    "Url not http(s)": (CORE, {"Url": "ftp://127.0.0.1/laml/hangup"}),
    "Url with a space": (CORE, {"Url": "http://127.0.0.1:9/laml/hang up"}),
    "FallbackUrl not absolute": (CORE, {"FallbackUrl": "/fallback"}),
    "StatusCallback not absolute": (CORE, {"StatusCallback": "/status"}),
    "Method not GET or POST": (CORE, {"Method": "PATCH"}),
    "FallbackMethod not GET or POST": (CORE, {"FallbackMethod": "PUT"}),
    "StatusCallbackMethod not GET or POST": (CORE, {"StatusCallbackMethod": "PUT"}),
    "unknown StatusCallbackEvent": (CORE, {"StatusCallbackEvent": "hung-up"}),
    "Timeout not a number": (CORE, {"Timeout": "soon"}),
    "Timeout a decimal": (CORE, {"Timeout": "12.5"}),
    "Timeout with a unit": (CORE, {"Timeout": "30s"}),
    "Timeout 0": (EXTENDED, {"Timeout": "0"}),
    "Timeout negative": (EXTENDED, {"Timeout": "-5"}),
    "Timeout above 600": (EXTENDED, {"Timeout": "601"}),
    "Timeout with a sign": (EXTENDED, {"Timeout": "+30"}),
    "Timeout with spaces": (EXTENDED, {"Timeout": " 30 "}),
    "Record not a boolean": (EXTENDED, {"Record": "perhaps"}),
    "RecordingChannels unknown": (EXTENDED, {"RecordingChannels": "quad"}),
    "MachineDetectionTimeout above 120": (
        EXTENDED,
        {"MachineDetection": "Enable", "MachineDetectionTimeout": "121"},
    ),
    "SendDigits with a letter": (EXTENDED, {"SendDigits": "12x4"}),
    "Trim unknown": (EXTENDED, {"Trim": "cut"}),
}
REFUSES = {CORE: answers.core_invalid_input_refused, EXTENDED: answers.extended_invalid_input_refused}


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
    calls_harness.answer(REFUSES[requirement], response, f"create with {case}")


def _own_call(harness: Harness) -> str:
    harness.require("create")
    if harness.client.created:
        return harness.client.created[-1]
    response = harness.client.create_call(harness.create_form())
    sid = json_field(response, "sid")
    if not harness.answer(answers.valid_create_accepted, response, "a valid create") or not isinstance(
        sid, str
    ):
        raise NotJudged("no call of this run to update (create failed; see CREATE-2XX)")
    return sid


INVALID_UPDATES = {
    "Method not GET or POST": {"Url": "http://127.0.0.1:9/next", "Method": "PATCH"},
    "Url not a URL": {"Url": "not a url"},
    "Url not http(s)": {"Url": "ftp://127.0.0.1/next"},
}


@pytest.mark.requirements("UPDATE-STATUS-INVALID", "ERR-INVALID-PARAMS")
@pytest.mark.needs(Needs(calls=1, tier="coverage"))
def test_invalid_update_parameters(calls_harness: Harness) -> None:
    """Updates with a Status other than canceled/completed, a bad Method or a bad Url answer 4xx."""
    sid = _own_call(calls_harness)
    client = calls_harness.client
    for status in ("paused", "Canceled", "cancelled"):
        response = client.update_call(sid, {"Status": status})
        calls_harness.answer(answers.unknown_update_status_refused, response, f"update with Status={status}")
    for case, form in INVALID_UPDATES.items():
        response = client.update_call(sid, form)
        calls_harness.answer(answers.core_invalid_input_refused, response, f"update with {case}")


# List queries out of bounds, and what judges each (besides ERR-NO-5XX and ERR-JSON-BODY, which every answer
# meets): PageSize's documented bounds are accepted; what lies outside them should be refused (a PageSize above
# the maximum may be capped instead); a negative Page or Status unknown are judged only by those two.
LIST_QUERIES: dict[str, tuple[dict[str, str], Any]] = {
    "PageSize 1": ({"PageSize": "1"}, answers.page_size_within_limits_accepted),
    f"PageSize {MAX_PAGE_SIZE}": ({"PageSize": str(MAX_PAGE_SIZE)}, answers.page_size_within_limits_accepted),
    "PageSize 0": ({"PageSize": "0"}, answers.invalid_list_parameter_refused),
    "PageSize negative": ({"PageSize": "-1"}, answers.invalid_list_parameter_refused),
    "PageSize not a number": ({"PageSize": "ten"}, answers.invalid_list_parameter_refused),
    "PageSize a decimal": ({"PageSize": "2.5"}, answers.invalid_list_parameter_refused),
    f"PageSize {MAX_PAGE_SIZE + 1}": (
        {"PageSize": str(MAX_PAGE_SIZE + 1)},
        answers.page_size_above_maximum_refused_or_capped,
    ),
    "Page negative": ({"Page": "-1", "PageSize": "2"}, answers.invalid_list_parameter_refused),
    "Page not a number": ({"Page": "first", "PageSize": "2"}, answers.invalid_list_parameter_refused),
    "PageToken the endpoint never issued": (
        {"Page": "1", "PageSize": "2", "PageToken": "PAnot-a-token-this-endpoint-issued"},
        answers.invalid_list_parameter_refused,
    ),
    "Status unknown": ({"Status": "paused"}, None),
}


@pytest.mark.requirements("ERR-NO-5XX", "ERR-JSON-BODY", "LIST-PAGE-SIZE-LIMITS", "LIST-PARAMS-INVALID")
@pytest.mark.parametrize("case", sorted(LIST_QUERIES))
def test_list_query_boundaries(calls_harness: Harness, case: str) -> None:
    """A list at and past the bounds of its parameters never answers 5xx, and any 4xx has the JSON error body;
    the documented bounds are accepted and what lies past them should be refused (read-only: no call is
    created)."""
    query, check = LIST_QUERIES[case]
    response = calls_harness.client.list_calls(**query)
    if check is not None:
        calls_harness.answer(check, response, f"a list with {case}")


@pytest.mark.requirements("LIST-PAGE-TOKEN")
def test_page_without_its_token(calls_harness: Harness) -> None:
    """A Page above 0 without the PageToken that leads there should be refused (signalwire: 54453)."""
    if calls_harness.profile != "signalwire":
        raise NotJudged("only the signalwire profile requires a PageToken past the first page")
    response = calls_harness.client.list_calls(Page="1", PageSize="2")
    calls_harness.answer(answers.page_without_token_refused, response, "a list with Page=1 and no PageToken")
