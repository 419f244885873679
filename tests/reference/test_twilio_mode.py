"""The reference endpoint's twilio mode: paths, identifiers, the Call's 26 fields and their types, success codes,
error bodies, the list envelope, callbacks, the parameters only twilio takes, and the cancel decision."""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlencode

import httpx
import pytest

from conformance.reference import BUSY_NUMBER, HOLD_NUMBER, ReferenceEndpoint
from conformance.reference.serialize import TWILIO_CALL_FIELDS

from .conftest import Api, Receiver

SID = {"CA": re.compile(r"^CA[0-9a-f]{32}$"), "AC": re.compile(r"^AC[0-9a-f]{32}$")}


@pytest.fixture(scope="module")
def twilio() -> Iterator[ReferenceEndpoint]:
    with ReferenceEndpoint(profile="twilio") as running:
        yield running


@pytest.fixture
def api(twilio: ReferenceEndpoint) -> Iterator[Api]:
    client = Api(twilio)
    yield client
    client.http.close()


def test_base_url_credentials_and_prefixes(twilio: ReferenceEndpoint, api: Api) -> None:
    assert twilio.base_url == f"{twilio.origin}/2010-04-01"
    assert SID["AC"].match(twilio.account_sid) and SID["AC"].match(twilio.other_account.sid)
    assert twilio.signing_key == twilio.auth_token  # Twilio signs callbacks with the auth token
    assert api.http.get(api.calls_path()).status_code == 200
    assert (
        api.http.get(api.calls_path(json=False)).json().keys() == api.http.get(api.calls_path()).json().keys()
    )
    other = api.http.get(f"/api/laml/2010-04-01/Accounts/{api.account}/Calls.json")
    assert other.status_code == 404 and other.json()["code"] == 20404


def test_create_answers_201_with_exactly_twilios_26_fields(api: Api) -> None:
    response = api.create()
    assert response.status_code == 201
    call = response.json()
    assert list(call) == list(TWILIO_CALL_FIELDS) and len(TWILIO_CALL_FIELDS) == 26
    assert SID["CA"].match(call["sid"]) and call["account_sid"] == api.account
    assert call["phone_number_sid"].startswith("PN") and len(call["phone_number_sid"]) == 34
    assert (call["duration"], call["price"], call["queue_time"]) == (None, None, None)
    assert call["uri"] == f"/2010-04-01/Accounts/{api.account}/Calls/{call['sid']}.json"
    assert all(isinstance(v, str) for v in call["subresource_uris"].values())
    assert len(call["subresource_uris"]) == 9
    ended = api.wait(call["sid"], lambda c: c["status"] == "completed")
    assert ended["duration"].isdigit() and re.fullmatch(r"-0\.[0-9]{5}", ended["price"])
    assert ended["queue_time"].isdigit() and ended["price_unit"] == "USD"


def test_unanswered_calls_show_a_zero_duration_and_price(api: Api) -> None:
    call = api.wait_ended(api.create_call(To=BUSY_NUMBER)["sid"])
    assert (call["status"], call["duration"], call["price"]) == ("busy", "0", "0.00000")


def test_errors_are_twilio_shaped(api: Api) -> None:
    refused = api.create(To="nonsense", Timeout="0")
    assert refused.status_code == 400
    assert refused.json() == {
        "code": 21211,
        "message": refused.json()["message"],
        "more_info": "https://www.twilio.com/docs/errors/21211",
        "status": 400,
    }
    missing = api.http.get(api.calls_path("CA" + "0" * 32))
    assert missing.json()["more_info"] == "https://www.twilio.com/docs/errors/20404"


def test_the_list_envelope_says_where_the_page_sits(api: Api) -> None:
    for _ in range(3):
        api.create_call()
    first = api.http.get(api.calls_path(), params={"PageSize": 2}).json()
    assert (first["start"], first["end"], first["page"]) == (0, 1, 0)
    second = api.http.get(first["next_page_uri"]).json()
    assert (second["start"], second["page"]) == (2, 1) and second["end"] >= 2
    assert first["next_page_uri"].startswith(f"/2010-04-01/Accounts/{api.account}/Calls.json?")


