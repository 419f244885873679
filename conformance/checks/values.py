"""Value rules shared by checks: RFC 2822 dates (GMT or any offset), same-number comparison, identifier forms."""

from __future__ import annotations

import datetime as dt
import email.utils
import re
import uuid
from collections.abc import Mapping
from typing import Any, TypeGuard

import phonenumbers

__all__ = [
    "Call",
    "is_number",
    "parse_gmt_date",
    "parse_rfc2822_date",
    "parse_time",
    "same_address",
    "sid_pattern",
    "status_in",
]

Call = Mapping[str, Any]

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_RFC2822 = re.compile(
    rf"^(?P<day>{'|'.join(_DAYS)}), (?P<date>\d{{1,2}}) (?P<month>{'|'.join(_MONTHS)}) (?P<year>\d{{4}}) "
    r"(?P<h>\d{2}):(?P<m>\d{2}):(?P<s>\d{2}) (?P<zone>[+-]\d{4})$"
)
_TWILIO_SID = {"sid": "CA", "account_sid": "AC", "parent_call_sid": "CA", "phone_number_sid": "PN"}


def parse_rfc2822_date(value: object) -> dt.datetime | None:
    """The instant of a strict RFC 2822 date (numeric offset, English names, the right day name), else None."""
    if not isinstance(value, str):
        return None
    match = _RFC2822.match(value)
    if not match:
        return None
    zone = match["zone"]
    offset = dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5])) * (-1 if zone[0] == "-" else 1)
    try:
        local = dt.datetime(
            int(match["year"]),
            _MONTHS.index(match["month"]) + 1,
            int(match["date"]),
            int(match["h"]),
            int(match["m"]),
            int(match["s"]),
            tzinfo=dt.timezone(offset),
        )
    except ValueError:
        return None
    return local.astimezone(dt.UTC) if _DAYS[local.weekday()] == match["day"] else None


def parse_gmt_date(value: object) -> dt.datetime | None:
    """The instant of a strict RFC 2822 `+0000` date with the right day name, else None."""
    if not isinstance(value, str) or not value.endswith(" +0000"):
        return None
    return parse_rfc2822_date(value)


def parse_time(value: object) -> dt.datetime | None:
    """Any RFC 2822 date as an aware instant (lenient: for ordering rules, not for the format rule)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def same_address(address: str, formatted: str) -> bool | None:
    """Whether `formatted` denotes `address`: same number for phone numbers, equal otherwise.

    None when `address` is empty (nothing to judge).
    """
    if not address:
        return None
    if not address.startswith("+"):
        return formatted == address
    try:
        number = phonenumbers.parse(address, None)
    except phonenumbers.NumberParseException:
        return formatted == address
    region = phonenumbers.region_code_for_number(number) or "US"
    try:
        shown = phonenumbers.parse(formatted, region)
    except phonenumbers.NumberParseException:
        return False
    return (shown.country_code, shown.national_number) == (number.country_code, number.national_number)


def sid_pattern(profile: str, field: str, value: str) -> bool:
    """Whether an identifier has the profile's form: a UUID (signalwire) or prefix + 32 hex (twilio)."""
    if profile == "twilio":
        return re.fullmatch(_TWILIO_SID[field] + "[0-9a-fA-F]{32}", value) is not None
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return (
        re.fullmatch(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", value)
        is not None
    )


def status_in(call: Call, statuses: frozenset[str]) -> bool:
    """Whether the call's status is one of `statuses` (a status of another JSON type never is)."""
    status = call.get("status")
    return isinstance(status, str) and status in statuses


def is_number(value: Any) -> TypeGuard[int | float]:
    """A JSON number (not a boolean)."""
    return isinstance(value, int | float) and not isinstance(value, bool)
