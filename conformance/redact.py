"""One redact() that every artefact (report, log line, cassette) passes through."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from urllib.parse import urlsplit, urlunsplit

__all__ = ["PLACEHOLDER", "redact", "strip_userinfo"]

PLACEHOLDER = "[REDACTED]"
_BASIC = re.compile(r"(?i)\bBasic\s+[A-Za-z0-9+/=]{8,}")


def _variants(secret: str) -> set[str]:
    """A secret as it may appear: plain, base64 (alone or in a user:secret pair is caught by _BASIC)."""
    variants = {secret}
    variants.add(base64.b64encode(secret.encode()).decode())
    return {v for v in variants if len(v) >= 4}


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret, and every Basic credential, with a fixed placeholder."""
    text = _BASIC.sub(f"Basic {PLACEHOLDER}", text)
    for secret in sorted({v for s in secrets if s for v in _variants(s)}, key=len, reverse=True):
        text = text.replace(secret, PLACEHOLDER)
    return text


def strip_userinfo(url: str) -> str:
    """A URL without any user:password part."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[1], parts.path, parts.query, parts.fragment))
