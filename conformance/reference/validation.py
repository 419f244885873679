"""Create and update parameters: parsing and validation with SignalWire's error codes (facts §6.2)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from .answers import ApiError, ValidationFailed
from .calls_db import CallParams
from .numbers import is_valid_address

__all__ = [
    "CALLBACK_EVENTS",
    "UPDATE_STATUSES",
    "CreateRequest",
    "Form",
    "UpdateRequest",
    "is_http_url",
    "parse_create",
    "parse_update",
]

CALLBACK_EVENTS = frozenset(
    {"initiated", "ringing", "answered", "completed", "ringing_forwarded", "ringing_queued"}
)
RECORDING_EVENTS = frozenset({"in-progress", "completed", "absent"})
UPDATE_STATUSES = frozenset({"canceled", "completed"})
_METHODS = frozenset({"GET", "POST"})
_SEND_DIGITS = re.compile(r"^[0-9#*wWA-D]{1,32}$")
_PRICE = re.compile(r"^\d+\.?\d{0,4}$")
_INT = re.compile(r"^[0-9]{1,9}$")
_AMD_RANGES = {
    "MachineDetectionTimeout": (1, 120),
    "MachineDetectionSpeechThreshold": (1000, 6000),
    "MachineDetectionSpeechEndThreshold": (500, 5000),
    "MachineDetectionSilenceTimeout": (2000, 10000),
    "MachineWordsThreshold": (1, 100),
}


class Form:
    """Request parameters, repeated keys kept in order; a single-valued read takes the last value."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self.pairs = list(pairs)

    def get(self, name: str) -> str | None:
        found = None
        for key, value in self.pairs:
            if key == name:
                found = value
        return found

    def getall(self, name: str) -> list[str]:
        return [value for key, value in self.pairs if key == name]

    def __contains__(self, name: object) -> bool:
        return any(key == name for key, _ in self.pairs)


