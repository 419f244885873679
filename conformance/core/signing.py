"""Verifying a captured callback's signature: which headers carry it, what it covers, and why it fails.

The algorithm itself is `conformance.common.signature` (shared with the reference endpoint); this adds
what a receiver must do around it (calls-api-facts §7.4): the header to read per profile, the parameters a
signature covers (a form body's; none for query-string and JSON callbacks) and the `bodySHA256` a JSON
callback's URL carries. It needs only a request's URL, parameters, body and body format, so the callback
checks and the cassette scrubber share it.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from typing import Protocol
from urllib.parse import parse_qsl, urlsplit

from conformance.common.signature import signature_matches

__all__ = ["SIGNATURE_HEADERS", "SignedRequest", "signature_problem", "signed_params"]

SIGNATURE_HEADERS = {
    # The first present header is the one a receiver verifies (SignalWire's SDKs: SignalWire's, else Twilio's).
    "signalwire": ("X-SignalWire-Signature", "X-Twilio-Signature"),
    "twilio": ("X-Twilio-Signature",),
}


class SignedRequest(Protocol):
    """What a signature covers of a callback request (`conformance.core.capture.Capture` is one)."""

    @property
    def url(self) -> str: ...

    @property
    def params(self) -> Sequence[tuple[str, str]]: ...

    @property
    def body(self) -> bytes: ...

    @property
    def body_format(self) -> str: ...


def signed_params(request: SignedRequest) -> Sequence[tuple[str, str]]:
    """The parameters a signature covers besides the URL: a form body's; none for query and JSON callbacks."""
    return request.params if request.body_format == "form" else ()


def signature_problem(key: str, request: SignedRequest, signature: str) -> str | None:
    """Why `signature` does not sign `request` (calls-api-facts §7.4), or None when it does."""
    if request.body_format == "json":
        query = dict(parse_qsl(urlsplit(request.url).query, keep_blank_values=True))
        claimed = query.get("bodySHA256")
        if claimed is None:
            return "a JSON body needs bodySHA256 in the URL"
        if not hmac.compare_digest(claimed.lower(), hashlib.sha256(request.body).hexdigest()):
            return "bodySHA256 is not the SHA-256 of the body"
    params = signed_params(request)  # query parameters travel in the URL, which is signed as it is
    if any(
        signature_matches(key, request.url, params, signature, ordering=o) for o in ("signalwire", "twilio")
    ):
        return None
    return "signed with another key, or over another URL or parameters"
