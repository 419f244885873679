"""`CallbackReceiver`: the receiver app on loopback, with URLs for the calls the suite creates."""

from __future__ import annotations

from collections.abc import Iterable

from conformance.capture import Capture
from conformance.clock import Clock
from conformance.common.loopback import LoopbackServer
from conformance.receiver.app import create_receiver_app
from conformance.receiver.captures import CaptureLog
from conformance.receiver.urls import APP_PREFIX, APP_QUERY

__all__ = ["CallbackReceiver"]


class CallbackReceiver:
    """Serves LaML and captures callbacks; `base_url` is how the endpoint reaches it (default: loopback).

    The run's clock bounds waits on its log and draws its callback tokens.
    """

    def __init__(self, clock: Clock, public_url: str | None = None, *, port: int = 0) -> None:
        self.clock = clock
        self.log = CaptureLog(clock)
        self._public_url = public_url.rstrip("/") if public_url else None
        self._server = LoopbackServer(
            create_receiver_app(self.log, lambda: self.base_url), port=port, name="callback-receiver"
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

    def stop(self) -> None:
        self._server.stop()

    @property
    def base_url(self) -> str:
        return self._public_url or self._server.origin

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
        """A token for one call's callback URLs (repeatable: see conformance.clock)."""
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
