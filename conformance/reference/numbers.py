"""Call addresses: E.164 numbers (checked and formatted with phonenumbers), SIP URIs and clients.

An address is first judged by its form (the spec's ``To``/``From`` pattern: ``+`` and up to 15 digits,
``sip:``/``sips:`` user@host in printable ASCII, or ``client:`` name), then a number by its numbering
plan (phonenumbers' "possible number": the right length for its country code).
"""

from __future__ import annotations

import re

import phonenumbers

__all__ = ["format_address", "has_address_form", "is_valid_address", "shift_last_digit"]

MAX_ADDRESS = 256
_E164 = re.compile(r"^\+[1-9][0-9]{1,14}$")
_SIP = re.compile(r"^[Ss][Ii][Pp][Ss]?:[!-?A-~]+@[!-?A-~]+$")
_CLIENT = re.compile(r"^client:[A-Za-z0-9_.\-]{1,128}$")


def _parse_e164(value: str) -> phonenumbers.PhoneNumber | None:
    if not _E164.fullmatch(value):
        return None
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_possible_number(number) else None


def has_address_form(value: str) -> bool:
    """The form of an E.164 number, a SIP URI or a client identifier, at most 256 characters."""
    if len(value) > MAX_ADDRESS:
        return False
    return any(grammar.fullmatch(value) for grammar in (_E164, _SIP, _CLIENT))


def is_valid_address(value: str) -> bool:
    """An address of the right form that is not a number outside every numbering plan."""
    if not has_address_form(value):
        return False
    return not _E164.fullmatch(value) or _parse_e164(value) is not None


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
