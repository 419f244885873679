"""Create and update parameters: parsing and validation with SignalWire's error codes (facts §6.2).

The correct endpoint accepts exactly what the spec's request schemas accept (see ``syntax``): an empty
value is judged like any other, and a one-valued parameter sent twice is refused. Both profiles check the
same parameters the same way, except where the profile says otherwise (``profiles.py``): the form of an
``ApplicationSid``, and twilio's own parameters (``own_params.py``), its inline ``Twiml`` among them
(create: instructions enough without ``Url``; update: a redirect to it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from .api_errors import ApiError, ValidationFailed
from .call_store import CallParams
from .numbers import has_address_form, is_valid_address
from .own_params import create_params, whole_number
from .profiles import SIGNALWIRE, Profile
from .syntax import is_http_url, repeated

__all__ = [
    "CALLBACK_EVENTS",
    "CREATE_PARAMETERS",
    "LENIENT_RULES",
    "UPDATE_PARAMETERS",
    "UPDATE_STATUSES",
    "CreateRequest",
    "Form",
    "UpdateRequest",
    "parse_create",
    "parse_update",
]

CALLBACK_EVENTS = frozenset(
    {"initiated", "ringing", "answered", "completed", "ringing_forwarded", "ringing_queued"}
)
RECORDING_EVENTS = frozenset({"in-progress", "completed", "absent"})
UPDATE_STATUSES = frozenset({"canceled", "completed"})
_METHODS = frozenset({"GET", "POST"})
_SEND_DIGITS = re.compile(r"[0-9#*wWA-D]{1,32}")
_PRICE = re.compile(r"[0-9]+\.?[0-9]{0,4}")
_INT = re.compile(r"[0-9]{1,9}")
_DECIMAL = re.compile(r"[0-9]{1,9}\.[0-9]+")
# The core rules a faulty endpoint may skip (the reference's faults name them): a Timeout with decimals read as
# its whole part, a Url of any scheme with a host, a From of any form.
LENIENT_RULES = frozenset({"timeout-decimal", "url-scheme", "from-address"})
_EVENT_LIST = re.compile(r"[a-z_-]+( [a-z_-]+)*")
# The parameters of each operation's spec, one value each; StatusCallbackEvent (an array) may repeat, and
# so may RecordingStatusCallbackEvent (an array under twilio, and what Twilio's SDK sends).
CREATE_PARAMETERS = frozenset(
    {
        "To",
        "From",
        "Url",
        "ApplicationSid",
        "Method",
        "FallbackUrl",
        "FallbackMethod",
        "StatusCallback",
        "StatusCallbackMethod",
        "SendDigits",
        "Timeout",
        "Record",
        "RecordingChannels",
        "RecordingTrack",
        "RecordingStatusCallback",
        "RecordingStatusCallbackMethod",
        "Trim",
        "CallerId",
        "SipAuthUsername",
        "SipAuthPassword",
        "MachineDetection",
        "MachineDetectionTimeout",
        "MachineDetectionSpeechThreshold",
        "MachineDetectionSpeechEndThreshold",
        "MachineDetectionSilenceTimeout",
        "MachineWordsThreshold",
        "AsyncAmd",
        "AsyncAmdStatusCallback",
        "AsyncAmdStatusCallbackMethod",
        "AsyncAmdPartialResults",
        "MaxPricePerMinute",
    }
)
UPDATE_PARAMETERS = frozenset(
    {
        "Url",
        "Method",
        "Status",
        "FallbackUrl",
        "FallbackMethod",
        "StatusCallback",
        "StatusCallbackMethod",
    }
)
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


def _events(values: list[str]) -> list[str]:
    """Repeated keys and space-separated values alike; an empty value is no event."""
    return [event for value in values for event in value.split()]


def _event_lists_formed(values: list[str]) -> bool:
    """Each value is one or more event names separated by single spaces (so not empty)."""
    return all(_EVENT_LIST.fullmatch(value) for value in values)


@dataclass
class CreateRequest:
    to: str
    from_: str
    params: CallParams


class _Checker:
    """Collects a form's errors. `core` says whether the rules checked now are the contract's core (every
    provider refuses them) or the spec's other constraints; `extended=False` skips the latter, `strict=False`
    skips both (only To and From presence remain)."""

    def __init__(
        self, form: Form, strict: bool, extended: bool = True, lenient: frozenset[str] = frozenset()
    ) -> None:
        self.form = form
        self.strict = strict
        self.extended = extended
        self.lenient = lenient
        self.core = True
        self.errors: list[tuple[int, str]] = []

    def fail(self, code: int, message: str, *, core: bool | None = None) -> None:
        core = self.core if core is None else core
        if self.strict and (core or self.extended):
            self.errors.append((code, message))

    def url(self, name: str, code: int) -> str | None:
        value = self.form.get(name)
        if value is None:
            return None
        any_scheme = "url-scheme" in self.lenient and bool(urlsplit(value).scheme and urlsplit(value).netloc)
        if not (is_http_url(value) or any_scheme):
            self.fail(code, f"{name} must be an absolute http or https URL.")
            return None
        return value

    def method(self, name: str) -> str:
        value = self.form.get(name)
        if value is None:
            return "POST"
        if value.upper() not in _METHODS:
            self.fail(21209, f"{name} must be GET or POST.")
            return "POST"
        return value.upper()

    def boolean(self, name: str) -> bool:
        value = self.form.get(name)
        if value is None:
            return False
        if value.lower() not in ("true", "false"):
            self.fail(10000, f"{name} must be true or false.")
            return False
        return value.lower() == "true"

    def choice(self, name: str, allowed: tuple[str, ...], default: str, code: int) -> str:
        value = self.form.get(name)
        if value is None:
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
        if value is None:
            return default
        message = f"{name} must be a whole number from {low} to {high}."
        if name == "Timeout" and "timeout-decimal" in self.lenient and _DECIMAL.fullmatch(value):
            value = value.split(".")[0]
        if not _INT.fullmatch(value):
            self.fail(code, message, core=core_type or self.core)
            return default
        if not low <= int(value) <= high:
            self.fail(code, message)
            return default
        return int(value)


def _address(check: _Checker, name: str, codes: tuple[int, int, int]) -> str:
    """``To`` or ``From``: required (first code), of an address form (second), a possible number (third)."""
    value = check.form.get(name)
    if value is None or value == "":
        check.errors.append((codes[0], f"The '{name}' number is required."))
        return ""
    if name == "From" and "from-address" in check.lenient:
        return value
    if not has_address_form(value):
        check.fail(codes[1], f"The '{name}' number {value[:64]} is not a phone number, SIP URI or client.")
    elif not is_valid_address(value):  # of a number's form, but of no numbering plan: beyond the core
        check.fail(
            codes[2], f"The '{name}' number {value[:64]} is not a number of any numbering plan.", core=False
        )
    return value


def _application_sid(check: _Checker, profile: Profile) -> str | None:
    """``ApplicationSid``, and the rule that one of it and ``Url`` (twilio: or ``Twiml``) is given."""
    value = check.form.get("ApplicationSid")
    if value is not None and not profile.sid_matches("AP", value):
        check.fail(21218, "ApplicationSid is not valid.", core=False)
        value = None
    inline = profile.inline_documents and "Twiml" in check.form
    if "Url" not in check.form and "ApplicationSid" not in check.form and not inline:
        check.fail(21205, "A call was attempted without a cXML Url or ApplicationSid.")
    return value


def _patterns(check: _Checker) -> None:
    """The create parameters judged by a pattern only: SendDigits, the recording events, MaxPricePerMinute."""
    form = check.form
    send_digits = form.get("SendDigits")
    if send_digits is not None and not _SEND_DIGITS.fullmatch(send_digits):
        check.fail(13222, "SendDigits may hold only 0123456789ABCD*#wW, at most 32.")
    recording_events = form.getall("RecordingStatusCallbackEvent")
    if not _event_lists_formed(recording_events) or any(
        event not in RECORDING_EVENTS for event in _events(recording_events)
    ):
        check.fail(13621, "RecordingStatusCallbackEvent may hold only in-progress, completed and absent.")
    price = form.get("MaxPricePerMinute")
    if price is not None and not _PRICE.fullmatch(price):
        check.fail(10000, "MaxPricePerMinute must be a decimal number with at most 4 decimals.")


def _status_events(check: _Checker) -> frozenset[str]:
    """The StatusCallbackEvent values (repeated keys or space-separated), ``completed`` when none."""
    values = check.form.getall("StatusCallbackEvent")
    events = _events(values)
    bad_events = [event for event in events if event not in CALLBACK_EVENTS]
    if bad_events or not _event_lists_formed(values):
        shown = bad_events[0] if bad_events else ""
        # An unknown event is a core rule; a malformed list of known ones (an empty value) is not.
        check.fail(21626, f"StatusCallbackEvent {shown[:40]!r} is not valid.", core=bool(bad_events))
    return frozenset(event for event in events if event in CALLBACK_EVENTS) or frozenset({"completed"})


def parse_create(
    form: Form,
    profile: Profile = SIGNALWIRE,
    *,
    strict: bool = True,
    extended: bool = True,
    lenient: frozenset[str] = frozenset(),
) -> CreateRequest:
    """The create's parameters, or ValidationFailed listing every invalid one.

    ``strict=False`` (the invalid-params-accepted fault) checks only that To and From are present;
    ``extended=False`` (invalid-params-extended-accepted) checks only the contract's core rules; ``lenient``
    names core rules a faulty endpoint skips (``LENIENT_RULES``).
    """
    check = _Checker(form, strict, extended, lenient)
    twice = repeated(form.pairs, CREATE_PARAMETERS | profile.create_parameters)
    if twice is not None:
        check.fail(10000, f"{twice} was given more than once.", core=False)
    to = _address(check, "To", (21211, 21211, 21217))
    from_ = _address(check, "From", (21213, 21212, 21210))
    url = check.url("Url", 21205)
    application_sid = _application_sid(check, profile)
    fallback_url = check.url("FallbackUrl", 21402)
    status_callback = check.url("StatusCallback", 21402)
    method = check.method("Method")
    fallback_method = check.method("FallbackMethod")
    status_callback_method = check.method("StatusCallbackMethod")
    valid_events = _status_events(check)

    check.core = False  # the spec's other constraints: a SHOULD to refuse (ERR-INVALID-PARAMS-EXTENDED)
    timeout = check.integer("Timeout", 1, 600, 60, 21208, core_type=True)
    twiml = create_params(check, profile)
    recording_callback = check.url("RecordingStatusCallback", 21402)
    check.url("AsyncAmdStatusCallback", 21402)
    recording_callback_method = check.method("RecordingStatusCallbackMethod")
    check.method("AsyncAmdStatusCallbackMethod")
    _patterns(check)
    record = check.boolean("Record")
    if "AsyncAmd" not in profile.create_texts:  # twilio: a string ("true" or "false" in its words)
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
            twiml=None if url else twiml,
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
    twiml: str | None = None

    @property
    def changes_anything(self) -> bool:
        return any(value is not None for value in vars(self).values())


def parse_update(
    form: Form, profile: Profile = SIGNALWIRE, *, strict: bool = True, accept_any_status: bool = False
) -> UpdateRequest:
    """The update's parameters, or ApiError (400) for the first invalid one. No parameter at all is valid."""
    twice = repeated(form.pairs, UPDATE_PARAMETERS | profile.update_parameters)
    if twice is not None and strict:
        raise ApiError(400, 10000, f"{twice} was given more than once.")

    def url(name: str, code: int) -> str | None:
        value = form.get(name)
        if value is None:
            return None
        if not is_http_url(value):
            if strict:
                raise ApiError(400, code, f"{name} must be an absolute http or https URL.")
            return None
        return value

    def method(name: str) -> str | None:
        value = form.get(name)
        if value is None:
            return None
        if value.upper() not in _METHODS:
            if strict:
                raise ApiError(400, 21209, f"{name} must be GET or POST.")
            return None
        return value.upper()

    status = form.get("Status")
    if status is not None and status not in UPDATE_STATUSES and strict and not accept_any_status:
        raise ApiError(400, 10000, "Status must be canceled or completed.")
    for name in profile.update_integers:
        value = form.get(name)
        if value is not None and not whole_number(value) and strict:
            raise ApiError(400, 10000, f"{name} must be a whole number.")
    return UpdateRequest(
        status=status if status in UPDATE_STATUSES else None,
        url=url("Url", 21205),
        method=method("Method"),
        fallback_url=url("FallbackUrl", 21402),
        fallback_method=method("FallbackMethod"),
        status_callback=url("StatusCallback", 21402),
        status_callback_method=method("StatusCallbackMethod"),
        twiml=form.get("Twiml") if profile.inline_documents else None,
    )
