"""One redact() that every artefact (report, log line, cassette) passes through.

It hides secret values (the auth token, the signing key, their near variants and their base64 forms), the value of any
Authorization header, and HTTP Basic credentials (`Basic <base64 of user:password>`), and nothing else: words
such as "HTTP Basic authentication" in a requirement's text stay as they are.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

__all__ = ["PLACEHOLDER", "redact", "strip_userinfo"]

PLACEHOLDER = "[REDACTED]"
# `Authorization: <value>` as a header line, a Python or JSON mapping entry, or a YAML key.
_AUTHORIZATION = re.compile(
    r"""(?i)(\bauthorization["']?\s*[:=]\s*\[?\s*["']?)(?!\[REDACTED\])([^"'\r\n,}\]]+)"""
)
_BASIC = re.compile(r"(?i)\bBasic\s+([A-Za-z0-9+/]{4,}={0,2})")


def _variants(secret: str) -> set[str]:
    """A secret as it may appear: plain, or base64 (in a user:secret pair it is caught as Basic credentials), and
    the near variants the suite sends on purpose (`conformance.core.credentials`: one character short, the case of
    its letters swapped), should an endpoint echo one back."""
    exact = {secret, base64.b64encode(secret.encode()).decode()}
    near = {secret[:-1], secret.swapcase()} - {secret}
    near |= {base64.b64encode(v.encode()).decode() for v in near}
    return {v for v in exact if len(v) >= 4} | {v for v in near if len(v) >= 8}


def _is_credential(encoded: str) -> bool:
    """Whether `encoded` is base64 of `user:password` (so "Basic authentication" is not)."""
    if len(encoded) % 4:
        return False
    try:
        decoded = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return False
    return b":" in decoded


def _basic(match: re.Match[str]) -> str:
    return f"Basic {PLACEHOLDER}" if _is_credential(match[1]) else match[0]


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret, Authorization header value and Basic credential with a fixed placeholder."""
    text = _AUTHORIZATION.sub(lambda m: m[1] + PLACEHOLDER, text)
    text = _BASIC.sub(_basic, text)
    for secret in sorted({v for s in secrets if s for v in _variants(s)}, key=len, reverse=True):
        text = text.replace(secret, PLACEHOLDER)
    return text


def strip_userinfo(url: str) -> str:
    """A URL without any user:password part."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[1], parts.path, parts.query, parts.fragment))
