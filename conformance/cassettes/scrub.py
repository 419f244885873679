"""What a recording may store, decided in one place: credentials out, the endpoint and the account fixed.

A `Scrubber` holds the run's real values and what each becomes: the endpoint's origin and the
receiver's URL become fixed hosts (so one cassette set serves any endpoint), the account sid a fixed
sid of the same form, the callback tokens' nonce a fixed one; the auth token and the signing key go
through `redact()`. Headers are dropped but for a few harmless ones (Authorization never survives).
The same rewrite is applied to every request a replay makes before it is matched, so a replay, made
with the placeholders, asks exactly what the recording stored. Callbacks are re-signed with the
placeholder key over their rewritten URL, when (and only when) the original signature verified.
"""

from __future__ import annotations

import base64
import dataclasses
import gzip
import hashlib
import re
import uuid
import zlib
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode, urlsplit, urlunsplit

from conformance.common.signature import Ordering, compute_signature, signature_matches
from conformance.core.capture import Capture
from conformance.core.clock import REPLAY_NONCE
from conformance.core.redaction import redact
from conformance.core.signing import SIGNATURE_HEADERS, signature_problem, signed_params

__all__ = [
    "ACTOR_HEADER",
    "ARRIVED_HEADER",
    "AUTH_TOKEN",
    "ENDPOINT_ORIGIN",
    "INVALID_SIGNATURE",
    "RECEIVER_URL",
    "SIGNING_KEY",
    "Scrubber",
    "StoredRequest",
    "UnscrubbableResponse",
    "placeholder_account",
]

ENDPOINT_ORIGIN = "http://endpoint.invalid"
RECEIVER_URL = "http://receiver.invalid"
AUTH_TOKEN = "replayed-auth-token"
SIGNING_KEY = "replayed-signing-key"
# Stored with each recorded request (never sent): which test or scenario made it, so that requests
# alike from concurrent scenarios are told apart.
ACTOR_HEADER = "x-conformance-actor"
# Stored with each recorded answer: when it arrived (conformance.core.clock.Clock.stamp), for the replay's clock.
ARRIVED_HEADER = "x-conformance-arrived"
# Kept as recorded: what the checks read, and nothing that could carry a credential or a cookie.
KEPT_REQUEST_HEADERS = frozenset({"content-type"})
KEPT_RESPONSE_HEADERS = frozenset({"content-type", "location", "www-authenticate", "retry-after", "allow"})
# Stands for a recorded signature that did not verify: a replay must judge it invalid, as the recording did.
INVALID_SIGNATURE = base64.b64encode(b"the recorded signature did not verify").decode()
_SIGNATURE_HEADER_NAMES = frozenset(name.lower() for names in SIGNATURE_HEADERS.values() for name in names)
_TWILIO_STYLE_SID = re.compile(r"[A-Z]{2}[0-9a-fA-F]{32}")


@dataclasses.dataclass(frozen=True)
class StoredRequest:
    """A request as a cassette stores it (VCR.py's fields): method, URL, body and headers."""

    method: str
    uri: str
    body: bytes | None
    headers: Mapping[str, str]


class UnscrubbableResponse(Exception):
    """A response body the scrubber cannot read (an encoding it cannot undo), so it may not be stored."""


def placeholder_account(sid: str) -> str:
    """A fixed account sid of the same form as `sid` (so that the sid-format checks judge it alike)."""
    if _TWILIO_STYLE_SID.fullmatch(sid):
        return sid[:2] + "0" * 32
    try:
        uuid.UUID(sid)
    except ValueError:
        return "recorded-account"
    return "00000000-0000-4000-8000-000000000000"


def _origin(url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, "", "", ""))


