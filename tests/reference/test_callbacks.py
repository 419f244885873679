"""Status and recording callbacks: events, methods, parameters, signatures; and the host allow-list."""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conformance.common.signature import signature_matches
from conformance.reference import BUSY_NUMBER, HOLD_NUMBER, ReferenceEndpoint
from conformance.reference.events import AUDIO_COUNTERS
from conformance.reference.outbound import check_host

from .conftest import Api, Captured, Receiver

RFC2822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$"
)
BASE = {
    "AccountSid",
    "ApiVersion",
    "CallSid",
    "CallStatus",
    "Direction",
    "From",
    "To",
    "CallbackSource",
    "SequenceNumber",
    "Timestamp",
}
ALL_EVENTS = "initiated ringing answered completed"


def verify(endpoint: ReferenceEndpoint, request: Captured) -> None:
    """Both signature headers carry the same value, and it verifies with the signing key."""
    signature = request.headers["x-signalwire-signature"]
    assert request.headers["x-twilio-signature"] == signature
    params = [] if request.method == "GET" else request.form
    assert signature_matches(endpoint.signing_key, request.url, params, signature)
    assert not signature_matches(endpoint.auth_token, request.url, params, signature)


def status_callbacks(receiver: Receiver, sid: str, count: int) -> list[Captured]:
    found = receiver.wait_for(lambda r: r.path == "/status" and r.params.get("CallSid") == sid, count=count)
    return sorted(found, key=lambda r: int(r.params["SequenceNumber"]))


@pytest.mark.parametrize("method", ["POST", "GET"])
def test_every_requested_event_arrives_signed(
    endpoint: ReferenceEndpoint, api: Api, receiver: Receiver, method: str
) -> None:
    call = api.create_call(
        StatusCallback=f"{receiver.url}/status", StatusCallbackMethod=method, StatusCallbackEvent=ALL_EVENTS
    )
    found = status_callbacks(receiver, call["sid"], 4)
    assert [r.params["CallStatus"] for r in found] == ["initiated", "ringing", "in-progress", "completed"]
    assert [r.params["SequenceNumber"] for r in found] == ["0", "1", "2", "3"]
    final = api.wait_ended(call["sid"])
    for request in found:
        assert request.method == method
        assert (request.form == []) == (method == "GET") and (request.query == []) == (method == "POST")
        params = request.params
        assert set(params) >= BASE | set(AUDIO_COUNTERS)
        assert params["AccountSid"] == endpoint.account_sid and params["CallSid"] == call["sid"]
        assert params["From"] == call["from"] and params["To"] == call["to"]
        assert params["ApiVersion"] == "2010-04-01" and params["Direction"] == "outbound-api"
        assert params["CallbackSource"] == "call-progress-events" and RFC2822.match(params["Timestamp"])
        assert ("CallDuration" in params) == (params["CallStatus"] == "completed")
        verify(endpoint, request)
    assert found[-1].params["CallDuration"] == str(final["duration"])
    assert float(found[-1].params["AudioInMos"]) == final["audio_in_mos"]
    assert int(found[-1].params["AudioInMediaPacketCount"]) > 0
    assert found[0].params["AudioInMediaPacketCount"] == "0"


def test_only_completed_by_default(api: Api, receiver: Receiver) -> None:
    sid = api.create_call(StatusCallback=f"{receiver.url}/status")["sid"]
    api.wait_ended(sid)
    found = status_callbacks(receiver, sid, 1)
    assert [(r.params["CallStatus"], r.params["SequenceNumber"]) for r in found] == [("completed", "0")]
    second = api.create_call(StatusCallback=f"{receiver.url}/status")["sid"]
    status_callbacks(receiver, second, 1)
    assert len(receiver.matching(lambda r: r.params.get("CallSid") == sid)) == 1


