"""The fault switch: each fault's deviation is present when it is on and absent when it is off.

This is a sanity test of the registry and the mechanisms that carry each fault (hooks, Behaviour
fields, output rewrites); the conformance suite proves separately that its checks catch each fault.
Each fault is probed under the first profile it applies to, and those whose mechanism reads the
profile's shape (which fields a Call has, which JSON type its duration is) under twilio as well.
The registry's shape is tested in ``test_fault_registry.py``.
"""

from __future__ import annotations

import base64
import re
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from conformance.common.signature import signature_matches
from conformance.reference import BUSY_NUMBER, FAULTS, HOLD_NUMBER, RING_NUMBER, ReferenceEndpoint, Timings
from conformance.reference.serialize import CALL_FIELDS, TWILIO_CALL_FIELDS

from .conftest import ENDED, Api
from .probing import (
    callbacks_of,
    created,
    digits,
    ended,
    ended_answered,
    filter_ignored,
    final_status,
    foreign_header_only,
    in_progress,
    listing,
    oldest_first,
    pages_overlap,
    redirected,
    repeated_events_refused,
    seconds,
    two_numbers,
)
from .update_page import UPDATE_PAGE_PROBES

QUICK = Timings(queued_for=0.01, ring_for=0.02, talk_for=0.05)
ISO8601 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
ALL_EVENTS = "initiated ringing answered completed"
RACES = 5  # tries at catching a call queued or ringing (QUICK timings answer it within ~30 ms)
RFC2822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$"
)


def _twilio(api: Api) -> bool:
    return api.endpoint.profile.name == "twilio"


def _sid_other_form(api: Api) -> bool:
    sid = created(api)["sid"]
    fetched = api.http.get(api.calls_path(sid))
    form = (
        r"CA[0-9a-f]{32}" if _twilio(api) else r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    )
    return not re.fullmatch(form, sid) and fetched.status_code == 200


def _duration_wrong_type(api: Api) -> bool:
    duration = created(api)["duration"]
    return isinstance(duration, int) if _twilio(api) else isinstance(duration, str)


def _extra_field(api: Api) -> bool:
    return set(created(api)) - set(TWILIO_CALL_FIELDS if _twilio(api) else CALL_FIELDS) == {"url"}


def _as(api: Api, auth: Any, account: str | None = None) -> httpx.Response:
    return httpx.get(api.endpoint.origin + api.calls_path(account=account), auth=auth, trust_env=False)


def _bogus_status(api: Api) -> bool:
    sid = api.create_call(To=HOLD_NUMBER)["sid"]
    api.wait(sid, lambda call: call["status"] == "in-progress")
    response = api.update(sid, Status="bogus")
    unchanged = api.fetch(sid)["status"] == "in-progress"
    api.update(sid, Status="completed")
    return response.status_code == 200 and unchanged


def _ended_later(api: Api) -> bool:
    """An answered call fetched at its end and again a second later: end_time and duration grew."""
    at_end = ended_answered(api)
    time.sleep(1.0)
    later = api.fetch(at_end["sid"])
    return (
        seconds(later["end_time"]) == seconds(at_end["end_time"]) + 2
        and int(later["duration"]) == int(at_end["duration"]) + 2
    )


def _illegal_path(api: Api) -> bool:
    call = created(api, To=BUSY_NUMBER)
    return call["status"] == "in-progress" and api.wait_ended(call["sid"])["status"] == "busy"


def _never_ends(api: Api) -> bool:
    sid = created(api)["sid"]
    time.sleep(0.5)  # QUICK timings: answered after ~30 ms, completed after ~80 ms
    ringing = api.fetch(sid)["status"] == "ringing"
    api.update(sid, Status="completed")
    return ringing and api.wait_ended(sid)["status"] == "canceled"


def _header(api: Api, value: str) -> httpx.Response:
    """A list with this Authorization header, verbatim."""
    url = api.endpoint.origin + api.calls_path()
    return httpx.get(url, headers={"Authorization": value}, trust_env=False)


def _basic(user: str, password: str | None = None) -> str:
    text = user if password is None else f"{user}:{password}"
    return "Basic " + base64.b64encode(text.encode()).decode()


def _list_answers(api: Api, **params: str) -> int:
    return api.http.get(api.calls_path(), params=params).status_code


