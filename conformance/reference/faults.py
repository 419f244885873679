"""Named faults: deliberate, targeted deviations from the contract that can be switched on.

Each fault names the catalog requirements (``spec/requirements.yaml`` ids) it breaks, so the project
can prove that each check fails against an endpoint that breaks its requirement. A fault changes one
thing and leaves the rest correct.

Most faults are transformations applied in one place: ``on_call`` rewrites a serialised Call,
``on_error`` an error body, ``on_envelope`` a list envelope, ``on_callback`` the parameters of a
status or recording callback. Faults without a hook are behavioural; the module that owns the
behaviour (handlers, lifecycle) asks ``name in faults`` (grep for the fault's name).

To add a fault, append a ``Fault`` to ``_REGISTRY`` (with a hook, or a check in the owning module)
and a row to the sanity table in ``tests/reference/test_faults.py``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from types import MappingProxyType
from typing import Any

from .calls_db import ENDED, Call
from .dates import rfc2822, utcnow
from .numbers import format_address, shift_last_digit

__all__ = ["FAULTS", "Fault", "FaultSet", "validate_faults"]

Doc = dict[str, Any]
Pairs = list[tuple[str, str]]
CallHook = Callable[[Doc, Call], None]
DocHook = Callable[[Doc], None]
CallbackHook = Callable[[str, Pairs], None]  # (kind: "status" or "recording", parameters), in place

_DATE_FIELDS = ("date_created", "date_updated", "start_time", "end_time")
_ACTIVE = ("ringing", "in-progress")
# A fixed stranger, so the mismatch is stable across answers.
_OTHER_ACCOUNT = str(uuid.UUID("00000000-0000-4000-8000-00000000beef"))


@dataclass(frozen=True)
class Fault:
    """One deviation: its name, the requirement ids it breaks, what it does, and its hook if any."""

    name: str
    breaks: tuple[str, ...]
    description: str
    on_call: CallHook | None = None
    on_error: DocHook | None = None
    on_envelope: DocHook | None = None
    on_callback: CallbackHook | None = None


# ---------------------------------------------------------------- hooks on the serialised Call


def _different(formatted: str, raw: str) -> str:
    """A rendering of the same address that differs from ``formatted``."""
    if raw != formatted:
        return raw
    return formatted.upper() if formatted.upper() != formatted else formatted + " "


def _alias_to(doc: Doc, call: Call) -> None:
    doc["to_formatted"] = _different(doc["formatted_to"], call.to)


def _alias_from(doc: Doc, call: Call) -> None:
    doc["from_formatted"] = _different(doc["formatted_from"], call.from_)


def _wrong_to(doc: Doc, call: Call) -> None:
    doc["formatted_to"] = doc["to_formatted"] = format_address(shift_last_digit(call.to))


def _wrong_from(doc: Doc, call: Call) -> None:
    doc["formatted_from"] = doc["from_formatted"] = format_address(shift_last_digit(call.from_))


def _set(key: str, value: Any) -> CallHook:
    def hook(doc: Doc, call: Call) -> None:
        doc[key] = value

    return hook


def _missing_field(doc: Doc, call: Call) -> None:
    doc.pop("sip_result_code", None)


def _duration_string(doc: Doc, call: Call) -> None:
    doc["duration"] = str(doc["duration"])


def _extra_field(doc: Doc, call: Call) -> None:
    doc["url"] = call.params.url


def _status_unknown(doc: Doc, call: Call) -> None:
    if call.status == "in-progress":
        doc["status"] = "active"


def _forwarded_from(doc: Doc, call: Call) -> None:
    doc["forwarded_from"] = call.from_


def _no_recordings(doc: Doc, call: Call) -> None:
    doc["subresource_uris"] = {"notifications": None}


def _rerender_dates(render: Callable[[str], str]) -> CallHook:
    def hook(doc: Doc, call: Call) -> None:
        for key in _DATE_FIELDS:
            if isinstance(doc.get(key), str):
                doc[key] = render(doc[key])

    return hook


def _to_minus_five(text: str) -> str:
    return rfc2822(parsedate_to_datetime(text), offset=dt.timedelta(hours=-5))


_LEGACY_DAYS = {
    "Sun": "Sund",
    "Mon": "Mond",
    "Tue": "Tues",
    "Wed": "Weds",
    "Thu": "Thur",
    "Fri": "Frid",
    "Sat": "Satu",
}
_LEGACY_MONTHS = {
    "Jan": "Janu", "Feb": "Febr", "Mar": "Marc", "Apr": "Apri", "Jun": "June", "Jul": "July",
    "Aug": "Augu", "Sep": "Sept", "Oct": "Octo", "Nov": "Nove", "Dec": "Dece",
}  # fmt: skip


def _legacy_names(text: str) -> str:
    day, rest = text.split(", ", 1)
    parts = rest.split(" ")
    parts[1] = _LEGACY_MONTHS.get(parts[1], parts[1])
    return f"{_LEGACY_DAYS.get(day, day)}, {' '.join(parts)}"


def _uri_wrong(doc: Doc, call: Call) -> None:
    doc["uri"] = doc["uri"].removesuffix(".json")


def _media_min_above_max(doc: Doc, call: Call) -> None:
    if call.media is not None:
        doc["audio_rtt_min"] = call.media.rtt_max + 10


def _shift(key: str, base: str, delta: dt.timedelta, *, when: Callable[[Call], bool]) -> CallHook:
    def hook(doc: Doc, call: Call) -> None:
        moment = getattr(call, base)
        if moment is not None and when(call):
            doc[key] = rfc2822(moment + delta)

    return hook


def _always(call: Call) -> bool:
    return True


def _start_while_queued(doc: Doc, call: Call) -> None:
    if call.status == "queued":
        doc["start_time"] = rfc2822(call.date_created)


def _end_while_active(doc: Doc, call: Call) -> None:
    if call.status in _ACTIVE:
        doc["end_time"] = rfc2822(call.date_updated)


def _duration_unanswered(doc: Doc, call: Call) -> None:
    if call.ended and call.answered_at is None:
        doc["duration"] = 7


def _duration_too_long(doc: Doc, call: Call) -> None:
    if call.answered_at is not None:
        doc["duration"] = call.duration + 60


# Ended calls change this long after their end (life-ended-changes), by this much.
_LATE_CHANGE_AFTER = dt.timedelta(seconds=0.5)
_LATE_CHANGE = dt.timedelta(seconds=2)


def _ended_changes(doc: Doc, call: Call) -> None:
    """A while after the end, end_time (and duration, if answered) grow: duration stays <= end - start."""
    if call.end_time is None or utcnow() - call.end_time < _LATE_CHANGE_AFTER:
        return
    doc["end_time"] = rfc2822(call.end_time + _LATE_CHANGE)
    if call.answered_at is not None:
        doc["duration"] = call.duration + int(_LATE_CHANGE.total_seconds())


# ---------------------------------------------------------------- hooks on callback parameters


def _final(pairs: Pairs) -> bool:
    return any(name == "CallStatus" and value in ENDED for name, value in pairs)


def _drop(kind: str, names: Callable[[str], bool], *, when: Callable[[Pairs], bool]) -> CallbackHook:
    """Remove the parameters whose name ``names`` accepts from ``kind`` callbacks that satisfy ``when``."""

    def hook(callback_kind: str, pairs: Pairs) -> None:
        if callback_kind == kind and when(pairs):
            pairs[:] = [(name, value) for name, value in pairs if not names(name)]

    return hook


def _audio(name: str) -> bool:
    return name.startswith("Audio")


def _every(pairs: Pairs) -> bool:
    return True


def _not_final(pairs: Pairs) -> bool:
    return not _final(pairs)


def _rewrite(kind: str, key: str, change: Callable[[str, Pairs], str]) -> CallbackHook:
    def hook(callback_kind: str, pairs: Pairs) -> None:
        if callback_kind == kind:
            pairs[:] = [(name, change(value, pairs) if name == key else value) for name, value in pairs]

    return hook


def _skip_one(value: str, pairs: Pairs) -> str:
    number = int(value)
    return str(number + 1 if number >= 1 else number)


def _iso_timestamp(value: str, pairs: Pairs) -> str:
    return parsedate_to_datetime(value).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _final_completed(value: str, pairs: Pairs) -> str:
    return "completed" if value in ENDED else value


# ---------------------------------------------------------------- hooks on error bodies and envelopes


def _error_status_400(body: Doc) -> None:
    if "status" in body:
        body["status"] = 400


def _no_first_page_uri(envelope: Doc) -> None:
    envelope.pop("first_page_uri", None)


_REGISTRY: tuple[Fault, ...] = (
    # The Call object
    Fault(
        "call-alias-to",
        ("CALL-ALIAS-TO",),
        "to_formatted differs from formatted_to (E.164 vs national).",
        on_call=_alias_to,
    ),
    Fault(
        "call-alias-from",
        ("CALL-ALIAS-FROM",),
        "from_formatted differs from formatted_from.",
        on_call=_alias_from,
    ),
    Fault(
        "call-formatted-to-wrong-number",
        ("CALL-FORMATTED-TO-NUMBER",),
        "formatted_to and to_formatted (equal) show another number: the last digit changed.",
        on_call=_wrong_to,
    ),
    Fault(
        "call-formatted-from-wrong-number",
        ("CALL-FORMATTED-FROM-NUMBER",),
        "formatted_from and from_formatted (equal) show another number: the last digit changed.",
        on_call=_wrong_from,
    ),
    Fault(
        "call-missing-field",
        ("CALL-FIELDS", "SCHEMA-RESPONSE"),
        "The sip_result_code key is absent.",
        on_call=_missing_field,
    ),
    Fault(
        "call-duration-string",
        ("CALL-TYPES", "SCHEMA-RESPONSE"),
        "duration is serialised as a string.",
        on_call=_duration_string,
    ),
    Fault(
        "call-extra-field",
        ("CALL-EXTRA-FIELDS",),
        "An extra key `url` (the call's Url).",
        on_call=_extra_field,
    ),
    Fault(
        "call-status-unknown",
        ("CALL-STATUS-ENUM", "SCHEMA-RESPONSE"),
        'status is "active" while in progress.',
        on_call=_status_unknown,
    ),
    Fault(
        "call-direction-unknown",
        ("CALL-DIRECTION-ENUM", "SCHEMA-RESPONSE"),
        'direction is "outgoing".',
        on_call=_set("direction", "outgoing"),
    ),
    Fault(
        "call-answered-by-unknown",
        ("CALL-ANSWERED-BY-ENUM", "SCHEMA-RESPONSE"),
        'answered_by is "person", always.',
        on_call=_set("answered_by", "person"),
    ),
    Fault(
        "call-forwarded-from-set",
        ("CALL-ALWAYS-NULL",),
        "forwarded_from is the From number.",
        on_call=_forwarded_from,
    ),
    Fault(
        "call-subresource-no-recordings",
        ("CALL-SUBRESOURCE-URIS", "SCHEMA-RESPONSE"),
        "subresource_uris lacks `recordings`.",
        on_call=_no_recordings,
    ),
    Fault(
        "call-date-not-gmt",
        ("CALL-DATE-FORMAT",),
        "Dates carry a -0500 offset (same instant).",
        on_call=_rerender_dates(_to_minus_five),
    ),
    Fault(
        "call-date-bad-names",
        ("CALL-DATE-FORMAT",),
        "Dates use legacy 4-letter day and month names (Thur, Sept, ...), not RFC 2822's.",
        on_call=_rerender_dates(_legacy_names),
    ),
    Fault(
        "call-price-unit-lower",
        ("CALL-PRICE-UNIT",),
        'price_unit is "usd".',
        on_call=_set("price_unit", "usd"),
    ),
    Fault(
        "call-sid-not-uuid",
        ("CALL-SID-FORMAT",),
        "Call sids are CA + 32 hex (consistently: fetching by that sid works).",
    ),  # behaviour: handlers.create asks the store for a Twilio-style sid
    Fault(
        "call-account-mismatch",
        ("CALL-ACCOUNT-SID",),
        "account_sid is another UUID.",
        on_call=_set("account_sid", _OTHER_ACCOUNT),
    ),
    Fault("call-uri-wrong", ("CALL-URI",), "uri lacks the .json suffix.", on_call=_uri_wrong),
    Fault(
        "call-media-min-above-max",
        ("CALL-MEDIA-ORDER",),
        "audio_rtt_min > audio_rtt_max on ended answered calls.",
        on_call=_media_min_above_max,
    ),
    Fault(
        "call-media-lost-negative",
        ("CALL-MEDIA-LOST",),
        "audio_out_lost is -1.",
        on_call=_set("audio_out_lost", -1),
    ),
    Fault(
        "call-mos-out-of-range",
        ("CALL-MOS-RANGE",),
        "audio_in_mos is 6.2.",
        on_call=_set("audio_in_mos", 6.2),
    ),
    # Time fields across the lifecycle
    Fault(
        "time-updated-before-created",
        ("TIME-UPDATED-AFTER-CREATED",),
        "date_updated is 1 hour before date_created.",
        on_call=_shift("date_updated", "date_created", dt.timedelta(hours=-1), when=_always),
    ),
    Fault(
        "time-start-before-created",
        ("TIME-START-AFTER-CREATED",),
        "start_time (once set) is 10 s before date_created.",
        on_call=_shift(
            "start_time",
            "date_created",
            dt.timedelta(seconds=-10),
            when=lambda call: call.start_time is not None,
        ),
    ),
    Fault(
        "time-start-while-queued",
        ("TIME-START-NULL-WHILE-QUEUED",),
        "start_time is set at create.",
        on_call=_start_while_queued,
    ),
    Fault(
        "time-end-while-active",
        ("TIME-END-NULL-WHILE-ACTIVE",),
        "end_time is set while ringing or in progress.",
        on_call=_end_while_active,
    ),
    Fault(
        "time-end-missing",
        ("TIME-END-SET-WHEN-ENDED",),
        "end_time stays null after the call ended.",
        on_call=_set("end_time", None),
    ),
    Fault(
        "time-end-before-start",
        ("TIME-END-AFTER-START",),
        "end_time is 30 s before start_time.",
        on_call=_shift("end_time", "start_time", dt.timedelta(seconds=-30), when=lambda call: call.ended),
    ),
    Fault(
        "time-duration-unanswered",
        ("TIME-DURATION-UNANSWERED-ZERO",),
        "busy, failed, no-answer and canceled calls report duration 7.",
        on_call=_duration_unanswered,
    ),
    Fault(
        "time-duration-too-long",
        ("TIME-DURATION-BOUNDED",),
        "duration is the real one + 60 s.",
        on_call=_duration_too_long,
    ),
    # The lifecycle
    Fault(
        "life-ended-changes",
        ("LIFE-ENDED-FINAL",),
        "0.5 s after a call ends, its end_time grows by 2 s, and its duration too if it was answered.",
        on_call=_ended_changes,
    ),
    Fault(
        "life-illegal-path",
        ("LIFE-TRANSITIONS",),
        "The create answer shows a call to a number that will not answer (busy, failed, no-answer) "
        "in-progress while it is queued, so its path runs in-progress -> ringing or busy/failed/no-answer.",
    ),  # behaviour: handlers.create (create answers only, so the update scenarios still see the truth)
    Fault(
        "life-never-ends",
        ("LIFE-REACHES-END",),
        "Calls to the answer number (+12025550100) ring until ended through the API.",
    ),  # behaviour: lifecycle._run
    # Create
    Fault("create-rejects", ("CREATE-2XX",), "Every create answers 400 (array error body)."),
    Fault("create-201", ("CREATE-STATUS-CODE",), "Create answers 201 instead of 200."),
    Fault(
        "create-rejects-repeated-events",
        ("CREATE-FORM-ARRAYS",),
        "Create answers 400 (21626) when StatusCallbackEvent is repeated.",
    ),
    # Paths, errors, auth
    Fault("json-suffix-missing", ("PATH-JSON-SUFFIX",), "Paths ending in .json answer 404 (both prefixes)."),
    Fault("error-plain-text", ("ERR-JSON-BODY",), '404 answers are text/plain "Not Found".'),
    Fault(
        "error-status-mismatch",
        ("ERR-BODY-STATUS",),
        "Error bodies say status 400 whatever the HTTP status.",
        on_error=_error_status_400,
    ),
    Fault(
        "auth-missing-accepted",
        ("ERR-AUTH-MISSING",),
        "No Authorization header: served as the path's account.",
    ),
    Fault("auth-wrong-accepted", ("ERR-AUTH-WRONG",), "Any password is accepted for a known account sid."),
    Fault(
        "account-path-ignored",
        ("ERR-OTHER-ACCOUNT",),
        "The path's account is not checked against the credentials (serves the path account if it exists).",
    ),
    Fault("unknown-sid-400", ("ERR-UNKNOWN-SID",), "An unknown call sid answers 400 (code 10000)."),
    Fault(
        "invalid-params-accepted",
        ("ERR-INVALID-PARAMS",),
        "Create and update skip all validation except To/From presence.",
    ),
    Fault(
        "server-error-on-bad-input",
        ("ERR-NO-5XX",),
        "A non-integer Timeout on create, or a non-integer PageSize on list, answers 500 (JSON body).",
    ),
    # Update
    Fault(
        "update-bogus-status-accepted",
        ("UPDATE-STATUS-INVALID",),
        "An unknown update Status answers 200 and changes nothing.",
    ),
    Fault(
        "update-cancel-queued-ignored",
        ("UPDATE-CANCEL-QUEUED",),
        "Status=canceled on a queued or ringing call answers 200 with the call as it is; the call goes on.",
    ),  # behaviour: handlers.update
    Fault(
        "update-cancel-ends-in-progress",
        ("UPDATE-CANCEL-IN-PROGRESS",),
        "Status=canceled on an in-progress call answers 200 and ends it (as completed, a legal step).",
    ),  # behaviour: handlers.update
    Fault(
        "update-complete-ignored",
        ("UPDATE-COMPLETE-IN-PROGRESS",),
        "Status=completed on an in-progress call answers 200 and changes nothing.",
    ),  # behaviour: handlers.update
    Fault(
        "update-complete-queued-ignored",
        ("UPDATE-COMPLETE-NOT-ANSWERED",),
        "Status=completed on a queued or ringing call answers 200 and changes nothing; the call is answered.",
    ),  # behaviour: handlers.update
    Fault(
        "update-ended-accepted",
        ("UPDATE-ENDED-CALL",),
        "Status and Url updates of an ended call answer 200 with the call unchanged.",
    ),  # behaviour: handlers.update
    Fault(
        "update-redirect-ends-call",
        ("UPDATE-REDIRECT",),
        "A Url update of an in-progress call answers 200 and completes the call.",
    ),  # behaviour: handlers.update
    # Delete
    Fault(
        "delete-unfinished-accepted",
        ("DELETE-UNFINISHED",),
        "Deleting a call that has not ended answers 204 and removes it (its lifecycle stops).",
    ),  # behaviour: handlers.delete
    Fault(
        "delete-ended-keeps",
        ("DELETE-ENDED",),
        "Deleting an ended call answers 204, but the call stays (fetch and list still show it).",
    ),  # behaviour: handlers.delete
    # Callbacks
    Fault(
        "cb-bad-signature",
        ("CB-SIGNATURE",),
        "Status and recording callbacks are signed with another key (Url fetches keep the right one).",
    ),  # behaviour: lifecycle._callback_key
    Fault(
        "cb-sequence-gap",
        ("CB-SEQUENCE",),
        "SequenceNumber skips 1: 0, 2, 3, ...",
        on_callback=_rewrite("status", "SequenceNumber", _skip_one),
    ),
    Fault(
        "cb-no-duration",
        ("CB-DURATION-FINAL",),
        "The final status callback lacks CallDuration.",
        on_callback=_drop("status", lambda name: name == "CallDuration", when=_final),
    ),
    Fault(
        "cb-get-as-post",
        ("CB-METHOD",),
        "Status callbacks are POSTed (form body) even when StatusCallbackMethod=GET.",
    ),  # behaviour: lifecycle._status_callback
    Fault(
        "cb-unrequested-events",
        ("CB-INTERMEDIATE-EVENTS",),
        "All four events (initiated, ringing, answered, completed) are sent whatever was requested.",
    ),  # behaviour: lifecycle._status_callback
    Fault(
        "cb-no-final",
        ("CB-FINAL-EVENT",),
        "The final (completed) status callback is never sent.",
    ),  # behaviour: lifecycle._status_callback
    Fault(
        "cb-timestamp-iso",
        ("CB-TIMESTAMP", "CB-PARAMS"),
        "Timestamp is ISO 8601 (2024-04-04T18:32:15Z); the statusCallback schema's pattern rejects it too.",
        on_callback=_rewrite("status", "Timestamp", _iso_timestamp),
    ),
    Fault(
        "cb-status-path",
        ("CB-STATUS-PATH",),
        "The final status callback's CallStatus is always completed (wrong for busy, failed, no-answer, canceled).",
        on_callback=_rewrite("status", "CallStatus", _final_completed),
    ),
    Fault(
        "cb-no-media-final",
        ("CB-MEDIA-FINAL",),
        "The final status callback lacks the Audio* counters.",
        on_callback=_drop("status", _audio, when=_final),
    ),
    Fault(
        "cb-no-media-early",
        ("CB-MEDIA-EARLY",),
        "Status callbacks before the final one lack the Audio* counters.",
        on_callback=_drop("status", _audio, when=_not_final),
    ),
    Fault(
        "cb-recording-missing-field",
        ("CB-RECORDING-PARAMS",),
        "Recording callbacks lack RecordingChannels.",
        on_callback=_drop("recording", lambda name: name == "RecordingChannels", when=_every),
    ),
    Fault(
        "cb-bad-params",
        ("CB-PARAMS",),
        "Status callbacks lack CallbackSource.",
        on_callback=_drop("status", lambda name: name == "CallbackSource", when=_every),
    ),
    # Listing
    Fault(
        "list-page-size-ignored",
        ("LIST-PAGE-SIZE",),
        "PageSize is ignored (pages of 50) but page_size echoes it.",
    ),
    Fault(
        "list-pages-overlap",
        ("LIST-PAGING",),
        "Each next page starts with the last item of the previous page.",
    ),
    Fault(
        "list-next-on-last-page",
        ("LIST-PAGING",),
        "next_page_uri is never null (the last page links to an empty one).",
    ),
    Fault(
        "list-envelope-missing-key",
        ("LIST-ENVELOPE", "SCHEMA-RESPONSE"),
        "first_page_uri is absent.",
        on_envelope=_no_first_page_uri,
    ),
    Fault("list-filter-to-ignored", ("LIST-FILTER-TO",), "The To filter is ignored."),
    Fault("list-filter-from-ignored", ("LIST-FILTER-FROM",), "The From filter is ignored."),
    Fault("list-filter-status-ignored", ("LIST-FILTER-STATUS",), "The Status filter is ignored."),
    Fault("list-oldest-first", ("LIST-NEWEST-FIRST",), "Lists are oldest first."),
    # Schema-level
    Fault("content-type-html", ("SCHEMA-CONTENT-TYPE",), "JSON answers are labelled text/html."),
    Fault("undocumented-status", ("SCHEMA-STATUS-CODE",), "Fetch answers 203 instead of 200."),
)

FAULTS: Mapping[str, Fault] = MappingProxyType({fault.name: fault for fault in _REGISTRY})
assert len(FAULTS) == len(_REGISTRY), "fault names must be unique"


def validate_faults(names: Iterable[str]) -> frozenset[str]:
    """The names as a set; ValueError naming the valid ones if any is unknown."""
    chosen = frozenset(names)
    unknown = sorted(chosen - FAULTS.keys())
    if unknown:
        raise ValueError(f"unknown fault(s) {', '.join(unknown)}; valid names: {', '.join(sorted(FAULTS))}")
    return chosen


class FaultSet:
    """The faults switched on for one endpoint, with their hooks applied in registry order."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names = validate_faults(names)
        active = [FAULTS[name] for name in FAULTS if name in self.names]
        self._call_hooks = [fault.on_call for fault in active if fault.on_call is not None]
        self._error_hooks = [fault.on_error for fault in active if fault.on_error is not None]
        self._envelope_hooks = [fault.on_envelope for fault in active if fault.on_envelope is not None]
        self._callback_hooks = [fault.on_callback for fault in active if fault.on_callback is not None]

    def __contains__(self, name: object) -> bool:
        if isinstance(name, str) and name not in FAULTS:
            raise KeyError(f"no fault named {name!r}")  # catches typos in the handlers' checks
        return name in self.names

    def __bool__(self) -> bool:
        return bool(self.names)

    def call(self, doc: Doc, call: Call) -> Doc:
        for hook in self._call_hooks:
            hook(doc, call)
        return doc

    def error(self, body: Doc) -> Doc:
        for hook in self._error_hooks:
            hook(body)
        return body

    def envelope(self, envelope: Doc) -> Doc:
        for hook in self._envelope_hooks:
            hook(envelope)
        return envelope

    def callback(self, kind: str, pairs: Pairs) -> Pairs:
        """The parameters of a ``kind`` ("status" or "recording") callback, with the hooks applied."""
        for hook in self._callback_hooks:
            hook(kind, pairs)
        return pairs