def test_cancel_of_an_answered_call_answers_200_and_leaves_it_up(api: Api) -> None:
    sid = api.create_call(To=HOLD_NUMBER)["sid"]
    api.wait_status(sid, "in-progress")
    response = api.update(sid, Status="canceled")
    assert response.status_code == 200 and response.json()["status"] == "in-progress"
    assert api.fetch(sid)["status"] == "in-progress"
    assert api.update(sid, Status="completed").json()["status"] == "completed"


def test_twilio_only_parameters_are_checked(api: Api) -> None:
    assert api.create(TimeLimit="soon").status_code == 400
    assert api.create(Byoc="BY123").status_code == 400
    assert api.create(ClientNotificationUrl="not a url").status_code == 400
    assert api.create(ApplicationSid="AP" + "0" * 32, Url=None).status_code == 201
    assert api.create(ApplicationSid="3acbb648-35d2-4350-b4db-acec4fff8acf", Url=None).status_code == 400
    accepted = api.create(
        TimeLimit="600", Byoc="BY" + "a" * 32, CallReason="a reason", CallToken="token", AsyncAmd="true"
    )
    assert accepted.status_code == 201
    # Twilio's description types TimeLimit an integer (no range) and AsyncAmd a string: both are taken as typed.
    assert api.create(TimeLimit="-5", AsyncAmd="perhaps").status_code == 201
    assert api.create(TimeLimit="600", Twiml="<Response/>", Url=None).status_code == 201
    pairs = [
        ("To", api.endpoint.to_number),
        ("From", api.endpoint.from_number),
        ("Url", "http://127.0.0.1:9/"),
    ]
    twice = [*pairs, ("TimeLimit", "60"), ("TimeLimit", "61")]
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert api.http.post(api.calls_path(), content=urlencode(twice), headers=form).status_code == 400
    sid = api.create_call(To=HOLD_NUMBER)["sid"]
    assert api.update(sid, TimeLimit="soon").status_code == 400
    assert api.update(sid, TimeLimit="60").status_code == 200
    api.update(sid, Status="completed")


def test_inline_twiml_runs_without_a_url(api: Api, receiver: Receiver) -> None:
    twiml = f'<Response><Redirect method="GET">{receiver.url}/doc/next</Redirect></Response>'
    receiver.documents["/doc/next"] = b"<Response><Hangup/></Response>"
    sid = api.create_call(Url=None, Twiml=twiml)["sid"]
    receiver.wait_for(lambda r: r.path == "/doc/next" and r.method == "GET")
    assert api.wait_ended(sid)["status"] == "completed"
    assert api.create(Url=None, Twiml="<Response/>" + " " * 4000).status_code == 400


def test_callbacks_carry_twilios_parameters(twilio: ReferenceEndpoint, api: Api, receiver: Receiver) -> None:
    sid = api.create_call(
        StatusCallback=f"{receiver.url}/status",
        Record="true",
        RecordingStatusCallback=f"{receiver.url}/recording",
    )["sid"]
    final = receiver.wait_for(lambda r: r.path == "/status" and r.params.get("CallStatus") == "completed")[0]
    assert final.params["CallSid"] == sid and final.params["SipResponseCode"] == "200"
    assert not {"SipResultCode", "AudioInMos"} & set(final.params)
    recording = receiver.wait_for(lambda r: r.path == "/recording")[0]
    assert (
        recording.params["RecordingSid"].startswith("RE")
        and recording.params["RecordingSource"] == "OutboundAPI"
    )
    assert "/2010-04-01/Accounts/" in recording.params["RecordingUrl"]
    assert set(final.headers) >= {"x-twilio-signature"} and "x-signalwire-signature" not in final.headers


def test_the_signalwire_mode_is_unchanged(endpoint: ReferenceEndpoint) -> None:
    with httpx.Client(auth=(endpoint.account_sid, endpoint.auth_token), trust_env=False) as http:
        response = http.post(
            f"{endpoint.base_url}/Accounts/{endpoint.account_sid}/Calls",
            data={
                "To": endpoint.to_number,
                "From": endpoint.from_number,
                "TimeLimit": "soon",
                "Url": "http://x/",
            },
        )
    assert endpoint.base_url.endswith("/api/laml/2010-04-01") and response.status_code == 200
    assert "queue_time" not in response.json() and isinstance(response.json()["duration"], int)
