"""Probes of the rest of the seed's Update page and of callback URLs on a reference endpoint: which FallbackUrl
requests a failing Url leads to, where the final callback goes once an update moved the StatusCallback, and what
a status callback says against the Call. Shared by the reference's own tests and the fault probes."""

from __future__ import annotations

import time
from collections.abc import Callable

from conformance.reference import HOLD_NUMBER

from .conftest import ENDED, Api, Captured, Receiver
from .probing import callbacks_of, final_status, seconds

__all__ = ["FAILING", "UPDATE_PAGE_PROBES", "fallback_methods", "moved_finals"]

LONG = b'<Response><Pause length="30"/></Response>'
HANGUP = b"<Response><Hangup/></Response>"
# How a Url fails on the test receiver: no connection, a 404 answer, a 200 answer that is no document.
FAILING = {
    "no-connection": "http://127.0.0.1:9/cxml",
    "not-found": "/doc/missing",
    "not-a-document": "/empty",
}


def _absolute(receiver: Receiver, url: str) -> str:
    return url if url.startswith("http") else f"{receiver.url}{url}"


def fallback_methods(api: Api, failing: str = "not-found", *, update: bool = False) -> list[str]:
    """The methods the FallbackUrl (FallbackMethod=GET) was requested with, after the create's Url (or, `update`,
    a Url update's) failed as `failing` says (`ok`: a Url that works)."""
    receiver = Receiver()
    try:
        receiver.documents["/doc/long"] = LONG
        receiver.documents["/doc/fallback"] = HANGUP
        receiver.documents["/doc/ok"] = HANGUP
        fallback = {"FallbackUrl": f"{receiver.url}/doc/fallback", "FallbackMethod": "GET"}
        url = _absolute(receiver, FAILING.get(failing, "/doc/ok"))
        if update:
            sid = api.create_call(Url=f"{receiver.url}/doc/long")["sid"]
            api.wait_status(sid, "in-progress")
            receiver.wait_for(lambda r: r.path == "/doc/long")
            api.update(sid, Url=url, **fallback)
        else:
            sid = api.create_call(Url=url, **fallback)["sid"]
        api.wait_ended(sid)
        time.sleep(0.1)
        return [r.method for r in receiver.matching(lambda r: r.path == "/doc/fallback")]
    finally:
        receiver.close()


def moved_finals(api: Api) -> tuple[list[str], list[str]]:
    """After an update moved an answered call's StatusCallback (POST) to another URL with GET: the methods its
    final status callback reached the old URL with, and the new."""
    receiver = Receiver()
    try:
        sid = api.create_call(To=HOLD_NUMBER, StatusCallback=f"{receiver.url}/old")["sid"]
        api.wait_status(sid, "in-progress")
        api.update(sid, StatusCallback=f"{receiver.url}/new", StatusCallbackMethod="GET")
        api.update(sid, Status="completed")
        api.wait_ended(sid)
        time.sleep(0.2)

        def finals(path: str) -> list[str]:
            found = receiver.matching(lambda r: r.path == path and r.params.get("CallStatus") in ENDED)
            return [r.method for r in found]

        return finals("/old"), finals("/new")
    finally:
        receiver.close()


def _query_kept(api: Api) -> bool:
    receiver = Receiver()
    try:
        sid = api.create_call(StatusCallback=f"{receiver.url}/status?state=a%2Fb%20c&n=1")["sid"]
        api.wait_ended(sid)
        found: list[Captured] = receiver.wait_for(lambda r: r.path == "/status")
        return all("state=a%2Fb%20c&n=1" in r.url for r in found)
    finally:
        receiver.close()


def _duration_differs(api: Api) -> bool:
    final = final_status(callbacks_of(api))
    return int(final.params["CallDuration"]) == int(api.fetch(final.params["CallSid"])["duration"]) + 5


UPDATE_PAGE_PROBES: dict[str, Callable[[Api], bool]] = {
    "cb-query-dropped": lambda api: not _query_kept(api),
    "cb-to-differs": lambda api: final_status(callbacks_of(api)).params["To"] != api.endpoint.to_number,
    "cb-duration-differs": _duration_differs,
    "cb-timestamp-wrong-instant": lambda api: (
        seconds(final_status(callbacks_of(api)).params["Timestamp"]) < time.time() - 4 * 3600
    ),
    "fallback-create-ignored": lambda api: fallback_methods(api) == [],
    "fallback-update-ignored": lambda api: fallback_methods(api, update=True) == [],
    "fallback-wrong-method": lambda api: fallback_methods(api) == ["POST"],
    "fallback-not-on-bad-document": lambda api: (
        fallback_methods(api, "not-a-document") == [] and fallback_methods(api) == ["GET"]
    ),
    "cb-update-ignored": lambda api: moved_finals(api) == (["POST"], []),
    "cb-update-method-ignored": lambda api: moved_finals(api) == ([], ["POST"]),
    "cb-update-old-url-too": lambda api: (finals := moved_finals(api))[0] != [] and finals[1] == ["GET"],
}