@dataclasses.dataclass(frozen=True)
class Scrubber:
    """Rewrites requests, responses and callbacks of one run; `Scrubber()` alone is a replay's (no real values)."""

    endpoint: str = ENDPOINT_ORIGIN  # the origin requests are recorded for; others are not recorded
    replacements: tuple[tuple[str, str], ...] = ()  # (real, placeholder)
    credentials: tuple[tuple[str, str], ...] = ()  # (kind, value): never stored
    signing_key: str = SIGNING_KEY  # what the recorded callbacks were signed with

    @classmethod
    def for_run(
        cls,
        *,
        base_url: str,
        account_sid: str,
        auth_token: str,
        signing_key: str | None,
        receiver_url: str | None,
        nonce: str,
    ) -> Scrubber:
        """The scrubber of a recording: these real values out, the placeholders in."""
        endpoint = _origin(base_url)
        pairs = [(endpoint, ENDPOINT_ORIGIN), (urlsplit(endpoint).netloc, urlsplit(ENDPOINT_ORIGIN).netloc)]
        if receiver_url:
            receiver = receiver_url.rstrip("/")
            pairs += [(receiver, RECEIVER_URL)]
            if urlsplit(receiver).netloc != urlsplit(endpoint).netloc:
                pairs += [(urlsplit(receiver).netloc, urlsplit(RECEIVER_URL).netloc)]
        pairs += [(account_sid, placeholder_account(account_sid)), (nonce, REPLAY_NONCE)]
        return cls(
            endpoint=endpoint,
            replacements=tuple((a, b) for a, b in pairs if a and a != b),
            credentials=tuple(
                (kind, value)
                for kind, value in (("auth token", auth_token), ("signing key", signing_key))
                if value
            ),
            signing_key=signing_key or auth_token,
        )

    # ------------------------------------------------------------------ text
    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(secret for _, secret in self.credentials)

    def text(self, text: str) -> str:
        """Every real value rewritten (as is, and URL-encoded either way), then every credential redacted."""
        compiled = _compile(self.replacements)
        if compiled is not None:
            pattern, table = compiled
            text = pattern.sub(lambda match: table[match.group(0)], text)
        return redact(text, self.secrets)

    def data(self, data: bytes | str | None) -> bytes | None:
        if data is None:
            return None
        if isinstance(data, str):
            data = data.encode()
        try:
            return self.text(data.decode("utf-8")).encode("utf-8")
        except UnicodeDecodeError:
            for real, placeholder in self.replacements:
                data = data.replace(real.encode(), placeholder.encode())
            for secret in self.secrets:
                data = data.replace(secret.encode(), b"[REDACTED]")
            return data

    def leaks(self, text: str) -> list[str]:
        """Which credentials (or a Basic header) `text` still shows, by kind: empty when it may be stored."""
        basic_redacted = redact(text, [])
        found = [kind for kind, secret in self.credentials if redact(text, [secret]) != basic_redacted]
        if basic_redacted != text:
            found.append("Basic credentials")
        return found

    # ------------------------------------------------------------------ what a cassette stores
    def request(self, request: StoredRequest | Any, actor: str = "") -> StoredRequest | None:
        """The request as stored (and as matched), tagged with the `actor` that made it: None for requests to
        anything but the endpoint. Any object with a request's `method`, `uri`, `body` and `headers` will do.

        Applied twice to one request, it changes nothing the second time (its actor kept).
        """
        if _origin(request.uri) not in (self.endpoint, ENDPOINT_ORIGIN):
            return None
        headers = {k: v for k, v in request.headers.items() if k.lower() in KEPT_REQUEST_HEADERS}
        headers[ACTOR_HEADER] = request.headers.get(ACTOR_HEADER) or actor
        return StoredRequest(request.method, self.text(request.uri), self.data(request.body), headers)

    def response(self, response: dict[str, Any]) -> dict[str, Any]:
        """The response as stored (VCR.py's dict): decoded, only harmless headers, the body rewritten."""
        response = _decoded(response)
        headers = {k.lower(): v for k, v in response["headers"].items()}
        encoding = [e for e in headers.get("content-encoding", []) if e.lower() != "identity"]
        if encoding:
            raise UnscrubbableResponse(f"a {', '.join(encoding)}-encoded response cannot be scrubbed")
        response["headers"] = {k: v for k, v in headers.items() if k in KEPT_RESPONSE_HEADERS}
        response["body"] = {"string": self.data(response["body"]["string"]) or b""}
        return response

    # ------------------------------------------------------------------ callbacks
    def capture(self, capture: Capture) -> Capture:
        """The capture as stored: rewritten, and its signatures re-made with the placeholder key if they verified."""
        rewritten = dataclasses.replace(
            capture,
            token=self.text(capture.token),
            url=self.text(capture.url),
            params=tuple((self.text(k), self.text(v)) for k, v in capture.params),
            body=self.data(capture.body) or b"",
            headers=tuple(
                (k, v if k.lower() in _SIGNATURE_HEADER_NAMES else self.text(v)) for k, v in capture.headers
            ),
        )
        rewritten = self._rehash(capture, rewritten)
        headers = tuple(
            (k, self._resign(capture, rewritten, v) if k.lower() in _SIGNATURE_HEADER_NAMES else v)
            for k, v in rewritten.headers
        )
        return dataclasses.replace(rewritten, headers=headers)

    def _rehash(self, original: Capture, rewritten: Capture) -> Capture:
        """A JSON callback's URL carries bodySHA256: recompute it for the rewritten body if it was right."""
        if original.body_format != "json":
            return rewritten
        parts = urlsplit(rewritten.url)
        query = parse_qsl(parts.query, keep_blank_values=True)
        claimed = dict(query).get("bodySHA256", "")
        if claimed.lower() != hashlib.sha256(original.body).hexdigest():
            return rewritten
        digest = hashlib.sha256(rewritten.body).hexdigest()
        query = [(k, digest if k == "bodySHA256" else v) for k, v in query]
        return dataclasses.replace(rewritten, url=urlunsplit(parts._replace(query=urlencode(query))))

    def _resign(self, original: Capture, rewritten: Capture, signature: str) -> str:
        if signature_problem(self.signing_key, original, signature) is not None:
            return INVALID_SIGNATURE
        orderings: tuple[Ordering, ...] = ("signalwire", "twilio")
        ordering = next(o for o in orderings if _verifies(self.signing_key, original, signature, o))
        return compute_signature(SIGNING_KEY, rewritten.url, signed_params(rewritten), ordering=ordering)


