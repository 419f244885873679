"""The forms of request values, written to accept exactly what the spec's request schemas accept.

A value the client sends is judged as sent: ``Name=`` is the empty value, not a missing parameter, and
a parameter that the spec gives one value may not be sent twice. The patterns are the spec's, checked
with ``fullmatch`` (Python's ``$`` would let a trailing newline through, the spec's does not).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

__all__ = ["MAX_URL", "is_http_url", "is_sid", "repeated"]

MAX_URL = 4096
_PCHAR = r"([A-Za-z0-9._~!$&'()*+,;=:@-]|%[0-9A-Fa-f]{2})"
_PORT = r"(6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})"
# RFC 3986 with scheme http or https and a host: userinfo@, host (name or [IP literal]), :port, path, ?query, #fragment.
_HTTP_URL = re.compile(
    r"[Hh][Tt][Tt][Pp][Ss]?://"
    r"(([A-Za-z0-9._~!$&'()*+,;=:-]|%[0-9A-Fa-f]{2})*@)?"
    r"(([A-Za-z0-9._~!$&'()*+,;=-]|%[0-9A-Fa-f]{2})+|\[[0-9A-Fa-f:.]+\])"
    rf"(:{_PORT}?)?"
    rf"(/{_PCHAR}*)*"
    rf"(\?({_PCHAR}|[/?])*)?"
    rf"(#({_PCHAR}|[/?])*)?"
)
_SID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def is_http_url(value: str) -> bool:
    """An absolute http(s) URL of the spec's form, with a host and a usable port, at most 4096 characters."""
    if len(value) > MAX_URL or not _HTTP_URL.fullmatch(value):
        return False
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a bad port or IP literal
    except ValueError:
        return False
    return bool(parts.hostname)


def is_sid(value: str) -> bool:
    """A sid of the signalwire form: a UUID written 8-4-4-4-12 in hex digits."""
    return _SID.fullmatch(value) is not None


def repeated(pairs: list[tuple[str, str]], names: frozenset[str]) -> str | None:
    """The first of ``names`` that ``pairs`` holds more than once, or None."""
    seen: set[str] = set()
    for key, _ in pairs:
        if key in names:
            if key in seen:
                return key
            seen.add(key)
    return None
