"""The Call object as the API answers it: exactly the 36 fields of seeds/call-object.txt."""

from __future__ import annotations

import datetime as dt
from typing import Any

from .calls_db import Call
from .dates import rfc2822
from .faults import FaultSet

__all__ = ["API_PREFIX", "CALL_FIELDS", "call_uri", "serialize_call"]

API_PREFIX = "/api/laml/2010-04-01"

CALL_FIELDS: tuple[str, ...] = (
    "sid", "account_sid", "date_created", "date_updated", "parent_call_sid", "to", "formatted_to",
    "to_formatted", "from", "formatted_from", "from_formatted", "phone_number_sid", "status", "start_time",
    "end_time", "duration", "price", "price_unit", "direction", "answered_by", "api_version", "forwarded_from",
    "caller_name", "uri", "subresource_uris", "annotation", "group_sid", "audio_in_mos", "sip_result_code",
    "audio_rtt_avg", "audio_rtt_min", "audio_rtt_max", "audio_out_jitter_min", "audio_out_jitter_max",
    "audio_out_jitter_avg", "audio_out_lost",
)  # fmt: skip


def call_uri(account_sid: str, sid: str) -> str:
    return f"{API_PREFIX}/Accounts/{account_sid}/Calls/{sid}.json"


def _date(value: dt.datetime | None) -> str | None:
    return None if value is None else rfc2822(value)


def serialize_call(call: Call, faults: FaultSet) -> dict[str, Any]:
    """The Call as a JSON-ready dict, with any switched-on fault applied."""
    media = call.media
    doc: dict[str, Any] = {
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
        "direction": "outbound-api",
        "answered_by": call.answered_by,
        "api_version": "2010-04-01",
        "forwarded_from": None,
        "caller_name": None,
        "uri": call_uri(call.account_sid, call.sid),
        "subresource_uris": {
            "notifications": None,
            "recordings": f"{API_PREFIX}/Accounts/{call.account_sid}/Calls/{call.sid}/Recordings.json",
        },
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
    return faults.call(doc, call)
