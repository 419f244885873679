"""`CallbackReceiver`: the receiver app (on loopback unless told where to listen), with URLs for the calls the
suite creates, and the pre-flight that proves its public URL leads to it."""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Iterable

import httpx

from conformance.common.loopback import LoopbackServer
from conformance.core.capture import Capture
from conformance.core.clock import Clock
from conformance.receiver.app import create_receiver_app
from conformance.receiver.captures import CaptureLog
from conformance.receiver.urls import APP_PREFIX, APP_QUERY

__all__ = ["CallbackReceiver"]


class CallbackReceiver:
    """Serves LaML and captures callbacks on `host:port`; `base_url` is how the endpoint reaches it: the public
    URL (CALLS_CALLBACK_URL) when there is one, else the address it listens on (loopback for a wildcard).

    The run's clock bounds waits on its log and draws its callback tokens.
    """

    def __init__(
        self, clock: Clock, public_url: str | None = None, *, host: str = "127.0.0.1", port: int = 0
    ) -> None:
        self.clock = clock
        self.log = CaptureLog(clock)
        self._public_url = public_url.rstrip("/") if public_url else None
        self._server = LoopbackServer(
            create_receiver_app(self.log, lambda: self.base_url),
            host=host,
            port=port,
            name="callback-receiver",
            loopback_only=False,
        )

    @classmethod
    def replayed(cls, clock: Clock, public_url: str, captures: Iterable[Capture]) -> CallbackReceiver:
        """A receiver that is never started: its log holds the captures of a recorded run."""
        receiver = cls(clock, public_url)
        receiver.log = CaptureLog(clock, captures)
        return receiver

    def start(self) -> CallbackReceiver:
        self._server.start()
        return self

    def request_stop(self) -> None:
        """Start shutting down without waiting for it (`stop` waits)."""
        self._server.request_stop()

    def stop(self) -> None:
        self._server.stop()

    @property
    def listening(self) -> str:
        """The URL of the address it is bound to (http://0.0.0.0:8080 for a wildcard), as printed at the start."""
        return self._server.origin

    @property
    def base_url(self) -> str:
        if self._public_url:
            return self._public_url
        host = self._server.host
        if _is_wildcard(host):  # every address: this machine's own reaches it
            return self._server.origin.replace(host, "::1" if ":" in host else "127.0.0.1", 1)
        return self._server.origin

    def preflight(self, timeout: float) -> str | None:
        """Send one request with a fresh nonce to `base_url`; None when it reached this receiver, else why not.

        Only the nonce seen in the log counts: a tunnel answering for another server does not.
        """
        nonce = secrets.token_hex(16)
        via = "CALLS_CALLBACK_URL" if self._public_url else "the receiver's own URL"
        what = f"the pre-flight request through {via} did not reach the callback receiver"
        try:
            response = httpx.get(f"{self.base_url}/preflight/{nonce}", timeout=timeout)
        except httpx.HTTPError as exc:
            return f"{what} ({type(exc).__name__}: {exc or 'no detail'})"
        if any(c.kind == "preflight" and c.token == nonce for c in self.log.all()):
            return None
        return f"{what} (it was answered {response.status_code}, by something else)"

    def laml_url(self, scenario: str, token: str | None = None, *, app: bool = False) -> str:
        """URL of a LaML document: `hangup`, or `pause-N` (up N seconds, then hang up), or one failing on purpose
        (`fail-500`, `not-laml`); under a `token`, each request for it is captured (kind "document"). `app`: in an
        application's shape (several path segments, one percent-encoded, and a query string; needs a token)."""
        if app and token:
            return self._app_url(token, f"laml/{scenario}")
        return f"{self.base_url}/laml/{token}/{scenario}" if token else f"{self.base_url}/laml/{scenario}"

    def _app_url(self, token: str, tail: str) -> str:
        return f"{self.base_url}{APP_PREFIX}/{token}/{tail}?{APP_QUERY}"

    def new_token(self) -> str:
        """A token for one call's callback URLs (repeatable: see conformance.core.clock)."""
        return self.clock.callback_token()

    def status_url(self, token: str, *, app: bool = False) -> str:
        """Where status callbacks for `token` are captured (`app`: in an application's URL shape)."""
        return self._app_url(token, "status") if app else f"{self.base_url}/status/{token}"

    def recording_url(self, token: str, *, app: bool = False) -> str:
        return self._app_url(token, "recording") if app else f"{self.base_url}/recording/{token}"

    def captures(self, token: str, kind: str | None = None) -> list[Capture]:
        return self.log.for_token(token, kind)

    def __enter__(self) -> CallbackReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _is_wildcard(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False