def _filter_kept_past_page_one(api: Api) -> bool:
    """Two calls to the hold number around one to another: a walk filtered by To, a call a page, keeps the filter
    on page 2 (False: it lost it there)."""
    for to in (HOLD_NUMBER, BUSY_NUMBER, HOLD_NUMBER):
        created(api, To=to)
    first = listing(api, To=HOLD_NUMBER, PageSize=1)
    second = api.http.get(api.endpoint.origin + first["next_page_uri"]).json()
    return all(call["to"] == HOLD_NUMBER for call in first["calls"] + second["calls"])


def _held(api: Api) -> str:
    """The sid of a call to the hold number, in progress (it stays up until ended through the API)."""
    sid = api.create_call(To=HOLD_NUMBER)["sid"]
    api.wait_status(sid, "in-progress")
    return sid


def _ignored_while_unanswered(status: str) -> Callable[[Api], bool]:
    """Status=`status` right after the create answers 200 without ending the call, which is then answered."""

    def attempt(api: Api) -> bool:
        sid = api.create_call(To=HOLD_NUMBER)["sid"]
        response = api.update(sid, Status=status)
        shown = response.json().get("status") if response.status_code == 200 else None
        later = api.wait_status(sid, "in-progress", *ENDED)["status"]
        api.update(sid, Status="completed")
        return shown in ("queued", "ringing") and later == "in-progress"

    return lambda api: any(attempt(api) for _ in range(RACES))


def _updated_while_ringing(status: str) -> Callable[[Api], str]:
    """What a call to the ringing number is, a moment after Status=`status` reached it while it rang."""

    def probe(api: Api) -> str:
        sid = api.create_call(To=RING_NUMBER, Timeout="5")["sid"]
        api.wait_status(sid, "ringing")
        api.update(sid, Status=status)
        time.sleep(0.3)
        shown = api.fetch(sid)["status"]
        if shown == "ringing":
            api.update(sid, Status="canceled")
        return shown

    return probe


def _cancel_ends_in_progress(api: Api) -> bool:
    response = api.update(_held(api), Status="canceled")
    return response.status_code == 200 and response.json()["status"] == "completed"


def _complete_ignored(api: Api) -> bool:
    sid = _held(api)
    response = api.update(sid, Status="completed")
    time.sleep(0.2)
    return response.status_code == 200 and api.fetch(sid)["status"] == "in-progress"


def _ended_update_accepted(api: Api) -> bool:
    sid = ended_answered(api)["sid"]
    return (
        api.update(sid, Status="completed").status_code == 200
        and api.update(sid, Url="http://127.0.0.1:9/other").status_code == 200
        and api.fetch(sid)["status"] == "completed"
    )


def _redirect_ends(api: Api) -> bool:
    response = api.update(_held(api), Url="http://127.0.0.1:9/other")
    return response.status_code == 200 and response.json()["status"] == "completed"


def _deleted(api: Api, sid: str) -> tuple[int, int]:
    """The delete's status code, then a fetch's."""
    deleted = api.http.delete(api.calls_path(sid)).status_code
    return deleted, api.http.get(api.calls_path(sid)).status_code


def _badly_signed(api: Api) -> bool:
    found = callbacks_of(api, record=True)
    key = api.endpoint.signing_key
    return bool(found) and not any(
        signature_matches(key, r.url, r.form, r.headers["x-twilio-signature"]) for r in found
    )


