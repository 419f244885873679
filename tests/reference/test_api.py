"""The reference endpoint's HTTP surface: paths, auth, isolation, create validation, error bodies."""

from __future__ import annotations

import base64
import re
import uuid
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest

from conformance.reference import ReferenceEndpoint
from conformance.reference.serialize import CALL_FIELDS

from .conftest import Api

PREFIXES = ["/api/laml/2010-04-01", "/2010-04-01"]
RFC2822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$"
)


def error_code(response: httpx.Response) -> int:
    body = response.json()
    if "errors" in body:
        return int(body["errors"][0]["code"])
    return int(body["code"])


def assert_error_body(response: httpx.Response) -> None:
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    if "errors" in body:
        assert body["errors"] and all(
            {"code", "message", "more_info"} <= set(item) for item in body["errors"]
        )
    else:
        assert set(body) == {"code", "message", "more_info", "status"}
        assert body["status"] == response.status_code
        assert isinstance(body["code"], int) and body["more_info"].startswith("https://")


def test_create_answers_200_with_exactly_the_36_fields(api: Api) -> None:
    response = api.create()
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    call = response.json()
    assert list(call) == list(CALL_FIELDS) and len(CALL_FIELDS) == 36
    assert call["status"] == "queued"
    uuid.UUID(call["sid"])
    assert call["account_sid"] == api.account
    assert call["to"] == "+12025550100" and call["formatted_to"] == call["to_formatted"] == "(202) 555-0100"
    assert (
        call["from"] == "+12025550199"
        and call["formatted_from"] == call["from_formatted"] == "(202) 555-0199"
    )
    assert (
        call["start_time"] is None
        and call["end_time"] is None
        and call["duration"] == 0
        and call["price"] is None
    )
    assert (
        call["price_unit"] == "USD"
        and call["direction"] == "outbound-api"
        and call["api_version"] == "2010-04-01"
    )
    assert all(
        call[key] is None
        for key in (
            "parent_call_sid",
            "phone_number_sid",
            "forwarded_from",
            "caller_name",
            "annotation",
            "group_sid",
            "answered_by",
        )
    )
    assert call["uri"] == f"/api/laml/2010-04-01/Accounts/{api.account}/Calls/{call['sid']}.json"
    assert call["subresource_uris"] == {
        "notifications": None,
        "recordings": call["uri"].removesuffix(".json") + "/Recordings.json",
    }
    assert RFC2822.match(call["date_created"]) and RFC2822.match(call["date_updated"])
    assert all(
        call[key] is None for key in CALL_FIELDS if key.startswith("audio_") or key == "sip_result_code"
    )


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("json", [True, False])
def test_every_prefix_and_suffix_serves_every_operation(
    endpoint: ReferenceEndpoint, prefix: str, json: bool
) -> None:
    api = Api(endpoint, prefix)
    data = {"To": endpoint.to_number, "From": endpoint.from_number, "Url": "http://127.0.0.1:9/"}
    created = api.http.post(api.calls_path(json=json), data=data)
    assert created.status_code == 200
    sid = created.json()["sid"]
    assert api.http.get(api.calls_path(sid, json=json)).json()["sid"] == sid
    listed = api.http.get(api.calls_path(json=json), params={"PageSize": 1000})
    assert sid in [call["sid"] for call in listed.json()["calls"]]
    assert api.http.post(api.calls_path(sid, json=json), data={"Status": "canceled"}).json()["status"] in (
        "canceled",
        "completed",
    )
    api.wait_ended(sid)
    assert api.http.delete(api.calls_path(sid, json=json)).status_code == 204
    assert api.http.get(api.calls_path(sid, json=json)).status_code == 404


@pytest.mark.parametrize(
    "auth",
    [
        None,
        ("wrong", "pair"),
        "right-user-wrong-token",
        "Basic !!notbase64",
        "Bearer abc",
        "Basic " + base64.b64encode(b"nocolon").decode(),
    ],
)
def test_bad_credentials_answer_401_20003(endpoint: ReferenceEndpoint, auth: Any) -> None:
    headers = {}
    if auth == "right-user-wrong-token":
        auth = (endpoint.account_sid, "not-the-token")
    if isinstance(auth, str):
        headers["Authorization"], auth = auth, None
    url = f"{endpoint.base_url}/Accounts/{endpoint.account_sid}/Calls.json"
    for method in ("GET", "POST"):
        response = httpx.request(method, url, auth=auth, headers=headers, trust_env=False)
        assert response.status_code == 401
        assert error_code(response) == 20003
        assert response.headers["www-authenticate"].startswith("Basic realm=")
        assert_error_body(response)


