"""`CallbackReceiver`: the receiver app on loopback, with URLs for the calls the suite creates."""

from __future__ import annotations

from collections.abc import Iterable

from conformance.actors import callback_token
from conformance.common.loopback import LoopbackServer
from conformance.receiver.app import create_receiver_app
from conformance.receiver.captures import Capture, CaptureLog

__all__ = ["CallbackReceiver"]


class CallbackReceiver:
    """Serves LaML and captures callbacks; `base_url` is how the endpoint reaches it (default: loopback)."""

    def __init__(self, public_url: str | None = None, *, port: int = 0) -> None:
        self.log = CaptureLog()
        self._public_url = public_url.rstrip("/") if public_url else None
        self._server = LoopbackServer(create_receiver_app(self.log, lambda: self.base_url), port=port,
                                      name="callback-receiver")

    @classmethod
    def replayed(cls, public_url: str, captures: Iterable[Capture]) -> CallbackReceiver:
        """A receiver that is never started: its log holds the captures of a recorded run."""
        receiver = cls(public_url)
        receiver.log = CaptureLog(captures)
        return receiver

    def start(self) -> CallbackReceiver:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    @property
    def base_url(self) -> str:
        return self._public_url or self._server.origin

    def laml_url(self, scenario: str) -> str:
        """URL of a LaML document: `hangup`, or `pause-N` (up N seconds, then hang up)."""
        return f"{self.base_url}/laml/{scenario}"

    @staticmethod
    def new_token() -> str:
        """A token for one call's callback URLs (repeatable: see conformance.actors)."""
        return callback_token()

    def status_url(self, token: str) -> str:
        return f"{self.base_url}/status/{token}"

    def recording_url(self, token: str) -> str:
        return f"{self.base_url}/recording/{token}"

    def captures(self, token: str, kind: str | None = None) -> list[Capture]:
        return self.log.for_token(token, kind)

    def __enter__(self) -> CallbackReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
