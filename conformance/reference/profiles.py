"""The two profiles the endpoint speaks, as data: a ``Profile`` each, named in ``PROFILES``.

What differs between SignalWire's Compatibility API and Twilio's API for the Calls resource, as
contract-decisions.md and Twilio's OpenAPI description (twilio-oai, ``twilio_api_v2010``) give it: the
path prefixes, the identifiers' form, the Call's field set (``serialize.py`` holds one serialiser per
profile), the create's success code, error bodies, how callbacks are signed and what they carry, the
list envelope, the create and update parameters only one profile takes, and the decisions the profile
takes otherwise than the default ``Behaviour`` (``decisions``).

Paths: signalwire serves ``/api/laml/2010-04-01`` and ``/2010-04-01``; twilio ``/2010-04-01`` only (any
other prefix answers 404). Both answer a path with or without ``.json`` alike, in JSON. Twilio's form
is ``.json``, the only one the uris and paging links it hands out use; Twilio itself answers XML
without the suffix, a format this endpoint does not speak, so it answers JSON there too.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from .syntax import is_sid

__all__ = ["PROFILES", "SIGNALWIRE", "TWILIO", "Profile", "profile_named"]

SidStyle = Literal["uuid", "twilio"]


@dataclass(frozen=True)
class Profile:
    """Everything the endpoint does differently under one profile."""

    name: str
    prefixes: tuple[str, ...]  # served path prefixes; the first is the base URL's and the uris'
    sid_style: SidStyle  # "uuid", or "twilio": a two-letter kind (AC, CA, PN, RE) + 32 hex digits
    create_status: int  # a successful create's HTTP status
    more_info: str  # an error body's more_info, `{code}` filled in
    validation_errors: Literal["list", "first"]  # a refused create: every error listed, or the first alone
    signature_headers: tuple[str, ...]  # the headers a callback's signature travels in
    foreign_signature_header: str  # the other profile's header (the signature-header fault sends only it)
    callback_key: Literal["signing-key", "auth-token"]  # what callbacks are signed with
    list_positions: bool  # the list envelope carries `start` and `end`
    recording_source: str  # RecordingSource of a recording a create asked for
    media_counters: bool  # status callbacks carry SignalWire's AudioIn*/AudioOut* counters
    sip_code_param: str  # the final status callback's SIP code parameter
    inline_documents: bool  # `Twiml` (create and update) gives the call's instructions inline
    create_integers: tuple[str, ...] = ()  # create parameters only this profile takes: whole numbers,
    create_urls: tuple[str, ...] = ()  # absolute http(s) URLs,
    create_patterns: Mapping[str, str] = field(default_factory=dict)  # strings matching a pattern,
    create_texts: tuple[str, ...] = ()  # and free text (a boolean of the other profile's, read as text)
    update_integers: tuple[str, ...] = ()  # update parameters only this profile takes: whole numbers
    decisions: Mapping[str, Any] = field(default_factory=dict)  # Behaviour fields whose default it changes

    @property
    def prefix(self) -> str:
        """The base URL's path (``/2010-04-01`` or ``/api/laml/2010-04-01``), also the uris'."""
        return self.prefixes[0]

    @property
    def create_parameters(self) -> frozenset[str]:
        """The create parameters only this profile takes (each one-valued)."""
        names = (*self.create_integers, *self.create_urls, *self.create_patterns, *self.create_texts)
        return frozenset(names) | ({"Twiml"} if self.inline_documents else frozenset())

    @property
    def update_parameters(self) -> frozenset[str]:
        """The update parameters only this profile takes (each one-valued)."""
        return frozenset(self.update_integers) | ({"Twiml"} if self.inline_documents else frozenset())

    def new_sid(self, kind: str, *, other: bool = False) -> str:
        """A fresh identifier of the profile's form (``other``: of the other form): a UUID, or kind + 32 hex."""
        value = uuid.uuid4()
        twilio = (self.sid_style == "twilio") != other
        return kind + value.hex if twilio else str(value)

    def sid_matches(self, kind: str, value: str) -> bool:
        """Whether ``value`` is a sid of the profile's form: a UUID, or (twilio) ``kind`` + 32 hex digits."""
        if self.sid_style == "uuid":
            return is_sid(value)
        return re.fullmatch(kind + "[0-9a-fA-F]{32}", value) is not None


SIGNALWIRE = Profile(
    name="signalwire",
    prefixes=("/api/laml/2010-04-01", "/2010-04-01"),
    sid_style="uuid",
    create_status=200,
    more_info="https://developer.signalwire.com/compatibility-api/reference/errors/{code}",
    validation_errors="list",
    signature_headers=("X-SignalWire-Signature", "X-Twilio-Signature"),
    foreign_signature_header="X-Twilio-Signature",
    callback_key="signing-key",
    list_positions=False,
    recording_source="OutBoundApi",
    media_counters=True,
    sip_code_param="SipResultCode",
    inline_documents=False,
)

TWILIO = Profile(
    name="twilio",
    prefixes=("/2010-04-01",),
    sid_style="twilio",
    create_status=201,
    more_info="https://www.twilio.com/docs/errors/{code}",
    validation_errors="first",
    signature_headers=("X-Twilio-Signature",),
    foreign_signature_header="X-SignalWire-Signature",
    callback_key="auth-token",
    list_positions=True,
    recording_source="OutboundAPI",
    media_counters=False,
    sip_code_param="SipResponseCode",
    inline_documents=True,
    create_integers=("TimeLimit",),
    create_urls=("ClientNotificationUrl",),
    create_patterns=MappingProxyType({"Byoc": r"BY[0-9a-fA-F]{32}"}),
    create_texts=("CallReason", "CallToken", "AsyncAmd"),  # AsyncAmd: a string in Twilio's description
    update_integers=("TimeLimit",),
    # Twilio: Status=canceled "will not affect calls already in progress" (200, the call unchanged).
    decisions=MappingProxyType({"cancel_in_progress": "ignore"}),
)

PROFILES: Mapping[str, Profile] = MappingProxyType({p.name: p for p in (SIGNALWIRE, TWILIO)})


def profile_named(name: str) -> Profile:
    """The profile called ``name``; ValueError naming the valid ones otherwise."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; valid profiles: {', '.join(PROFILES)}") from None
