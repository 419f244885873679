"""Call addresses: E.164 numbers (checked and formatted with phonenumbers), SIP URIs and clients."""

from __future__ import annotations

import re

import phonenumbers

__all__ = ["format_address", "is_valid_address", "shift_last_digit"]

_E164 = re.compile(r"^\+[1-9]\d{1,14}$")
_SIP = re.compile(r"^sips?:[^@\s]+@[^@\s]+$", re.IGNORECASE)
_CLIENT = re.compile(r"^client:[A-Za-z0-9_.\-]{1,128}$")


def _parse_e164(value: str) -> phonenumbers.PhoneNumber | None:
    if not _E164.match(value):
        return None
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def is_valid_address(value: str) -> bool:
    """E.164 that phonenumbers calls possible, ``sip:user@host`` or ``client:name``."""
    if len(value) > 256:
        return False
    return _parse_e164(value) is not None or bool(_SIP.match(value) or _CLIENT.match(value))


def format_address(value: str) -> str:
    """National format for NANP numbers (``(202) 555-0100``), international otherwise; others as given."""
    number = _parse_e164(value)
    if number is None:
        return value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def shift_last_digit(value: str) -> str:
    """The same address with its last digit changed (a different number), for faults."""
    for index in range(len(value) - 1, -1, -1):
        if value[index].isdigit():
            return value[:index] + str((int(value[index]) + 1) % 10) + value[index + 1 :]
    return value + "1"
