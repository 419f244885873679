"""Helpers the fault probes share: calls in a given state, a list page, one call's callbacks."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from conformance.common.signature import signature_matches
from conformance.reference import BUSY_NUMBER, HOLD_NUMBER

from .conftest import ENDED, Api, Captured, Receiver

__all__ = [
    "callbacks_of",
    "created",
    "digits",
    "ended",
    "ended_answered",
    "filter_ignored",
    "final_status",
    "foreign_header_only",
    "in_progress",
    "listing",
    "oldest_first",
    "pages_overlap",
    "redirected",
    "repeated_events_refused",
    "seconds",
    "status_only",
    "two_numbers",
]


def seconds(value: str) -> float:
    """An RFC 2822 date as a POSIX timestamp."""
    return parsedate_to_datetime(value).timestamp()


def digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def created(api: Api, **params: Any) -> dict[str, Any]:
    return api.create_call(**params)


def ended(api: Api, **params: Any) -> dict[str, Any]:
    return api.wait_ended(api.create_call(**params)["sid"])


def ended_answered(api: Api) -> dict[str, Any]:
    sid = api.create_call()["sid"]
    return api.wait(sid, lambda call: call["status"] == "completed")


def in_progress(api: Api) -> dict[str, Any]:
    sid = api.create_call(To=HOLD_NUMBER)["sid"]
    call = api.wait(sid, lambda call: call["status"] in ("in-progress", "active"))
    api.update(sid, Status="completed")
    return call


def listing(api: Api, **params: Any) -> dict[str, Any]:
    return api.http.get(api.calls_path(), params=params).json()


def callbacks_of(api: Api, *, record: bool = False, **params: str) -> list[Captured]:
    """Every callback of one call (status ones in SequenceNumber order, then recording ones), once it ended.

    Waits for the call's end, then (up to 1 s) for its final status callback, which a fault may never send.
    """
    receiver = Receiver()
    try:
        if record:
            params.update(Record="true", RecordingStatusCallback=f"{receiver.url}/recording")
        sid = api.create_call(StatusCallback=f"{receiver.url}/status", **params)["sid"]
        api.wait_ended(sid)
        ends = time.monotonic() + 1.0
        mine: list[Captured] = []
        while time.monotonic() < ends:
            mine = receiver.matching(lambda r: r.params.get("CallSid") == sid)
            if any(r.path == "/status" and r.params.get("CallStatus") in ENDED for r in mine) and (
                not record or any(r.path == "/recording" for r in mine)
            ):
                break
            time.sleep(0.02)
        time.sleep(0.1)  # intermediate callbacks may trail
        mine = receiver.matching(lambda r: r.params.get("CallSid") == sid)
        status = sorted(
            (r for r in mine if r.path == "/status"), key=lambda r: int(r.params["SequenceNumber"])
        )
        return status + [r for r in mine if r.path == "/recording"]
    finally:
        receiver.close()


def status_only(found: list[Captured]) -> list[Captured]:
    return [r for r in found if r.path == "/status"]


def final_status(found: list[Captured]) -> Captured:
    return next(r for r in status_only(found) if r.params["CallStatus"] in ENDED)


def redirected(api: Api) -> list[str]:
    """The methods the new document was fetched with after a Url update (Method=GET) of an answered call."""
    receiver = Receiver()
    try:
        receiver.documents["/doc/long"] = b'<Response><Pause length="30"/></Response>'
        receiver.documents["/doc/next"] = b'<Response><Pause length="30"/></Response>'
        sid = api.create_call(Url=f"{receiver.url}/doc/long")["sid"]
        api.wait_status(sid, "in-progress")
        receiver.wait_for(lambda r: r.path == "/doc/long")
        api.update(sid, Url=f"{receiver.url}/doc/next", Method="GET")
        time.sleep(0.3)
        api.update(sid, Status="completed")
        return [r.method for r in receiver.matching(lambda r: r.path == "/doc/next")]
    finally:
        receiver.close()


def foreign_header_only(api: Api) -> bool:
    """Every callback's (right) signature travels in X-SignalWire-Signature alone."""
    found = callbacks_of(api)
    key = api.endpoint.signing_key
    return bool(found) and all(
        "x-twilio-signature" not in r.headers
        and signature_matches(key, r.url, r.form, r.headers["x-signalwire-signature"])
        for r in found
    )


def pages_overlap(api: Api) -> bool:
    created(api)
    created(api)
    first = listing(api, PageSize=1)
    second = api.http.get(first["next_page_uri"]).json()
    return second["calls"][0]["sid"] == first["calls"][0]["sid"]


def filter_ignored(key: str, value: str, setup: Callable[[Api], None]) -> Callable[[Api], bool]:
    def probe(api: Api) -> bool:
        setup(api)
        calls = listing(api, **{key: value, "PageSize": 1000})["calls"]
        return any(call[key.lower()] != value for call in calls)

    return probe


def two_numbers(api: Api) -> None:
    created(api, To=BUSY_NUMBER)
    created(api)
    created(api, From="+12025550198")


def oldest_first(api: Api) -> bool:
    first, second = created(api)["sid"], created(api)["sid"]
    sids = [call["sid"] for call in listing(api, PageSize=1000)["calls"]]
    return sids.index(first) < sids.index(second)


def repeated_events_refused(api: Api) -> bool:
    """A create with StatusCallbackEvent given twice answers 400."""
    data = [
        ("To", api.endpoint.to_number),
        ("From", api.endpoint.from_number),
        ("Url", "http://127.0.0.1:9/"),
        ("StatusCallbackEvent", "initiated"),
        ("StatusCallbackEvent", "completed"),
    ]
    return (
        api.http.post(
            api.calls_path(),
            content=str(httpx.QueryParams(data)),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ).status_code
        == 400
    )