def is_http_url(value: str) -> bool:
    """An absolute http(s) URL with a host, no whitespace, at most 4096 characters."""
    if not value or len(value) > 4096 or any(ch.isspace() or ord(ch) < 32 for ch in value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return len(value) == 36


def _events(values: list[str]) -> list[str]:
    """Repeated keys and space-separated values alike."""
    return [event for value in values for event in value.split()]


@dataclass
class CreateRequest:
    to: str
    from_: str
    params: CallParams


class _Checker:
    """Collects a form's errors. `core` says whether the rules checked now are the contract's core (every
    provider refuses them) or the spec's other constraints; `extended=False` skips the latter, `strict=False`
    skips both (only To and From presence remain)."""

    def __init__(self, form: Form, strict: bool, extended: bool = True) -> None:
        self.form = form
        self.strict = strict
        self.extended = extended
        self.core = True
        self.errors: list[tuple[int, str]] = []

    def fail(self, code: int, message: str, *, core: bool | None = None) -> None:
        core = self.core if core is None else core
        if self.strict and (core or self.extended):
            self.errors.append((code, message))

    def url(self, name: str, code: int) -> str | None:
        value = self.form.get(name)
        if value is None or value == "":
            return None
        if not is_http_url(value):
            self.fail(code, f"{name} must be an absolute http or https URL.")
            return None
        return value

    def method(self, name: str) -> str:
        value = self.form.get(name)
        if value is None or value == "":
            return "POST"
        if value.upper() not in _METHODS:
            self.fail(21209, f"{name} must be GET or POST.")
            return "POST"
        return value.upper()

    def boolean(self, name: str) -> bool:
        value = self.form.get(name)
        if value is None or value == "":
            return False
        if value.lower() not in ("true", "false"):
            self.fail(10000, f"{name} must be true or false.")
            return False
        return value.lower() == "true"

    def choice(self, name: str, allowed: tuple[str, ...], default: str, code: int) -> str:
        value = self.form.get(name)
        if value is None or value == "":
            return default
        if value not in allowed:
            self.fail(code, f"{name} must be one of {', '.join(allowed)}.")
            return default
        return value

    def integer(
        self, name: str, low: int, high: int, default: int, code: int, *, core_type: bool = False
    ) -> int:
        """A whole number in [low, high]; `core_type`: a value that is no whole number breaks a core rule."""
        value = self.form.get(name)
        if value is None or value == "":
            return default
        message = f"{name} must be a whole number from {low} to {high}."
        if not _INT.match(value.strip()):
            self.fail(code, message, core=core_type or self.core)
            return default
        if not low <= int(value) <= high:
            self.fail(code, message)
            return default
        return int(value)


def parse_create(form: Form, *, strict: bool = True, extended: bool = True) -> CreateRequest:
    """The create's parameters, or ValidationFailed listing every invalid one.

    ``strict=False`` (the invalid-params-accepted fault) checks only that To and From are present;
    ``extended=False`` (invalid-params-extended-accepted) checks only the contract's core rules.
    """
    check = _Checker(form, strict, extended)
    to = form.get("To") or ""
    from_ = form.get("From") or ""
    if not to:
        check.errors.append((21211, "The 'To' number is required."))
    elif not is_valid_address(to):
        check.fail(21211, f"The 'To' number {to[:64]} is not a valid phone number, SIP URI or client.")
    if not from_:
        check.errors.append((21213, "The 'From' number is required."))
    elif not is_valid_address(from_):
        check.fail(21212, f"The 'From' number {from_[:64]} is not a valid phone number.")

    url = check.url("Url", 21205)
    if not form.get("Url") and not form.get("ApplicationSid"):
        check.fail(21205, "A call was attempted without a cXML Url or ApplicationSid.")
    fallback_url = check.url("FallbackUrl", 21402)
    status_callback = check.url("StatusCallback", 21402)
    method = check.method("Method")
    fallback_method = check.method("FallbackMethod")
    status_callback_method = check.method("StatusCallbackMethod")
    events = _events(form.getall("StatusCallbackEvent"))
    bad_events = [event for event in events if event not in CALLBACK_EVENTS]
    if bad_events:
        check.fail(21626, f"StatusCallbackEvent {bad_events[0][:40]!r} is not valid.")
    valid_events = frozenset(event for event in events if event in CALLBACK_EVENTS) or frozenset(
        {"completed"}
    )

    check.core = False  # the spec's other constraints: a SHOULD to refuse (ERR-INVALID-PARAMS-EXTENDED)
    timeout = check.integer("Timeout", 1, 600, 60, 21208, core_type=True)
    application_sid = form.get("ApplicationSid") or None
    if application_sid is not None and not _is_uuid(application_sid):
        check.fail(21218, "ApplicationSid is not valid.")
        application_sid = None
    recording_callback = check.url("RecordingStatusCallback", 21402)
    check.url("AsyncAmdStatusCallback", 21402)
    recording_callback_method = check.method("RecordingStatusCallbackMethod")
    check.method("AsyncAmdStatusCallbackMethod")
    send_digits = form.get("SendDigits")
    if send_digits and not _SEND_DIGITS.match(send_digits):
        check.fail(13222, "SendDigits may hold only 0123456789ABCD*#wW, at most 32.")
    record = check.boolean("Record")
    check.boolean("AsyncAmd")
    check.boolean("AsyncAmdPartialResults")
    channels = check.choice("RecordingChannels", ("mono", "dual"), "mono", 10000)
    check.choice("RecordingTrack", ("inbound", "outbound", "both"), "both", 10000)
    check.choice("Trim", ("trim-silence", "do-not-trim"), "trim-silence", 13699)
    machine_detection = check.choice(
        "MachineDetection", ("Enable", "DetectMessageEnd", "none"), "none", 21234
    )
    for name, (low, high) in _AMD_RANGES.items():
        check.integer(name, low, high, low, 21234)
    recording_events = _events(form.getall("RecordingStatusCallbackEvent"))
    if any(event not in RECORDING_EVENTS for event in recording_events):
        check.fail(13621, "RecordingStatusCallbackEvent may hold only in-progress, completed and absent.")
    price = form.get("MaxPricePerMinute")
    if price and not _PRICE.match(price):
        check.fail(10000, "MaxPricePerMinute must be a decimal number with at most 4 decimals.")

    if check.errors:
        raise ValidationFailed(check.errors)
    return CreateRequest(
        to=to,
        from_=from_,
        params=CallParams(
            url=url,
            method=method,
            fallback_url=fallback_url,
            fallback_method=fallback_method,
            application_sid=application_sid,
            status_callback=status_callback,
            status_callback_method=status_callback_method,
            status_callback_events=valid_events,
            timeout=timeout,
            record=record,
            recording_channels=channels,
            recording_status_callback=recording_callback,
            recording_status_callback_method=recording_callback_method,
            recording_status_callback_events=frozenset(e for e in recording_events if e in RECORDING_EVENTS)
            or frozenset({"completed"}),
            machine_detection=machine_detection,
        ),
    )


@dataclass
class UpdateRequest:
    status: str | None
    url: str | None
    method: str | None
    fallback_url: str | None
    fallback_method: str | None
    status_callback: str | None
    status_callback_method: str | None

    @property
    def changes_anything(self) -> bool:
        return any(value is not None for value in vars(self).values())


def parse_update(form: Form, *, strict: bool = True, accept_any_status: bool = False) -> UpdateRequest:
    """The update's parameters, or ApiError (400) for the first invalid one."""

    def url(name: str, code: int) -> str | None:
        value = form.get(name)
        if value is None or value == "":
            return None
        if not is_http_url(value):
            if strict:
                raise ApiError(400, code, f"{name} must be an absolute http or https URL.")
            return None
        return value

    def method(name: str) -> str | None:
        value = form.get(name)
        if value is None or value == "":
            return None
        if value.upper() not in _METHODS:
            if strict:
                raise ApiError(400, 21209, f"{name} must be GET or POST.")
            return None
        return value.upper()

    status = form.get("Status")
    if status is not None and status not in UPDATE_STATUSES and strict and not accept_any_status:
        raise ApiError(400, 10000, "Status must be canceled or completed.")
    return UpdateRequest(
        status=status if status in UPDATE_STATUSES else None,
        url=url("Url", 21205),
        method=method("Method"),
        fallback_url=url("FallbackUrl", 21402),
        fallback_method=method("FallbackMethod"),
        status_callback=url("StatusCallback", 21402),
        status_callback_method=method("StatusCallbackMethod"),
    )