@pytest.mark.parametrize(
    ("to", "final"), [(BUSY_NUMBER, "busy"), ("+12025550102", "failed"), ("+12025550103", "no-answer")]
)
def test_final_event_carries_the_final_status(api: Api, receiver: Receiver, to: str, final: str) -> None:
    sid = api.create_call(To=to, StatusCallback=f"{receiver.url}/status", StatusCallbackEvent=ALL_EVENTS)[
        "sid"
    ]
    found = status_callbacks(receiver, sid, 3)
    assert [r.params["CallStatus"] for r in found] == ["initiated", "ringing", final]
    assert found[-1].params["CallDuration"] == "0"
    assert set(AUDIO_COUNTERS) <= set(found[-1].params)


def test_update_can_move_the_status_callback(api: Api, receiver: Receiver) -> None:
    sid = api.create_call(To=HOLD_NUMBER, StatusCallback="http://127.0.0.1:9/old")["sid"]
    api.wait_status(sid, "in-progress")
    response = api.update(
        sid, Status="completed", StatusCallback=f"{receiver.url}/status", StatusCallbackMethod="GET"
    )
    assert response.status_code == 200
    found = status_callbacks(receiver, sid, 1)
    assert found[0].method == "GET" and found[0].params["CallStatus"] == "completed"


def test_recording_callbacks(endpoint: ReferenceEndpoint, api: Api, receiver: Receiver) -> None:
    call = api.create_call(
        Record="true",
        RecordingChannels="dual",
        RecordingStatusCallback=f"{receiver.url}/recording",
        RecordingStatusCallbackEvent="in-progress completed",
    )
    found = receiver.wait_for(
        lambda r: r.path == "/recording" and r.params.get("CallSid") == call["sid"], count=2
    )
    assert [r.params["RecordingStatus"] for r in found] == ["in-progress", "completed"]
    final = api.wait_ended(call["sid"])
    for request in found:
        params = request.params
        assert set(params) == {
            "AccountSid",
            "CallSid",
            "RecordingSid",
            "RecordingUrl",
            "RecordingStatus",
            "RecordingDuration",
            "RecordingChannels",
            "RecordingSource",
        }
        assert params["RecordingChannels"] == "2" and params["RecordingSource"] == "OutBoundApi"
        assert params["RecordingUrl"].endswith("/Recordings/" + params["RecordingSid"])
        verify(endpoint, request)
    assert found[-1].params["RecordingDuration"] == str(final["duration"])


def test_recording_absent_for_an_unanswered_call(api: Api, receiver: Receiver) -> None:
    sid = api.create_call(
        To=BUSY_NUMBER,
        Record="true",
        RecordingStatusCallback=f"{receiver.url}/recording",
        RecordingStatusCallbackMethod="GET",
        RecordingStatusCallbackEvent="absent",
    )["sid"]
    found = receiver.wait_for(lambda r: r.path == "/recording" and r.params.get("CallSid") == sid)
    assert (
        found[0].method == "GET"
        and found[0].params["RecordingStatus"] == "absent"
        and found[0].params["RecordingChannels"] == "1"
    )


# ---------------------------------------------------------------- the allow-list


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8080/cb", True),
        ("http://127.9.9.9/cb", True),
        ("http://[::1]:8080/cb", True),
        ("https://localhost/cb", True),
        ("http://LOCALHOST/cb", True),
        ("http://example.invalid/cb", False),
        ("http://10.0.0.1/cb", False),
        ("http://[::ffff:10.0.0.1]/cb", False),
        ("http://localhost.example.com/cb", False),
        ("http://127.0.0.1.nip.io/cb", False),
        ("http://localhost./cb", False),
        ("http://2130706433/cb", False),
        ("ftp://127.0.0.1/cb", False),
        ("http://127.0.0.1:99999/cb", False),
        ("http://evil.example@127.0.0.1/cb", True),
        ("http://127.0.0.1@evil.example/cb", False),
    ],
)
def test_check_host(url: str, allowed: bool) -> None:
    assert (check_host(url, frozenset({"127.0.0.1", "::1", "localhost"}))[1] is None) == allowed


