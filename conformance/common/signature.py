"""Webhook request signatures (SignalWire compat scheme B, the Twilio algorithm).

``signature = base64(HMAC-SHA1(key, url + name1 + value1 + name2 + value2 ...))`` with the
parameters in sorted name order. The two orderings differ only for repeated names
(calls-api-facts.md §7.4): Twilio-python sorts and de-duplicates each name's values,
SignalWire's SDKs keep them in submission order, duplicates included.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

__all__ = ["Ordering", "Params", "compute_signature", "signature_matches", "url_variants"]

Ordering = Literal["signalwire", "twilio"]
Params = Iterable[tuple[str, str]] | Mapping[str, str]


def _pairs(params: Params | None) -> list[tuple[str, str]]:
    if params is None:
        return []
    if isinstance(params, Mapping):
        return [(str(k), str(v)) for k, v in params.items()]
    return [(str(k), str(v)) for k, v in params]


def _signed_string(url: str, params: Params | None, ordering: Ordering) -> str:
    pairs = _pairs(params)
    parts = [url]
    if ordering == "twilio":
        by_name: dict[str, set[str]] = {}
        for name, value in pairs:
            by_name.setdefault(name, set()).add(value)
        for name in sorted(by_name):
            parts.extend(name + value for value in sorted(by_name[name]))
    elif ordering == "signalwire":
        # sorted() is stable: values of one name stay in submission order, duplicates kept.
        parts.extend(name + value for name, value in sorted(pairs, key=lambda pair: pair[0]))
    else:
        raise ValueError(f"unknown ordering {ordering!r}; expected 'signalwire' or 'twilio'")
    return "".join(parts)


def compute_signature(
    key: str,
    url: str,
    params: Params | None = (),
    *,
    ordering: Ordering = "signalwire",
) -> str:
    """Base64 HMAC-SHA1 of ``url`` followed by the sorted parameters, keyed by ``key``."""
    digest = hmac.new(
        key.encode("utf-8"), _signed_string(url, params, ordering).encode("utf-8"), hashlib.sha1
    )
    return base64.b64encode(digest.digest()).decode("ascii")


def url_variants(url: str) -> list[str]:
    """``url`` as given, with the scheme's default port added, and with any port removed (as the SDKs try)."""
    variants = [url]
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return variants
    netloc = parts.netloc
    if port is None:
        default = 443 if parts.scheme == "https" else 80
        variants.append(urlunsplit(parts._replace(netloc=f"{netloc}:{default}")))
    else:
        userinfo, _, hostport = netloc.rpartition("@")
        host = hostport.rsplit(":", 1)[0]
        bare = f"{userinfo}@{host}" if userinfo else host
        variants.append(urlunsplit(parts._replace(netloc=bare)))
    return variants


def signature_matches(
    key: str,
    url: str,
    params: Params | None,
    signature: str,
    *,
    ordering: Ordering = "signalwire",
) -> bool:
    """True when ``signature`` is the signature of ``url`` (or its port variants) and ``params``."""
    pairs = _pairs(params)
    given = signature.encode("utf-8")
    found = False
    for variant in url_variants(url):
        expected = compute_signature(key, variant, pairs, ordering=ordering).encode("ascii")
        found |= hmac.compare_digest(expected, given)
    return found