PROBES: dict[str, Callable[[Api], bool]] = {
    **UPDATE_PAGE_PROBES,
    "call-alias-to": lambda api: (c := created(api))["to_formatted"] != c["formatted_to"],
    "call-alias-from": lambda api: (c := created(api))["from_formatted"] != c["formatted_from"],
    "call-formatted-to-wrong-number": lambda api: (
        not digits((c := created(api))["to"]).endswith(digits(c["to_formatted"]))
    ),
    "call-formatted-from-wrong-number": lambda api: (
        not digits((c := created(api))["from"]).endswith(digits(c["from_formatted"]))
    ),
    "call-missing-field": lambda api: "api_version" not in created(api),
    "call-duration-wrong-type": _duration_wrong_type,
    "call-extra-field": _extra_field,
    "call-status-unknown": lambda api: in_progress(api)["status"] == "active",
    "call-direction-unknown": lambda api: created(api)["direction"] == "outgoing",
    "call-answered-by-unknown": lambda api: created(api)["answered_by"] == "person",
    "call-forwarded-from-set": lambda api: created(api)["forwarded_from"] is not None,
    "call-subresource-no-recordings": lambda api: created(api)["subresource_uris"] == {"notifications": None},
    "call-date-not-gmt": lambda api: (
        (c := created(api))["date_created"].endswith("-0500")
        and abs(seconds(c["date_created"]) - time.time()) < 60
    ),
    "call-date-bad-names": lambda api: not RFC2822.match(created(api)["date_created"]),
    "call-price-unit-lower": lambda api: created(api)["price_unit"] == "usd",
    "call-sid-other-form": _sid_other_form,
    "call-account-mismatch": lambda api: created(api)["account_sid"] != api.account,
    "call-uri-wrong": lambda api: not created(api)["uri"].endswith(".json"),
    "call-media-min-above-max": lambda api: (c := ended_answered(api))["audio_rtt_min"] > c["audio_rtt_max"],
    "call-media-lost-negative": lambda api: created(api)["audio_out_lost"] == -1,
    "call-mos-out-of-range": lambda api: created(api)["audio_in_mos"] == 6.2,
    "time-updated-before-created": lambda api: (
        seconds((c := created(api))["date_updated"]) < seconds(c["date_created"])
    ),
    "time-start-before-created": lambda api: (
        seconds((c := ended_answered(api))["start_time"]) < seconds(c["date_created"]) - 1
    ),
    "time-start-while-queued": lambda api: (
        (c := created(api))["status"] == "queued" and c["start_time"] is not None
    ),
    "time-end-while-active": lambda api: in_progress(api)["end_time"] is not None,
    "time-end-missing": lambda api: ended_answered(api)["end_time"] is None,
    "time-end-before-start": lambda api: (
        seconds((c := ended_answered(api))["end_time"]) < seconds(c["start_time"])
    ),
    "time-duration-unanswered": lambda api: int(ended(api, To=BUSY_NUMBER)["duration"]) != 0,
    "time-duration-too-long": lambda api: (
        int((c := ended_answered(api))["duration"]) > seconds(c["end_time"]) - seconds(c["start_time"]) + 1
    ),
    "create-rejects": lambda api: (r := api.create()).status_code == 400 and "10000" in r.text,
    "create-201": lambda api: api.create().status_code == 201,
    "create-200": lambda api: api.create().status_code == 200,
    "create-rejects-repeated-events": repeated_events_refused,
    "json-suffix-missing": lambda api: (
        api.http.get(api.calls_path(json=True)).status_code == 404
        and api.http.get(api.calls_path(json=False)).status_code == 200
    ),
    "error-plain-text": lambda api: (
        (r := api.http.get(api.calls_path(str(uuid.uuid4()))))
        .headers["content-type"]
        .startswith("text/plain")
        and r.text == "Not Found"
    ),
    "error-status-mismatch": lambda api: (
        (r := _as(api, None)).status_code == 401 and r.json()["status"] == 400
    ),
    "auth-missing-accepted": lambda api: _as(api, None).status_code == 200,
    "auth-empty-password-accepted": lambda api: _as(api, (api.account, "")).status_code == 200,
    "auth-token-prefix-accepted": lambda api: (
        _as(api, (api.account, api.endpoint.auth_token[:-1])).status_code == 200
    ),
    "auth-token-suffix-accepted": lambda api: (
        _as(api, (api.account, api.endpoint.auth_token + "0")).status_code == 200
    ),
    "auth-token-case-ignored": lambda api: (
        _as(api, (api.account, api.endpoint.auth_token.swapcase())).status_code == 200
    ),
    "auth-no-separator-accepted": lambda api: _header(api, _basic(api.account)).status_code == 200,
    "auth-empty-header-served": lambda api: _header(api, "").status_code == 200,
    "auth-bearer-accepted": lambda api: _header(api, f"Bearer {api.endpoint.auth_token}").status_code == 200,
    "auth-malformed-400": lambda api: _header(api, "Bearer x").status_code == 400,
    "error-no-more-info": lambda api: "more_info" not in _as(api, None).json(),
    "error-no-status-key": lambda api: "status" not in _as(api, None).json(),
    "create-timeout-decimal-accepted": lambda api: api.create(Timeout="12.5").status_code == 200,
    "create-url-any-scheme-accepted": lambda api: api.create(Url="ftp://127.0.0.1/laml").status_code == 200,
    "create-from-unchecked": lambda api: api.create(From="not a number!").status_code == 200,
    "list-next-page-drops-filter": lambda api: not _filter_kept_past_page_one(api),
    "list-page-size-out-of-range-crashes": lambda api: _list_answers(api, PageSize="0") == 500,
    "list-page-size-out-of-range-accepted": lambda api: _list_answers(api, PageSize="0") == 200,
    "list-page-size-maximum-refused": lambda api: _list_answers(api, PageSize="1000") == 400,
    "list-negative-page-crashes": lambda api: _list_answers(api, Page="-1") == 500,
    "list-foreign-token-crashes": lambda api: (
        _list_answers(api, Page="1", PageSize="2", PageToken="PAnever-issued") == 500
    ),
    "list-foreign-token-ignored": lambda api: (
        _list_answers(api, Page="1", PageSize="2", PageToken="PAnever-issued") == 200
    ),
    "list-page-without-token-accepted": lambda api: _list_answers(api, Page="1", PageSize="2") == 200,
    "auth-wrong-accepted": lambda api: _as(api, (api.account, "wrong")).status_code == 200,
    "account-path-ignored": lambda api: (
        _as(api, (api.account, api.endpoint.auth_token), api.endpoint.other_account.sid).status_code == 200
    ),
    "unknown-sid-400": lambda api: api.http.get(api.calls_path(str(uuid.uuid4()))).status_code == 400,
    "invalid-params-accepted": lambda api: (
        api.create(Method="PUT", Timeout="0", SendDigits="xyz").status_code == 200
    ),
    "invalid-params-extended-accepted": lambda api: (
        api.create(RecordingChannels="quad", Timeout="601", MachineDetectionTimeout="121").status_code == 200
        and api.create(Method="PUT").status_code == 400
        and api.create(Timeout="soon").status_code == 400
    ),
    "server-error-on-bad-input": lambda api: (
        api.create(Timeout="abc").status_code == 500
        and api.http.get(api.calls_path(), params={"PageSize": "x"}).status_code == 500
    ),
    "update-bogus-status-accepted": _bogus_status,
    "life-ended-changes": _ended_later,
    "life-illegal-path": _illegal_path,
    "life-never-ends": _never_ends,
    "update-cancel-queued-ignored": _ignored_while_unanswered("canceled"),
    "update-cancel-ends-in-progress": _cancel_ends_in_progress,
    "update-cancel-ringing-completes": lambda api: _updated_while_ringing("canceled")(api) == "completed",
    "update-complete-ringing-ignored": lambda api: _updated_while_ringing("completed")(api) == "ringing",
    "update-complete-ignored": _complete_ignored,
    "update-complete-queued-ignored": _ignored_while_unanswered("completed"),
    "update-ended-accepted": _ended_update_accepted,
    "update-redirect-ends-call": _redirect_ends,
    "update-redirect-not-fetched": lambda api: redirected(api) == [],
    "update-redirect-wrong-method": lambda api: redirected(api) == ["POST"],
    "delete-unfinished-accepted": lambda api: _deleted(api, _held(api)) == (204, 404),
    "delete-ended-keeps": lambda api: _deleted(api, ended_answered(api)["sid"]) == (204, 200),
    "cb-bad-signature": _badly_signed,
    "cb-signature-foreign-header": foreign_header_only,
    "cb-sequence-gap": lambda api: (
        [int(r.params["SequenceNumber"]) for r in callbacks_of(api, StatusCallbackEvent=ALL_EVENTS)]
        == [0, 2, 3, 4]
    ),
    "cb-no-duration": lambda api: "CallDuration" not in final_status(callbacks_of(api)).params,
    "cb-get-as-post": lambda api: (
        {r.method for r in callbacks_of(api, StatusCallbackMethod="GET")} == {"POST"}
    ),
    "cb-unrequested-events": lambda api: (
        [r.params["CallStatus"] for r in callbacks_of(api)]
        == ["initiated", "ringing", "in-progress", "completed"]
    ),
    "cb-no-final": lambda api: (
        [r.params["CallStatus"] for r in callbacks_of(api, StatusCallbackEvent=ALL_EVENTS)]
        == ["initiated", "ringing", "in-progress"]
    ),
    "cb-timestamp-iso": lambda api: bool(ISO8601.match(final_status(callbacks_of(api)).params["Timestamp"])),
    "cb-timestamp-not-gmt": lambda api: (
        final_status(callbacks_of(api)).params["Timestamp"].endswith(" -0500")
    ),
    "cb-status-path": lambda api: (
        final_status(callbacks_of(api, To=BUSY_NUMBER)).params["CallStatus"] == "completed"
    ),
    "cb-no-media-final": lambda api: "AudioInMos" not in final_status(callbacks_of(api)).params,
    "cb-no-media-early": lambda api: (
        [("AudioInMos" in r.params) for r in callbacks_of(api, StatusCallbackEvent=ALL_EVENTS)]
        == [False, False, False, True]
    ),
    "cb-recording-missing-field": lambda api: (
        bool(recordings := [r for r in callbacks_of(api, record=True) if r.path == "/recording"])
        and not any("RecordingChannels" in r.params for r in recordings)
    ),
    "cb-bad-params": lambda api: not any("CallbackSource" in r.params for r in callbacks_of(api)),
    "list-page-size-ignored": lambda api: (
        (created(api), created(api))
        and len((page := listing(api, PageSize=1))["calls"]) > 1
        and page["page_size"] == 1
    ),
    "list-pages-overlap": pages_overlap,
    "list-next-on-last-page": lambda api: listing(api, PageSize=1000)["next_page_uri"] is not None,
    "list-envelope-missing-key": lambda api: "first_page_uri" not in listing(api),
    "list-no-positions": lambda api: not {"start", "end"} & set(listing(api)),
    "list-filter-to-ignored": filter_ignored("To", BUSY_NUMBER, two_numbers),
    "list-filter-from-ignored": filter_ignored("From", "+12025550198", two_numbers),
    "list-filter-status-ignored": filter_ignored(
        "Status", "busy", lambda api: (in_progress(api), ended(api, To=BUSY_NUMBER))
    ),
    "list-oldest-first": oldest_first,
    "content-type-html": lambda api: (
        api.http.get(api.calls_path()).headers["content-type"].startswith("text/html")
    ),
    "undocumented-status": lambda api: api.http.get(api.calls_path(created(api)["sid"])).status_code == 203,
}