# The content encodings a stored answer is decoded from (any other cannot be scrubbed, so is never stored).
_DECOMPRESSORS: dict[str, Callable[[bytes], bytes]] = {"gzip": gzip.decompress, "deflate": zlib.decompress}


def _decoded(response: dict[str, Any]) -> dict[str, Any]:
    """The response (a copy) with its body decompressed, when its first content encoding is one of
    _DECOMPRESSORS, and that encoding no longer named (VCR.py's rule, which the stored cassettes follow)."""
    headers = {k: list(v) for k, v in response["headers"].items()}
    name = next((k for k in headers if k.lower() == "content-encoding"), None)
    encodings = headers.get(name, []) if name else []
    decompress = _DECOMPRESSORS.get(encodings[0].lower()) if encodings else None
    if name is None or decompress is None:
        return {**response, "headers": headers}
    body = decompress(response["body"]["string"])
    headers[name] = encodings[1:]
    if not headers[name]:
        del headers[name]
    headers["content-length"] = [str(len(body))]
    return {**response, "headers": headers, "body": {**response["body"], "string": body}}


def _verifies(key: str, capture: Capture, signature: str, ordering: Ordering) -> bool:
    return signature_matches(key, capture.url, signed_params(capture), signature, ordering=ordering)


# A real value may appear as it is or URL-encoded (in a query string or a form body): each form of it
# is replaced by the same form of its placeholder.
_ENCODINGS: tuple[Callable[[str], str], ...] = (
    lambda value: value,
    lambda value: quote(value, safe=""),
    quote_plus,
    lambda value: quote(value, safe="/"),
)
_COMPILED: dict[tuple[tuple[str, str], ...], tuple[re.Pattern[str], dict[str, str]]] = {}


def _compile(replacements: tuple[tuple[str, str], ...]) -> tuple[re.Pattern[str], dict[str, str]] | None:
    """One pattern for every form of every real value (longest first), and their replacements. A host with
    a port never matches the start of a longer port (127.0.0.1:4000 is not 127.0.0.1:40001)."""
    if not replacements:
        return None
    if replacements not in _COMPILED:
        table = {
            encode(real): encode(placeholder) for real, placeholder in replacements for encode in _ENCODINGS
        }
        alternatives = "|".join(
            re.escape(form) + (_NOT_MID_PORT if _PORT_AT_END.search(form) else "")
            for form in sorted(table, key=len, reverse=True)
        )
        _COMPILED[replacements] = (re.compile(alternatives), table)
    return _COMPILED[replacements]


_PORT_AT_END = re.compile(r"(:|%3A)[0-9]+$", re.IGNORECASE)
_NOT_MID_PORT = "(?![0-9])"