def test_accounts_are_isolated(endpoint: ReferenceEndpoint, api: Api) -> None:
    sid = api.create_call()["sid"]
    other = endpoint.other_account
    as_other = httpx.Client(base_url=endpoint.base_url, auth=(other.sid, other.auth_token), trust_env=False)
    # The other account's credentials on the primary's path: 401, never its data.
    for response in (
        as_other.get(f"/Accounts/{endpoint.account_sid}/Calls.json"),
        as_other.get(f"/Accounts/{endpoint.account_sid}/Calls/{sid}.json"),
        as_other.post(f"/Accounts/{endpoint.account_sid}/Calls/{sid}.json", data={"Status": "canceled"}),
        as_other.delete(f"/Accounts/{endpoint.account_sid}/Calls/{sid}.json"),
    ):
        assert response.status_code == 401 and error_code(response) == 20003
        assert sid not in response.text
    # On its own path the other account does not see the primary's call.
    assert as_other.get(f"/Accounts/{other.sid}/Calls/{sid}.json").status_code == 404
    listed = as_other.get(f"/Accounts/{other.sid}/Calls.json", params={"PageSize": 1000}).json()
    assert sid not in [call["sid"] for call in listed["calls"]]
    # The primary's credentials on the other account's path: 401 too.
    assert api.http.get(api.calls_path(account=other.sid)).status_code == 401
    assert api.fetch(sid)["status"] != "canceled"


def test_unknown_sid_answers_404_20404(api: Api) -> None:
    for sid in (str(uuid.uuid4()), "nope", "CA" + "0" * 32):
        for response in (
            api.http.get(api.calls_path(sid)),
            api.update(sid, Status="canceled"),
            api.http.delete(api.calls_path(sid)),
        ):
            assert response.status_code == 404 and error_code(response) == 20404
            assert_error_body(response)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/api/laml/2010-04-01/Accounts/{a}/Calls.json"),
        ("DELETE", "/api/laml/2010-04-01/Accounts/{a}/Calls"),
        ("PATCH", "/2010-04-01/Accounts/{a}/Calls/x.json"),
        ("OPTIONS", "/2010-04-01/Accounts/{a}/Calls/x"),
    ],
)
def test_other_methods_answer_405_json(endpoint: ReferenceEndpoint, method: str, path: str) -> None:
    response = httpx.request(method, endpoint.origin + path.format(a=endpoint.account_sid), trust_env=False)
    assert response.status_code == 405
    assert_error_body(response)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/api/laml/2010-04-01",
        "/2010-04-01/Accounts/x/Messages.json",
        "/api/laml/2010-04-01/Accounts/x/Calls/a/b",
        "/%ff",
        "/2010-04-01/Accounts/%0A/Calls",
    ],
)
def test_unknown_paths_answer_404_json(endpoint: ReferenceEndpoint, path: str) -> None:
    response = httpx.get(endpoint.origin + path, trust_env=False)
    assert response.status_code == 404
    assert_error_body(response)


def test_body_size_is_bounded(api: Api) -> None:
    response = api.http.post(
        api.calls_path(),
        content=b"To=" + b"1" * (70 * 1024),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413
    assert_error_body(response)


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b"To=%2B1202\xff\xfe", "application/x-www-form-urlencoded", 400),
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b"--x\r\n", "multipart/form-data; boundary=x", 415),
        (b"", "application/x-www-form-urlencoded", 400),
    ],
)
def test_malformed_bodies_answer_4xx_json(api: Api, content: bytes, content_type: str, status: int) -> None:
    response = api.http.post(api.calls_path(), content=content, headers={"Content-Type": content_type})
    assert response.status_code == status
    assert_error_body(response)


def test_json_create_bodies_are_tolerated(endpoint: ReferenceEndpoint, api: Api) -> None:
    body = {
        "To": endpoint.to_number,
        "From": endpoint.from_number,
        "Url": "http://127.0.0.1:9/",
        "StatusCallbackEvent": ["initiated", "completed"],
        "Record": False,
    }
    response = api.http.post(api.calls_path(), json=body)
    assert response.status_code == 200, response.text


