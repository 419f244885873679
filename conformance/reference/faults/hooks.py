"""Fault hooks: functions that rewrite what the endpoint is about to send, in place.

Four seams, one signature each: a serialised Call (``CallHook``, on every answer that shows a Call,
or ``on_create_answer`` on the create's answer only), an error body or a list envelope
(``DocHook``), and the parameters of a status or recording callback (``CallbackHook``). The
factories (``set_field``, ``shift_date``, ``rerender_dates``, ``drop_params``, ``rewrite_param``)
build the hooks the registry's rows share. A hook of a fault that applies to both profiles reads the
profile's shape from what it rewrites (which fields are there, a number or a string), never the profile.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

from ..call_store import ENDED, Call
from ..dates import rfc2822, utcnow
from ..destinations import outcome_for
from ..numbers import format_address, shift_last_digit

__all__ = [
    "OTHER_ACCOUNT",
    "CallHook",
    "CallbackHook",
    "Doc",
    "DocHook",
    "Pairs",
    "alias_from",
    "alias_to",
    "always",
    "audio_counter",
    "claims_answered",
    "drop_params",
    "duration_too_long",
    "duration_unanswered",
    "duration_wrong_type",
    "end_while_active",
    "ended",
    "ended_changes",
    "error_status_400",
    "every_callback",
    "extra_field",
    "final_completed",
    "forwarded_from",
    "is_final",
    "iso_timestamp",
    "later_if_answered",
    "legacy_names",
    "local_time_as_gmt",
    "media_min_above_max",
    "minus_five_timestamp",
    "missing_field",
    "named",
    "no_first_page_uri",
    "no_more_info",
    "no_positions",
    "no_recordings",
    "no_status_key",
    "not_final",
    "other_account",
    "other_number",
    "rerender_dates",
    "rewrite_param",
    "set_field",
    "shift_date",
    "skip_one",
    "start_while_queued",
    "started",
    "status_unknown",
    "to_minus_five",
    "uri_wrong",
    "wrong_from",
    "wrong_to",
]

Doc = dict[str, Any]
Pairs = list[tuple[str, str]]
CallHook = Callable[[Doc, Call], None]
DocHook = Callable[[Doc], None]
CallbackHook = Callable[[str, Pairs], None]  # (kind: "status" or "recording", parameters), in place

_DATE_FIELDS = ("date_created", "date_updated", "start_time", "end_time")
_ACTIVE = ("ringing", "in-progress")
# A fixed stranger of each form, so the mismatch is stable across answers.
OTHER_ACCOUNT = str(uuid.UUID("00000000-0000-4000-8000-00000000beef"))
_OTHER_TWILIO_ACCOUNT = "AC" + "0" * 28 + "beef"


# ---------------------------------------------------------------- hooks on the serialised Call


def _different(formatted: str, raw: str) -> str:
    """A rendering of the same address that differs from ``formatted``."""
    if raw != formatted:
        return raw
    return formatted.upper() if formatted.upper() != formatted else formatted + " "


def alias_to(doc: Doc, call: Call) -> None:
    doc["to_formatted"] = _different(doc["formatted_to"], call.to)


def alias_from(doc: Doc, call: Call) -> None:
    doc["from_formatted"] = _different(doc["formatted_from"], call.from_)


def _show_other_number(doc: Doc, names: tuple[str, str], address: str) -> None:
    """Every formatted field of the Call (those it has) shows another number: the last digit changed."""
    for name in names:
        if name in doc:
            doc[name] = format_address(shift_last_digit(address))


def wrong_to(doc: Doc, call: Call) -> None:
    _show_other_number(doc, ("formatted_to", "to_formatted"), call.to)


def wrong_from(doc: Doc, call: Call) -> None:
    _show_other_number(doc, ("formatted_from", "from_formatted"), call.from_)


def _like_duration(doc: Doc, seconds: int) -> int | str:
    """``seconds`` in the JSON type the Call's duration has: a number, or (twilio) a string."""
    return seconds if isinstance(doc.get("duration"), int) else str(seconds)


