"""The request parameters only one profile takes, judged as its spec states them (twilio's, from Twilio's
OpenAPI description): whole numbers of no range (``TimeLimit``), absolute http(s) URLs
(``ClientNotificationUrl``), strings of a pattern (``Byoc``), free text (``CallReason``, ``CallToken``; and
``AsyncAmd``, a string in Twilio's description), and an inline document (``Twiml``, at most 4000 characters
on create). Each breaks no rule of the contract's core: refusing it is a SHOULD (ERR-INVALID-PARAMS-EXTENDED).
"""

from __future__ import annotations

import re
from typing import Protocol

from .profiles import Profile

__all__ = ["MAX_TWIML", "Checks", "FormReader", "create_params", "whole_number"]

MAX_TWIML = 4000
_WHOLE = re.compile(r"[+-]?[0-9]{1,30}")  # an integer of the spec's, with no range


class FormReader(Protocol):
    """What a form offers: the last value of a parameter, or None."""

    def get(self, name: str) -> str | None: ...


class Checks(Protocol):
    """What the create's checker offers (``validation._Checker``)."""

    @property
    def form(self) -> FormReader: ...

    def fail(self, code: int, message: str, *, core: bool | None = None) -> None: ...

    def url(self, name: str, code: int) -> str | None: ...


def whole_number(value: str) -> bool:
    """An integer as the spec types one (no range), sign allowed."""
    return _WHOLE.fullmatch(value) is not None


def create_params(check: Checks, profile: Profile) -> str | None:
    """Check the create parameters only the profile takes; the inline document (twilio's Twiml), if any."""
    form = check.form
    for name in profile.create_integers:
        value = form.get(name)
        if value is not None and not whole_number(value):
            check.fail(10000, f"{name} must be a whole number.", core=False)
    for name in profile.create_urls:
        check.url(name, 21402)
    for name, pattern in profile.create_patterns.items():
        value = form.get(name)
        if value is not None and not re.fullmatch(pattern, value):
            check.fail(10000, f"{name} is not valid.", core=False)
    twiml = form.get("Twiml") if profile.inline_documents else None
    if twiml is not None and len(twiml) > MAX_TWIML:
        check.fail(10000, f"Twiml may hold at most {MAX_TWIML} characters.", core=False)
        return None
    return twiml