INVALID_CREATES = [
    ({"To": None}, 21211),
    ({"To": "12025550100"}, 21211),
    ({"To": "+1202"}, 21217),
    ({"To": "sip:nohost"}, 21211),
    ({"From": None}, 21213),
    ({"From": "abc"}, 21212),
    ({"Url": None}, 21205),
    ({"Url": "ftp://127.0.0.1/x"}, 21205),
    ({"Url": "not a url"}, 21205),
    ({"Url": None, "ApplicationSid": "AP123"}, 21218),
    ({"FallbackUrl": "relative/path"}, 21402),
    ({"StatusCallback": "/cb"}, 21402),
    ({"RecordingStatusCallback": "mailto:a@b.c"}, 21402),
    ({"AsyncAmdStatusCallback": "x"}, 21402),
    ({"Method": "PUT"}, 21209),
    ({"FallbackMethod": "DELETE"}, 21209),
    ({"StatusCallbackMethod": "x"}, 21209),
    ({"RecordingStatusCallbackMethod": "PATCH"}, 21209),
    ({"Timeout": "0"}, 21208),
    ({"Timeout": "601"}, 21208),
    ({"Timeout": "abc"}, 21208),
    ({"Timeout": "1.5"}, 21208),
    ({"StatusCallbackEvent": "bogus"}, 21626),
    ({"StatusCallbackEvent": "initiated hungup"}, 21626),
    ({"SendDigits": "123x"}, 13222),
    ({"SendDigits": "1" * 33}, 13222),
    ({"Record": "yes"}, 10000),
    ({"AsyncAmd": "1"}, 10000),
    ({"AsyncAmdPartialResults": "maybe"}, 10000),
    ({"RecordingChannels": "stereo"}, 10000),
    ({"RecordingTrack": "all"}, 10000),
    ({"Trim": "yes"}, 13699),
    ({"MachineDetection": "Detect"}, 21234),
    ({"MachineDetectionTimeout": "0"}, 21234),
    ({"MachineDetectionSpeechThreshold": "999"}, 21234),
    ({"MachineDetectionSpeechEndThreshold": "5001"}, 21234),
    ({"MachineDetectionSilenceTimeout": "1999"}, 21234),
    ({"MachineWordsThreshold": "101"}, 21234),
    ({"RecordingStatusCallbackEvent": "done"}, 13621),
    ({"MaxPricePerMinute": "0.12345"}, 10000),
    ({"MaxPricePerMinute": "abc"}, 10000),
]


@pytest.mark.parametrize(
    ("params", "code"),
    INVALID_CREATES,
    ids=[f"{next(iter(p))}={next(iter(p.values()))}" for p, _ in INVALID_CREATES],
)
def test_invalid_create_answers_400_with_the_code(api: Api, params: dict[str, Any], code: int) -> None:
    response = api.create(**params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"errors"}
    assert code in [int(item["code"]) for item in body["errors"]]
    assert_error_body(response)


VALID_CREATES = [
    {"To": "sip:alice@example.com"},
    {"To": "client:bob"},
    {"To": "+442079460958"},
    {"From": "sip:me@example.com"},
    {"Url": None, "ApplicationSid": str(uuid.uuid4())},
    {"StatusCallbackEvent": "initiated ringing answered completed"},
    {"SendDigits": "1234wW#*ABCD"},
    {"Timeout": "1"},
    {"Timeout": "600"},
    {"Method": "GET", "FallbackUrl": "https://127.0.0.1/fb", "FallbackMethod": "post"},
    {"MachineDetection": "DetectMessageEnd", "MachineDetectionTimeout": "120", "MachineWordsThreshold": "1"},
    {"Record": "true", "RecordingChannels": "dual", "RecordingTrack": "inbound", "Trim": "do-not-trim"},
    {"RecordingStatusCallbackEvent": "in-progress completed absent"},
    {"MaxPricePerMinute": "0.0050"},
    {"SomethingUnknown": "whatever", "CallerId": "x"},
]


@pytest.mark.parametrize("params", VALID_CREATES)
def test_valid_create_variants_are_accepted(api: Api, params: dict[str, Any]) -> None:
    response = api.create(**params)
    assert response.status_code == 200, response.text


def test_repeated_status_callback_events_are_accepted(api: Api) -> None:
    data = [
        ("To", api.endpoint.to_number),
        ("From", api.endpoint.from_number),
        ("Url", "http://127.0.0.1:9/"),
        ("StatusCallbackEvent", "initiated"),
        ("StatusCallbackEvent", "ringing"),
    ]
    response = api.http.post(
        api.calls_path(),
        content=str(httpx.QueryParams(data)),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("to", "formatted"),
    [
        ("sip:alice@example.com", "sip:alice@example.com"),
        ("client:bob", "client:bob"),
        ("+442079460958", "+44 20 7946 0958"),
        ("+12025550100", "(202) 555-0100"),
    ],
)
def test_formatted_aliases_denote_the_same_address(api: Api, to: str, formatted: str) -> None:
    call = api.create_call(To=to)
    assert call["formatted_to"] == call["to_formatted"] == formatted


def test_dates_parse_as_rfc2822_utc(api: Api) -> None:
    call = api.wait_ended(api.create_call()["sid"])
    for key in ("date_created", "date_updated", "start_time", "end_time"):
        assert RFC2822.match(call[key]), call[key]
        assert parsedate_to_datetime(call[key]).utcoffset().total_seconds() == 0
