"""The Call object as the API answers it, one serialiser per profile.

signalwire: exactly the 36 fields of seeds/call-object.txt (``CALL_FIELDS``), numbers as numbers.
twilio: exactly the 26 fields of Twilio's OpenAPI description (``TWILIO_CALL_FIELDS``): ``duration``,
``price`` and ``queue_time`` are strings or null (``duration`` null while the call is up, ``price`` null
until it has ended, negative for a charge as Twilio shows it), and every identifier is a kind + 32 hex.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

from .call_store import Call
from .dates import rfc2822
from .faults import FaultSet
from .profiles import Profile

__all__ = ["CALL_FIELDS", "TWILIO_CALL_FIELDS", "call_uri", "phone_number_sid", "serialize_call"]

CALL_FIELDS: tuple[str, ...] = (
    "sid", "account_sid", "date_created", "date_updated", "parent_call_sid", "to", "formatted_to",
    "to_formatted", "from", "formatted_from", "from_formatted", "phone_number_sid", "status", "start_time",
    "end_time", "duration", "price", "price_unit", "direction", "answered_by", "api_version", "forwarded_from",
    "caller_name", "uri", "subresource_uris", "annotation", "group_sid", "audio_in_mos", "sip_result_code",
    "audio_rtt_avg", "audio_rtt_min", "audio_rtt_max", "audio_out_jitter_min", "audio_out_jitter_max",
    "audio_out_jitter_avg", "audio_out_lost",
)  # fmt: skip
TWILIO_CALL_FIELDS: tuple[str, ...] = (
    "sid", "date_created", "date_updated", "parent_call_sid", "account_sid", "to", "to_formatted", "from",
    "from_formatted", "phone_number_sid", "status", "start_time", "end_time", "duration", "price",
    "price_unit", "direction", "answered_by", "api_version", "forwarded_from", "group_sid", "caller_name",
    "queue_time", "trunk_sid", "uri", "subresource_uris",
)  # fmt: skip
# Twilio's sub-resources of a call: the key in subresource_uris, and the path segment.
_TWILIO_SUBRESOURCES = (
    ("notifications", "Notifications"), ("recordings", "Recordings"), ("payments", "Payments"),
    ("events", "Events"), ("siprec", "Siprec"), ("streams", "Streams"), ("transcriptions", "Transcriptions"),
    ("user_defined_message_subscriptions", "UserDefinedMessageSubscriptions"),
    ("user_defined_messages", "UserDefinedMessages"),
)  # fmt: skip


def call_uri(prefix: str, account_sid: str, sid: str) -> str:
    return f"{prefix}/Accounts/{account_sid}/Calls/{sid}.json"


def phone_number_sid(account_sid: str, number: str) -> str:
    """Twilio's ``phone_number_sid``: the (stable) PN sid of the account's From number."""
    return "PN" + hashlib.sha256(f"{account_sid}/{number}".encode()).hexdigest()[:32]


def _date(value: dt.datetime | None) -> str | None:
    return None if value is None else rfc2822(value)


def _signalwire(call: Call, profile: Profile) -> dict[str, Any]:
    media = call.media
    base = f"{profile.prefix}/Accounts/{call.account_sid}/Calls/{call.sid}"
    return {
        "sid": call.sid,
        "account_sid": call.account_sid,
        "date_created": _date(call.date_created),
        "date_updated": _date(call.date_updated),
        "parent_call_sid": None,
        "to": call.to,
        "formatted_to": call.formatted_to,
        "to_formatted": call.formatted_to,
        "from": call.from_,
        "formatted_from": call.formatted_from,
        "from_formatted": call.formatted_from,
        "phone_number_sid": None,
        "status": call.status,
        "start_time": _date(call.start_time),
        "end_time": _date(call.end_time),
        "duration": call.duration,
        "price": call.price,
        "price_unit": "USD",
        "direction": call.direction,
        "answered_by": call.answered_by,
        "api_version": "2010-04-01",
        "forwarded_from": None,
        "caller_name": None,
        "uri": call_uri(profile.prefix, call.account_sid, call.sid),
        "subresource_uris": {"notifications": None, "recordings": f"{base}/Recordings.json"},
        "annotation": None,
        "group_sid": None,
        "audio_in_mos": media.mos if media else None,
        "sip_result_code": call.sip_result_code,
        "audio_rtt_avg": media.rtt_avg if media else None,
        "audio_rtt_min": media.rtt_min if media else None,
        "audio_rtt_max": media.rtt_max if media else None,
        "audio_out_jitter_min": media.jitter_min if media else None,
        "audio_out_jitter_max": media.jitter_max if media else None,
        "audio_out_jitter_avg": media.jitter_avg if media else None,
        "audio_out_lost": media.lost if media else None,
    }


def _twilio_price(price: float | None) -> str | None:
    """Twilio's form: a decimal string with five places, negative for a charge."""
    if price is None:
        return None
    return f"{-price:.5f}" if price else "0.00000"


def _queue_time(call: Call) -> str | None:
    """Milliseconds the call waited before it was dialed; null until it was."""
    if call.start_time is None:
        return None
    return str(max(0, int((call.start_time - call.date_created).total_seconds() * 1000)))


def _twilio(call: Call, profile: Profile) -> dict[str, Any]:
    base = f"{profile.prefix}/Accounts/{call.account_sid}/Calls/{call.sid}"
    return {
        "sid": call.sid,
        "date_created": _date(call.date_created),
        "date_updated": _date(call.date_updated),
        "parent_call_sid": None,
        "account_sid": call.account_sid,
        "to": call.to,
        "to_formatted": call.formatted_to,
        "from": call.from_,
        "from_formatted": call.formatted_from,
        "phone_number_sid": phone_number_sid(call.account_sid, call.from_),
        "status": call.status,
        "start_time": _date(call.start_time),
        "end_time": _date(call.end_time),
        "duration": str(call.duration) if call.ended else None,
        "price": _twilio_price(call.price),
        "price_unit": "USD",
        "direction": call.direction,
        "answered_by": call.answered_by,
        "api_version": "2010-04-01",
        "forwarded_from": None,
        "group_sid": None,
        "caller_name": None,
        "queue_time": _queue_time(call),
        "trunk_sid": None,
        "uri": call_uri(profile.prefix, call.account_sid, call.sid),
        "subresource_uris": {key: f"{base}/{segment}.json" for key, segment in _TWILIO_SUBRESOURCES},
    }


_SERIALISERS: dict[str, Callable[[Call, Profile], dict[str, Any]]] = {
    "signalwire": _signalwire,
    "twilio": _twilio,
}


def serialize_call(call: Call, profile: Profile, faults: FaultSet) -> dict[str, Any]:
    """The Call as a JSON-ready dict in the profile's form, with any switched-on fault applied."""
    return faults.call(_SERIALISERS[profile.name](call, profile), call)