# Faults that apply to both profiles and whose mechanism reads the profile's shape: probed under twilio too.
SHAPE_READING = (
    "call-account-mismatch",
    "call-duration-wrong-type",
    "call-extra-field",
    "call-formatted-to-wrong-number",
    "call-sid-other-form",
    "call-subresource-no-recordings",
    "cb-bad-signature",
    "create-rejects",
    "life-ended-changes",
    "time-duration-too-long",
    "time-duration-unanswered",
    "update-redirect-wrong-method",
)
CASES = sorted(
    [(name, fault.profiles[0]) for name, fault in FAULTS.items()]
    + [(name, "twilio") for name in SHAPE_READING if FAULTS[name].profiles[0] != "twilio"]
)


@pytest.fixture(scope="module")
def baselines() -> Iterator[dict[str, ReferenceEndpoint]]:
    """A correct endpoint of each profile with quick timings: no probe may see a deviation there."""
    with (
        ReferenceEndpoint(timings=QUICK) as signalwire,
        ReferenceEndpoint(timings=QUICK, profile="twilio") as twilio,
    ):
        yield {"signalwire": signalwire, "twilio": twilio}


def test_every_fault_has_a_probe() -> None:
    assert set(PROBES) == set(FAULTS)
    assert set(SHAPE_READING) <= {name for name, fault in FAULTS.items() if "twilio" in fault.profiles}


@pytest.mark.parametrize(("name", "profile"), CASES)
def test_fault_is_present_only_when_on(
    name: str, profile: str, baselines: dict[str, ReferenceEndpoint]
) -> None:
    probe = PROBES[name]
    with ReferenceEndpoint(faults=[name], timings=QUICK, profile=profile) as faulty:
        api = Api(faulty)
        assert probe(api), f"{name} switched on, but its deviation was not observed"
        api.http.close()
    api = Api(baselines[profile])
    assert not probe(api), f"{name} switched off, yet its deviation was observed"
    api.http.close()


def test_a_fault_of_another_profile_is_refused() -> None:
    with pytest.raises(ValueError, match="do not apply to the twilio profile"):
        ReferenceEndpoint(faults=["call-alias-to"], profile="twilio")
    with pytest.raises(ValueError, match="do not apply to the signalwire profile"):
        ReferenceEndpoint(faults=["create-200"])