def set_field(key: str, value: Any) -> CallHook:
    """A hook that sets ``key`` to ``value`` on every Call shown."""

    def hook(doc: Doc, call: Call) -> None:
        doc[key] = value

    return hook


def missing_field(doc: Doc, call: Call) -> None:
    doc.pop("api_version", None)


def duration_wrong_type(doc: Doc, call: Call) -> None:
    """A number becomes a string of digits; a string (or a null) becomes a number."""
    value = doc["duration"]
    doc["duration"] = str(value) if isinstance(value, int) else call.duration


def other_account(doc: Doc, call: Call) -> None:
    """account_sid names a fixed stranger of the same form."""
    doc["account_sid"] = _OTHER_TWILIO_ACCOUNT if call.account_sid.startswith("AC") else OTHER_ACCOUNT


def extra_field(doc: Doc, call: Call) -> None:
    doc["url"] = call.params.url


def status_unknown(doc: Doc, call: Call) -> None:
    if call.status == "in-progress":
        doc["status"] = "active"


def forwarded_from(doc: Doc, call: Call) -> None:
    doc["forwarded_from"] = call.from_


def no_recordings(doc: Doc, call: Call) -> None:
    doc["subresource_uris"] = {"notifications": None}


def rerender_dates(render: Callable[[str], str]) -> CallHook:
    """A hook that renders every date field of the Call again with ``render``."""

    def hook(doc: Doc, call: Call) -> None:
        for key in _DATE_FIELDS:
            if isinstance(doc.get(key), str):
                doc[key] = render(doc[key])

    return hook


def to_minus_five(text: str) -> str:
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


def legacy_names(text: str) -> str:
    day, rest = text.split(", ", 1)
    parts = rest.split(" ")
    parts[1] = _LEGACY_MONTHS.get(parts[1], parts[1])
    return f"{_LEGACY_DAYS.get(day, day)}, {' '.join(parts)}"


def uri_wrong(doc: Doc, call: Call) -> None:
    doc["uri"] = doc["uri"].removesuffix(".json")


def media_min_above_max(doc: Doc, call: Call) -> None:
    if call.media is not None:
        doc["audio_rtt_min"] = call.media.rtt_max + 10


def always(call: Call) -> bool:
    return True


def started(call: Call) -> bool:
    return call.start_time is not None


def ended(call: Call) -> bool:
    return call.ended


def shift_date(key: str, base: str, seconds: float, *, when: Callable[[Call], bool] = always) -> CallHook:
    """A hook that shows ``key`` as the call's ``base`` moment + ``seconds``, for calls ``when`` accepts."""
    delta = dt.timedelta(seconds=seconds)

    def hook(doc: Doc, call: Call) -> None:
        moment = getattr(call, base)
        if moment is not None and when(call):
            doc[key] = rfc2822(moment + delta)

    return hook


def start_while_queued(doc: Doc, call: Call) -> None:
    if call.status == "queued":
        doc["start_time"] = rfc2822(call.date_created)


def end_while_active(doc: Doc, call: Call) -> None:
    if call.status in _ACTIVE:
        doc["end_time"] = rfc2822(call.date_updated)


def duration_unanswered(doc: Doc, call: Call) -> None:
    if call.ended and call.answered_at is None:
        doc["duration"] = _like_duration(doc, 7)


def duration_too_long(doc: Doc, call: Call) -> None:
    if call.answered_at is not None:
        doc["duration"] = _like_duration(doc, call.duration + 60)


# Ended calls change this long after their end (life-ended-changes), by this much.
_LATE_CHANGE_AFTER = dt.timedelta(seconds=0.5)
_LATE_CHANGE = dt.timedelta(seconds=2)


