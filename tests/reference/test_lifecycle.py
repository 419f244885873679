"""The simulated lifecycle: outcomes by To number, time fields, update and delete semantics, cXML documents."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from email.utils import parsedate_to_datetime
from typing import Any

import pytest

from conformance.common.signature import signature_matches
from conformance.reference import (
    ANSWER_NUMBER,
    BUSY_NUMBER,
    FAILED_NUMBER,
    HOLD_NUMBER,
    MACHINE_NUMBER,
    NO_ANSWER_NUMBER,
    TRANSITIONS,
    ReferenceEndpoint,
    Timings,
)

from .conftest import ENDED, Api, Receiver


def _reachable(start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for following in TRANSITIONS[todo.pop()]:
            if following not in seen:
                seen.add(following)
                todo.append(following)
    return seen


def _date(value: str | None) -> float | None:
    return None if value is None else parsedate_to_datetime(value).timestamp()


def check_snapshot(call: dict[str, Any]) -> None:
    """The time rules of contract-decisions.md for one observed state of a call."""
    created, updated = _date(call["date_created"]), _date(call["date_updated"])
    start, end = _date(call["start_time"]), _date(call["end_time"])
    assert updated >= created
    if call["status"] == "queued":
        assert start is None
    if start is not None:
        assert start >= created - 1
    if call["status"] in ("queued", "ringing", "in-progress"):
        assert end is None and call["price"] is None and call["audio_in_mos"] is None
    else:
        assert end is not None and isinstance(call["price"], float) and call["sip_result_code"] is not None
        if start is not None:
            assert end >= start
            assert call["duration"] <= end - start + 1
    if call["status"] in ("busy", "failed", "no-answer", "canceled"):
        assert call["duration"] == 0 and call["audio_in_mos"] is None


def observe(api: Api, sid: str) -> tuple[list[str], dict[str, Any]]:
    """Poll until the call ends; every snapshot is checked; returns the distinct statuses seen."""
    seen: list[str] = []
    end = time.monotonic() + 10
    while time.monotonic() < end:
        call = api.fetch(sid)
        check_snapshot(call)
        if not seen or seen[-1] != call["status"]:
            seen.append(call["status"])
        if call["status"] in ENDED:
            return seen, call
        time.sleep(0.01)
    pytest.fail(f"call {sid} did not end: {seen}")


def test_transition_table_is_the_contract_graph() -> None:
    assert _reachable("queued") == {
        "ringing",
        "in-progress",
        "completed",
        "canceled",
        "busy",
        "failed",
        "no-answer",
    }
    assert TRANSITIONS["in-progress"] == {"completed"}
    assert all(not TRANSITIONS[status] for status in ENDED)


@pytest.mark.parametrize(
    ("to", "final", "path"),
    [
        (ANSWER_NUMBER, "completed", ["queued", "ringing", "in-progress", "completed"]),
        ("+442079460958", "completed", ["queued", "ringing", "in-progress", "completed"]),
        (BUSY_NUMBER, "busy", ["queued", "ringing", "busy"]),
        (FAILED_NUMBER, "failed", ["queued", "ringing", "failed"]),
        (NO_ANSWER_NUMBER, "no-answer", ["queued", "ringing", "no-answer"]),
    ],
)
def test_outcome_by_to_number(
    endpoint: ReferenceEndpoint, api: Api, to: str, final: str, path: list[str]
) -> None:
    sid = api.create_call(To=to)["sid"]
    seen, call = observe(api, sid)
    assert call["status"] == final
    assert endpoint.state.store.get(api.account, sid).history == path
    # What polling saw is a walk in the graph's transitive closure.
    for before, after in itertools.pairwise(seen):
        assert after in _reachable(before)
    expected_code = {"completed": "200", "busy": "486", "failed": "500", "no-answer": "480"}[final]
    assert call["sip_result_code"] == expected_code
    if final == "completed":
        assert call["audio_in_mos"] is not None and 1.0 <= call["audio_in_mos"] <= 5.0
        assert call["audio_rtt_min"] <= call["audio_rtt_avg"] <= call["audio_rtt_max"]
        assert call["audio_out_jitter_min"] <= call["audio_out_jitter_avg"] <= call["audio_out_jitter_max"]
        assert call["audio_out_lost"] >= 0 and call["price"] > 0


def test_hold_number_stays_up_until_ended_through_the_api(api: Api) -> None:
    sid = api.create_call(To=HOLD_NUMBER)["sid"]
    api.wait_status(sid, "in-progress")
    time.sleep(0.5)  # longer than the fast talk time: the call must still be up
    assert api.fetch(sid)["status"] == "in-progress"
    assert api.update(sid, Status="completed").json()["status"] == "completed"


@pytest.mark.parametrize(
    ("to", "detection", "answered_by"),
    [
        (ANSWER_NUMBER, None, None),
        (ANSWER_NUMBER, "Enable", "human"),
        (MACHINE_NUMBER, "Enable", "machine_start"),
        (MACHINE_NUMBER, "DetectMessageEnd", "machine_end_beep"),
    ],
)
def test_answered_by_follows_machine_detection(
    api: Api, to: str, detection: str | None, answered_by: str | None
) -> None:
    sid = api.create_call(To=to, MachineDetection=detection)["sid"]
    assert api.wait_ended(sid)["answered_by"] == answered_by


def test_date_updated_bumps_on_every_change(api: Api) -> None:
    sid = api.create_call()["sid"]
    first = api.fetch(sid)["date_updated"]
    call = api.wait_ended(sid)
    assert _date(call["date_updated"]) >= _date(first)
    assert call["date_updated"] == call["end_time"]


# ---------------------------------------------------------------- update and delete semantics


@pytest.fixture(scope="module")
def slow() -> Iterator[ReferenceEndpoint]:
    """An endpoint slow enough that a test can act while a call is queued or ringing."""
    with ReferenceEndpoint(timings=Timings(queued_for=0.5, ring_for=0.5, talk_for=0.3)) as running:
        yield running


@pytest.fixture
def slow_api(slow: ReferenceEndpoint) -> Iterator[Api]:
    client = Api(slow)
    yield client
    client.http.close()


def _code(response: Any) -> int:
    return int(response.json()["code"])


def test_cancel_a_queued_call(slow_api: Api) -> None:
    call = slow_api.create_call()
    response = slow_api.update(call["sid"], Status="canceled")
    assert response.status_code == 200 and response.json()["status"] == "canceled"
    assert slow_api.fetch(call["sid"])["status"] == "canceled"
    check_snapshot(response.json())


def test_complete_a_queued_call_ends_it_as_canceled(slow_api: Api) -> None:
    sid = slow_api.create_call()["sid"]
    assert slow_api.update(sid, Status="completed").json()["status"] == "canceled"


@pytest.mark.parametrize("status", ["canceled", "completed"])
def test_end_a_ringing_call_as_canceled(slow_api: Api, status: str) -> None:
    sid = slow_api.create_call()["sid"]
    slow_api.wait_status(sid, "ringing")
    response = slow_api.update(sid, Status=status)
    assert response.status_code == 200 and response.json()["status"] == "canceled"
    assert response.json()["start_time"] is not None and response.json()["duration"] == 0


def test_cancel_an_in_progress_call_is_refused_and_the_call_goes_on(api: Api) -> None:
    sid = api.create_call(To=HOLD_NUMBER)["sid"]
    api.wait_status(sid, "in-progress")
    response = api.update(sid, Status="canceled", StatusCallback="http://127.0.0.1:9/new")
    assert response.status_code == 400 and _code(response) == 10000
    call = api.fetch(sid)
    assert call["status"] == "in-progress"
    assert api.endpoint.state.store.get(api.account, sid).params.status_callback is None  # unchanged
    completed = api.update(sid, Status="completed")
    assert completed.status_code == 200 and completed.json()["status"] == "completed"
    assert completed.json()["end_time"] is not None


def test_redirect_an_in_progress_call(api: Api) -> None:
    sid = api.create_call(To=HOLD_NUMBER)["sid"]
    api.wait_status(sid, "in-progress")
    response = api.update(sid, Url="http://127.0.0.1:9/next", Method="GET")
    assert response.status_code == 200 and response.json()["status"] == "in-progress"
    params = api.endpoint.state.store.get(api.account, sid).params
    assert (params.url, params.method) == ("http://127.0.0.1:9/next", "GET")
    api.update(sid, Status="completed")


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"Status": "completed"}, 10000),
        ({"Status": "canceled"}, 10000),
        ({"Url": "http://127.0.0.1:9/x"}, 21220),
        ({}, 21220),
    ],
)
def test_updating_an_ended_call_answers_400(api: Api, params: dict[str, str], code: int) -> None:
    sid = api.create_call(To=BUSY_NUMBER)["sid"]
    before = api.wait_ended(sid)
    response = api.update(sid, **params)
    assert response.status_code == 400 and _code(response) == code
    assert api.fetch(sid) == before


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"Status": "ringing"}, 10000),
        ({"Status": "bogus"}, 10000),
        ({"Status": ""}, 10000),
        ({"Url": "nope"}, 21205),
        ({"Method": "PUT"}, 21209),
        ({"StatusCallback": "x"}, 21402),
    ],
)
def test_invalid_updates_are_rejected_before_state_checks(
    slow_api: Api, params: dict[str, str], code: int
) -> None:
    sid = slow_api.create_call()["sid"]
    response = slow_api.update(sid, **params)
    assert response.status_code == 400 and _code(response) == code
    assert slow_api.fetch(sid)["status"] == "queued"
    slow_api.update(sid, Status="canceled")


def test_delete_semantics(slow_api: Api) -> None:
    sid = slow_api.create_call()["sid"]
    response = slow_api.http.delete(slow_api.calls_path(sid))
    assert response.status_code == 400 and _code(response) == 20009
    assert slow_api.fetch(sid)["status"] == "queued"
    slow_api.update(sid, Status="canceled")
    response = slow_api.http.delete(slow_api.calls_path(sid))
    assert response.status_code == 204 and response.content == b""
    assert slow_api.http.get(slow_api.calls_path(sid)).status_code == 404
    assert slow_api.http.delete(slow_api.calls_path(sid)).status_code == 404


# ---------------------------------------------------------------- the call's cXML document


def _connected(call: dict[str, Any]) -> float:
    return _date(call["end_time"]) - _date(call["start_time"])


def test_document_pause_keeps_the_call_up(endpoint: ReferenceEndpoint, api: Api, receiver: Receiver) -> None:
    receiver.documents["/doc/pause"] = (
        b'<?xml version="1.0"?><Response><Say>hi</Say><Pause length="1"/></Response>'
    )
    sid = api.create_call(Url=f"{receiver.url}/doc/pause")["sid"]
    call = api.wait_ended(sid)
    assert call["status"] == "completed" and call["duration"] >= 1
    fetched = receiver.wait_for(lambda r: r.path == "/doc/pause")[0]
    assert (
        fetched.method == "POST"
        and fetched.params["CallSid"] == sid
        and fetched.params["CallStatus"] == "in-progress"
    )
    assert signature_matches(
        endpoint.signing_key, fetched.url, fetched.form, fetched.headers["x-signalwire-signature"]
    )


def test_document_hangup_ends_the_call(api: Api, receiver: Receiver) -> None:
    receiver.documents["/doc/hangup"] = b'<Response><Hangup/><Pause length="30"/></Response>'
    sid = api.create_call(Url=f"{receiver.url}/doc/hangup", Method="GET")["sid"]
    call = api.wait_ended(sid)
    assert call["status"] == "completed" and call["duration"] == 0
    assert receiver.wait_for(lambda r: r.path == "/doc/hangup")[0].method == "GET"


def test_fallback_url_and_redirect_verb(api: Api, receiver: Receiver) -> None:
    receiver.documents["/doc/first"] = b"<Response><Redirect method='GET'>/doc/second</Redirect></Response>"
    receiver.documents["/doc/second"] = b"<Response><Hangup/></Response>"
    sid = api.create_call(Url=f"{receiver.url}/doc/missing", FallbackUrl=f"{receiver.url}/doc/first")["sid"]
    assert api.wait_ended(sid)["status"] == "completed"
    paths = [r.path for r in receiver.wait_for(lambda r: r.path.startswith("/doc/"), count=3)]
    assert paths == ["/doc/missing", "/doc/first", "/doc/second"]


def test_url_update_restarts_with_the_new_document(api: Api, receiver: Receiver) -> None:
    receiver.documents["/doc/long"] = b'<Response><Pause length="60"/></Response>'
    receiver.documents["/doc/bye"] = b"<Response><Hangup/></Response>"
    sid = api.create_call(Url=f"{receiver.url}/doc/long")["sid"]
    receiver.wait_for(lambda r: r.path == "/doc/long")
    api.wait_status(sid, "in-progress")
    assert api.update(sid, Url=f"{receiver.url}/doc/bye").status_code == 200
    call = api.wait_ended(sid)
    assert call["status"] == "completed" and _connected(call) < 30


def test_unreachable_url_falls_back_to_the_talk_time(api: Api) -> None:
    sid = api.create_call(Url="http://127.0.0.1:9/none")["sid"]
    assert api.wait_ended(sid)["status"] == "completed"
