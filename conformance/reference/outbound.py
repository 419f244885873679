"""Outgoing HTTP: StatusCallback and RecordingStatusCallback delivery, and the call's Url fetches.

Every request first passes the allow-list, checked on the URL's host *literally* before any
network activity (no DNS lookup): an IP literal in 127.0.0.0/8 or ::1, or exactly a name in the
allow-list. Anything else is refused, recorded in ``refusals`` and logged at INFO; the API call that
asked for it still succeeds. Delivery is best effort: errors are logged, never raised, and never
block the API. Requests are signed, in the headers the profile names (signalwire:
``X-SignalWire-Signature`` and ``X-Twilio-Signature``, same value; twilio: ``X-Twilio-Signature``), with
the key the caller gives (the account's signing key, or under twilio its auth token).
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import httpx

from conformance.common.signature import compute_signature
from conformance.common.tls import ssl_context

__all__ = ["Delivery", "HttpOut", "Refusal", "check_host"]

logger = logging.getLogger(__name__)

Params = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Refusal:
    """A request the allow-list stopped: which host, why, and what it was for."""

    url_host: str
    reason: str
    kind: str


@dataclass(frozen=True)
class Delivery:
    """A request that was made: its outcome (HTTP status, or the error's name)."""

    kind: str
    method: str
    url: str
    status_code: int | None
    error: str | None = None


def check_host(url: str, allow: frozenset[str]) -> tuple[str, str | None]:
    """``(host, reason)``: reason is None when ``url`` may be requested, else why not. Pure string work."""
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        parts.port  # noqa: B018 - a malformed port raises ValueError
    except ValueError:
        return "", "unparsable URL"
    if parts.scheme.lower() not in ("http", "https"):
        return host, f"scheme {parts.scheme!r} is not http or https"
    if not host:
        return host, "no host"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and address.is_loopback:
        return host, None
    if host in allow:
        return host, None
    if address is not None:
        return host, "IP address is not loopback and not in the allow-list"
    return host, "host name is not in the allow-list"


class HttpOut:
    """The endpoint's only way out: allow-listed, signed, bounded, best-effort HTTP."""

    def __init__(
        self,
        allow: frozenset[str],
        timeout: float,
        signature_headers: tuple[str, ...] = ("X-SignalWire-Signature", "X-Twilio-Signature"),
    ) -> None:
        self.allow = allow
        self.timeout = timeout
        self.signature_headers = signature_headers
        self.refusals: list[Refusal] = []
        self.deliveries: list[Delivery] = []
        self._client: httpx.AsyncClient | None = None
        self._chains: dict[str, asyncio.Task[None]] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            # trust_env=False: no proxy settings from the environment; no redirects (they could leave loopback).
            self._client = httpx.AsyncClient(
                timeout=self.timeout,
                trust_env=False,
                follow_redirects=False,
                verify=ssl_context(trust_env=False),
            )
        return self._client

    def allowed(self, url: str, kind: str) -> bool:
        host, reason = check_host(url, self.allow)
        if reason is None:
            return True
        self.refusals.append(Refusal(url_host=host, reason=reason, kind=kind))
        logger.info("refused %s request to host %r: %s", kind, host, reason)
        return False

    async def request(
        self, kind: str, url: str, method: str, params: Params, key: str
    ) -> httpx.Response | None:
        """Make one signed request now; None when refused or failed."""
        if not self.allowed(url, kind):
            return None
        method = method.upper()
        if method == "GET":
            query = urlencode(list(params))
            target = f"{url}{'&' if '?' in url else '?'}{query}" if query else url
            signed_params: list[tuple[str, str]] = []
            content = None
        else:
            target, signed_params, content = url, list(params), urlencode(list(params))
        try:
            signed_url = str(httpx.URL(target))
        except (httpx.InvalidURL, ValueError, TypeError):
            self.refusals.append(Refusal(url_host="", reason="URL rejected by the HTTP client", kind=kind))
            return None
        # The HTTP client's own reading of the URL must pass too (no parser-differential way out).
        if not self.allowed(signed_url, kind):
            return None
        signature = compute_signature(key, signed_url, signed_params)
        headers = dict.fromkeys(self.signature_headers, signature)
        headers["User-Agent"] = "calls-conformance-reference/0.1"
        if content is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            response = await self._http().request(method, signed_url, content=content, headers=headers)
        except (httpx.HTTPError, OSError, ValueError) as exc:
            self.deliveries.append(Delivery(kind, method, target, None, type(exc).__name__))
            logger.info("%s request to %s failed: %s", kind, urlsplit(target).hostname, type(exc).__name__)
            return None
        self.deliveries.append(Delivery(kind, method, target, response.status_code))
        return response

    def send(self, call_sid: str, kind: str, url: str, method: str, params: Params, key: str) -> None:
        """Queue a callback; one call's callbacks go out one after another, in the order sent."""
        if not self.allowed(url, kind):
            return
        previous = self._chains.get(call_sid)

        async def deliver() -> None:
            if previous is not None:
                await asyncio.gather(previous, return_exceptions=True)
            await self.request(kind, url, method, params, key)

        task = asyncio.get_running_loop().create_task(deliver())
        self._chains[call_sid] = task
        self._tasks.add(task)
        task.add_done_callback(lambda done: self._forget(call_sid, done))

    def sending(self, call_sid: str) -> bool:
        """Whether a callback of the call is queued or on its way."""
        return call_sid in self._chains

    def _forget(self, call_sid: str, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._chains.get(call_sid) is task:
            del self._chains[call_sid]

    async def drain(self, timeout: float) -> None:
        """Wait (bounded) for queued callbacks, e.g. before shutdown."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()
            self._client = None
