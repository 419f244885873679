"""What a failure shows so that it can be seen again: the HTTP exchange a check judged, or the callback request
the endpoint made.

An `Exchange` is one request of the suite and the endpoint's answer: method, URL, form or query, how it was
authenticated (never the credential itself), the status, a bounded excerpt of the answer, the call sid when
there is one, and a `curl` command that repeats the request with the same credentials taken from the environment
(`-u "$CALLS_ACCOUNT_SID:$CALLS_AUTH_TOKEN"`, or the variant it sent: `conformance.core.credentials`).
A `CallbackRequest` is a callback the endpoint sent to the suite's receiver. Both are plain values; they render
as the indented lines of a failure's block.
"""

from __future__ import annotations

import dataclasses
import json
import re
import shlex
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from conformance.core.credentials import by_name

if TYPE_CHECKING:
    import httpx

    from conformance.core.capture import Capture

__all__ = [
    "AUTH_EXTENSION",
    "CallbackRequest",
    "Evidence",
    "Exchange",
    "callbacks_of",
    "exchange_of",
]

# The request extension the client sets to say how a request was authenticated: the name of its
# `conformance.core.credentials.Credentials` ("account": the run's own; "none"; a variant the contract refuses).
AUTH_EXTENSION = "calls_auth"
ANSWER_LIMIT = 300
FORM_LIMIT = 600
CURL_LIMIT = 4000
_FORM = "application/x-www-form-urlencoded"
_SID_IN_PATH = re.compile(r"/Calls/(?P<sid>[^/?.]+)")


def _bounded(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _without_userinfo(url: str) -> str:
    parts = urlsplit(url)
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _pairs_text(pairs: Iterable[tuple[str, str]], limit: int) -> str:
    return _bounded(", ".join(f"{key}={value}" for key, value in pairs), limit)


@dataclasses.dataclass(frozen=True)
class Exchange:
    """One request the suite sent and the answer it got, as a failure shows them."""

    method: str
    url: str
    content_type: str | None
    body: bytes
    auth: str
    status: int
    answer: str
    call_sid: str | None = None

    @property
    def form(self) -> list[tuple[str, str]] | None:
        """The form pairs of a form-encoded body that reads back exactly as sent, else None."""
        if not self.body or (self.content_type or "").split(";")[0].strip().lower() != _FORM:
            return None
        try:
            text = self.body.decode("ascii")
        except UnicodeDecodeError:
            return None
        pairs = parse_qsl(text, keep_blank_values=True)
        return pairs if urlencode(pairs) == text else None

    def target(self) -> str:
        """The request line's target: path and query, no host."""
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")

    def lines(self) -> list[str]:
        """The block's lines: the request, its form or body, the answer, the call and the curl command."""
        lines = [
            f"Request: {self.method} {self.target()}"
            + ("" if self.auth == "account" else f" ({self._auth_words()})")
        ]
        form = self.form
        if form is not None:
            lines.append(f"Form: {_pairs_text(form, FORM_LIMIT)}")
        elif self.body:
            lines.append(
                f"Body ({self.content_type or 'no Content-Type'}): {_bounded(self._body_text(), FORM_LIMIT)}"
            )
        lines.append(f"Answer: {self.status} {self.answer}".rstrip())
        if self.call_sid:
            lines.append(f"Call: {self.call_sid}")
        lines.append(f"Repeat: {self.curl()}")
        return lines

    def _auth_words(self) -> str:
        return by_name(self.auth).words

    def _body_text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def curl(self) -> str:
        """A shell command that sends the same request again (credentials from the environment)."""
        words = ["curl", "-sS", "-X", self.method]
        credentials = by_name(self.auth).curl
        if credentials:
            words.append(credentials)
        words.append(shlex.quote(self.url))
        form = self.form
        if form is not None:
            words += [
                f"--data-urlencode {shlex.quote(quote(key, safe='') + '=' + value)}" for key, value in form
            ]
        elif self.body:
            text = self._body_text()
            if "\x00" in text or "\ufffd" in text:
                return f"(the request body holds bytes a shell argument cannot: {len(self.body)} bytes)"
            if self.content_type:
                words.append(f"-H {shlex.quote('Content-Type: ' + self.content_type)}")
            words.append(f"--data-binary {shlex.quote(text)}")
        command = " ".join(words)
        if len(command) > CURL_LIMIT:
            return f"(the request is too long for one command line: {len(command)} characters)"
        return command


@dataclasses.dataclass(frozen=True)
class CallbackRequest:
    """One callback the endpoint sent to the suite's receiver."""

    kind: str
    method: str
    url: str
    body_format: str
    params: tuple[tuple[str, str], ...]

    @property
    def call_sid(self) -> str | None:
        return next((v for k, v in self.params if k == "CallSid"), None)

    def line(self) -> str:
        return (
            f"{self.kind} callback: {self.method} {urlsplit(self.url).path} ({self.body_format}) "
            f"{_pairs_text(self.params, FORM_LIMIT)}"
        )


@dataclasses.dataclass(frozen=True)
class Evidence:
    """What a failure shows: an exchange, or callbacks the endpoint sent (the last few), and the call."""

    exchange: Exchange | None = None
    callbacks: tuple[CallbackRequest, ...] = ()
    call_sid: str | None = None

    def lines(self) -> list[str]:
        if self.callbacks:
            shown = self.callbacks[-3:]
            more = len(self.callbacks) - len(shown)
            lines = [c.line() for c in shown]
            if more:
                lines.insert(0, f"({more} earlier callback(s) of this call not shown)")
            sid = self.call_sid or shown[-1].call_sid
            return [*lines, *([f"Call: {sid}"] if sid else [])]
        if self.exchange is not None:
            exchange = self.exchange
            if self.call_sid and self.call_sid != exchange.call_sid:
                exchange = dataclasses.replace(exchange, call_sid=self.call_sid)
            return exchange.lines()
        return [f"Call: {self.call_sid}"] if self.call_sid else []


def _call_sid(url: str, answer: Any) -> str | None:
    if isinstance(answer, dict) and isinstance(answer.get("sid"), str):
        return str(answer["sid"])
    match = _SID_IN_PATH.search(urlsplit(url).path)
    return match["sid"] if match else None


def exchange_of(response: httpx.Response) -> Exchange | None:
    """The exchange of an answer the client received (httpx keeps the request it answers); None for an answer
    made without a request (a test's own)."""
    try:
        request = response.request
    except RuntimeError:
        return None
    url = _without_userinfo(str(request.url))
    try:
        body = bytes(request.content)
    except Exception:  # a streamed body that was not read: nothing to show
        body = b""
    auth = request.extensions.get(AUTH_EXTENSION)
    if not isinstance(auth, str) or by_name(auth).name != auth:
        auth = "account" if "authorization" in request.headers else "none"
    text = response.content.decode("utf-8", "replace") if response.content else ""
    try:
        answer = json.loads(text) if text else None
    except ValueError:
        answer = None
    return Exchange(
        method=request.method,
        url=url,
        content_type=request.headers.get("content-type"),
        body=body,
        auth=str(auth),
        status=response.status_code,
        answer=_bounded(" ".join(text.split()), ANSWER_LIMIT),
        call_sid=_call_sid(url, answer),
    )


def callbacks_of(captures: Sequence[Capture]) -> tuple[CallbackRequest, ...]:
    """The callback requests of captured callbacks, in order."""
    return tuple(
        CallbackRequest(c.kind, c.method, _without_userinfo(c.url), c.body_format, tuple(c.params))
        for c in captures
    )