def ended_changes(doc: Doc, call: Call) -> None:
    """A while after the end, end_time (and duration, if answered) grow: duration stays <= end - start."""
    if call.end_time is None or utcnow() - call.end_time < _LATE_CHANGE_AFTER:
        return
    doc["end_time"] = rfc2822(call.end_time + _LATE_CHANGE)
    if call.answered_at is not None:
        doc["duration"] = _like_duration(doc, call.duration + int(_LATE_CHANGE.total_seconds()))


def claims_answered(doc: Doc, call: Call) -> None:
    """A call to a number that will not answer is shown in progress (meant for the create's answer only)."""
    if outcome_for(call.to).after_ringing != "in-progress":
        doc["status"] = "in-progress"


# ---------------------------------------------------------------- hooks on callback parameters


def is_final(pairs: Pairs) -> bool:
    return any(name == "CallStatus" and value in ENDED for name, value in pairs)


def not_final(pairs: Pairs) -> bool:
    return not is_final(pairs)


def every_callback(pairs: Pairs) -> bool:
    return True


def audio_counter(name: str) -> bool:
    return name.startswith("Audio")


def named(wanted: str) -> Callable[[str], bool]:
    """A parameter-name test accepting ``wanted`` only."""
    return lambda name: name == wanted


def drop_params(
    kind: str, names: Callable[[str], bool], *, when: Callable[[Pairs], bool] = every_callback
) -> CallbackHook:
    """Remove the parameters whose name ``names`` accepts from ``kind`` callbacks that satisfy ``when``."""

    def hook(callback_kind: str, pairs: Pairs) -> None:
        if callback_kind == kind and when(pairs):
            pairs[:] = [(name, value) for name, value in pairs if not names(name)]

    return hook


def rewrite_param(kind: str, key: str, change: Callable[[str, Pairs], str]) -> CallbackHook:
    """Replace the value of ``key`` in ``kind`` callbacks with ``change(value, parameters)``."""

    def hook(callback_kind: str, pairs: Pairs) -> None:
        if callback_kind == kind:
            pairs[:] = [(name, change(value, pairs) if name == key else value) for name, value in pairs]

    return hook


def skip_one(value: str, pairs: Pairs) -> str:
    number = int(value)
    return str(number + 1 if number >= 1 else number)


def iso_timestamp(value: str, pairs: Pairs) -> str:
    return parsedate_to_datetime(value).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def minus_five_timestamp(value: str, pairs: Pairs) -> str:
    return to_minus_five(value)


def final_completed(value: str, pairs: Pairs) -> str:
    return "completed" if value in ENDED else value


def later_if_answered(value: str, pairs: Pairs) -> str:
    """A completed call's CallDuration, 5 s more than the call's (an unanswered one keeps its 0)."""
    return str(int(value) + 5) if ("CallStatus", "completed") in pairs and value.isdigit() else value


def other_number(value: str, pairs: Pairs) -> str:
    return shift_last_digit(value)


def local_time_as_gmt(value: str, pairs: Pairs) -> str:
    """The wall-clock time of UTC-5 labelled +0000: a valid RFC 2822 GMT date, 5 hours before the event."""
    return rfc2822(parsedate_to_datetime(value) - dt.timedelta(hours=5))


# ---------------------------------------------------------------- hooks on error bodies and envelopes


def error_status_400(body: Doc) -> None:
    if "status" in body:
        body["status"] = 400


def no_more_info(body: Doc) -> None:
    """Error bodies without `more_info`, in the flat shape and in each `errors` item."""
    body.pop("more_info", None)
    for item in body.get("errors") or ():
        if isinstance(item, dict):
            item.pop("more_info", None)


def no_status_key(body: Doc) -> None:
    """Flat error bodies without `status`."""
    body.pop("status", None)


def no_first_page_uri(envelope: Doc) -> None:
    envelope.pop("first_page_uri", None)


def no_positions(envelope: Doc) -> None:
    """The envelope lacks twilio's ``start`` and ``end``."""
    envelope.pop("start", None)
    envelope.pop("end", None)