class NetworkSpy:
    """Records every name resolution, socket connection and HTTP request the process makes."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.lookups: list[str] = []
        self.connections: list[Any] = []
        self.requests: list[str] = []
        self._lock = threading.Lock()
        real_getaddrinfo, real_create_connection = socket.getaddrinfo, socket.create_connection
        real_send = httpx.AsyncClient.send

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.lookups.append(str(host))
            return real_getaddrinfo(host, *args, **kwargs)

        def create_connection(address: Any, *args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self.connections.append(address)
            return real_create_connection(address, *args, **kwargs)

        async def send(client: httpx.AsyncClient, request: httpx.Request, **kwargs: Any) -> httpx.Response:
            with self._lock:
                self.requests.append(request.url.host)
            return await real_send(client, request, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
        monkeypatch.setattr(socket, "create_connection", create_connection)
        monkeypatch.setattr(httpx.AsyncClient, "send", send)

    def touched(self, host: str) -> bool:
        with self._lock:
            return any(host in str(item) for item in [*self.lookups, *self.connections, *self.requests])


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> Iterator[NetworkSpy]:
    yield NetworkSpy(monkeypatch)


def test_refused_hosts_see_no_lookup_and_no_connection(
    endpoint: ReferenceEndpoint, api: Api, receiver: Receiver, spy: NetworkSpy
) -> None:
    before = len(endpoint.refusals)
    sid = api.create_call(
        Url="http://example.invalid/doc",
        StatusCallback="http://10.0.0.1/status",
        StatusCallbackEvent=ALL_EVENTS,
        Record="true",
        RecordingStatusCallback="http://example.invalid/recording",
    )["sid"]
    assert (
        api.wait_ended(sid)["status"] == "completed"
    )  # the API call itself succeeded; the Url fell back to talk time
    # Positive control: an allowed *name* is resolved in the server thread, so the spy sees that thread.
    control = api.create_call(StatusCallback=f"http://localhost:{receiver.port}/status")["sid"]
    receiver.wait_for(lambda r: r.params.get("CallSid") == control)
    assert spy.touched("localhost")
    assert not spy.touched("example.invalid") and not spy.touched("10.0.0.1")
    refusals = endpoint.refusals[before:]
    assert {(r.url_host, r.kind) for r in refusals} >= {
        ("example.invalid", "document"),
        ("10.0.0.1", "status"),
        ("example.invalid", "recording"),
    }
    assert len([r for r in refusals if r.kind == "status"]) == 4  # one per event
    assert all(r.reason for r in refusals)


def test_allow_list_is_configurable(receiver: Receiver) -> None:
    with ReferenceEndpoint(callback_allow=("127.0.0.1",)) as running:
        api = Api(running)
        refused = api.create_call(StatusCallback=f"http://localhost:{receiver.port}/status")["sid"]
        allowed = api.create_call(StatusCallback=f"{receiver.url}/status")["sid"]
        receiver.wait_for(lambda r: r.params.get("CallSid") == allowed)
        api.wait_ended(refused)
        assert [(r.url_host, r.kind) for r in running.refusals] == [("localhost", "status")]
        assert not receiver.matching(lambda r: r.params.get("CallSid") == refused)
        api.http.close()


def test_settled_once_the_call_ended_and_every_callback_went_out(
    endpoint: ReferenceEndpoint, api: Api, receiver: Receiver
) -> None:
    """`settled(sid)` (what the suite's waits on the embedded endpoint ask): False while a call is up, True once it
    has ended and each of its callbacks was delivered (its answer in), never before."""
    sid = api.create_call(
        To=HOLD_NUMBER, StatusCallback=f"{receiver.url}/status", StatusCallbackEvent=ALL_EVENTS
    )["sid"]
    api.wait_status(sid, "in-progress")
    assert endpoint.settled(sid, 0.2) is False
    assert api.update(sid, Status="completed").status_code == 200
    assert endpoint.settled(sid, 10.0) is True
    # Nothing more to wait for: the final callback is already in.
    finals = receiver.matching(
        lambda r: r.params.get("CallSid") == sid and r.params.get("CallStatus") == "completed"
    )
    assert len(finals) == 1
    assert endpoint.settled("CA" + "0" * 32, 0.0) is True  # a call it never had: nothing to do
