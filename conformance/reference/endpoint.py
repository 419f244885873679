"""``ReferenceEndpoint``: the reference app under uvicorn on loopback, in a background thread."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from types import TracebackType

from starlette.applications import Starlette

from conformance.common.loopback import LoopbackServer, is_loopback

from .asgi import create_app
from .config import DEFAULT_CALLBACK_ALLOW, Account, ReferenceConfig, Timings
from .destinations import ANSWER_NUMBER, FROM_NUMBER
from .faults import validate_faults
from .outbound import Refusal
from .profiles import Profile, profile_named
from .state import ReferenceState

__all__ = ["ReferenceEndpoint"]

_SETTLE_POLL = 0.01


async def _idle(state: ReferenceState, call_sid: str) -> bool:
    """Asked on the endpoint's own loop, where every change of a call happens."""
    return state.idle(call_sid)


class ReferenceEndpoint:
    """A correct (or deliberately faulty) Calls endpoint on ``http://127.0.0.1:PORT``, in one profile's form.

    >>> with ReferenceEndpoint() as endpoint:
    ...     endpoint.base_url  # http://127.0.0.1:PORT/api/laml/2010-04-01
    >>> with ReferenceEndpoint(profile="twilio") as endpoint:
    ...     endpoint.base_url  # http://127.0.0.1:PORT/2010-04-01
    >>> ReferenceEndpoint(seed_calls=300)  # its account already holds 300 calls, of every status
    """

    from_number = FROM_NUMBER
    to_number = ANSWER_NUMBER

    def __init__(
        self,
        faults: Iterable[str] = (),
        timings: Timings | None = None,
        callback_allow: Iterable[str] = DEFAULT_CALLBACK_ALLOW,
        *,
        account_sid: str | None = None,
        auth_token: str | None = None,
        signing_key: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        profile: str | Profile = "signalwire",
        seed_calls: int = 0,
    ) -> None:
        if not is_loopback(host):
            raise ValueError(f"the reference endpoint only listens on loopback, not {host!r}")
        chosen = profile_named(profile) if isinstance(profile, str) else profile
        generated = Account.generate(chosen)
        primary = Account(
            sid=account_sid or generated.sid,
            auth_token=auth_token or generated.auth_token,
            signing_key=signing_key or generated.signing_key,
        )
        self.config = ReferenceConfig(
            profile=chosen,
            primary=primary,
            timings=timings or Timings.fast(),
            faults=validate_faults(faults, chosen.name),
            callback_allow=ReferenceConfig.allow_set(callback_allow),
            seed_calls=seed_calls,
        )
        self.host = host
        self.app: Starlette = create_app(self.config)
        self._server = LoopbackServer(self.app, host=host, port=port, name="reference-endpoint")

    # ------------------------------------------------------------------ what tests use

    @property
    def state(self) -> ReferenceState:
        """What the running app holds (store, lifecycle, faults), for tests."""
        state: ReferenceState = self.app.state.reference
        return state

    @property
    def faults(self) -> frozenset[str]:
        return self.config.faults

    @property
    def profile(self) -> Profile:
        return self.config.profile

    @property
    def port(self) -> int | None:
        return self._server.port

    @property
    def origin(self) -> str:
        return self._server.origin

    @property
    def base_url(self) -> str:
        return f"{self.origin}{self.profile.prefix}"

    @property
    def account_sid(self) -> str:
        return self.config.primary.sid

    @property
    def auth_token(self) -> str:
        return self.config.primary.auth_token

    @property
    def signing_key(self) -> str:
        """The key callbacks are signed with: the signing key, or under twilio the auth token."""
        return self.config.callback_key(self.config.primary)

    @property
    def other_account(self) -> Account:
        """A second account (sid, auth_token, signing_key), isolated from the first."""
        return self.config.other

    @property
    def refusals(self) -> list[Refusal]:
        return self.state.refusals

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The server's event loop (for ``asyncio.run_coroutine_threadsafe`` in tests)."""
        return self._server.loop

    def settled(self, call_sid: str, timeout: float = 0.0) -> bool:
        """Wait (at most `timeout` seconds) until the endpoint has nothing more to do for a call: it has ended, its
        documents were fetched and its callbacks sent (each answered, or failed). True once it has; a client of the
        embedded endpoint then knows every request of the call's life has reached whoever it was sent to."""
        loop = self.loop
        ends = time.monotonic() + timeout
        while True:
            if loop is None or loop.is_closed():
                return True
            checked = asyncio.run_coroutine_threadsafe(_idle(self.state, call_sid), loop)
            try:
                if checked.result(timeout=max(0.1, ends - time.monotonic())):
                    return True
            except (TimeoutError, RuntimeError):
                return False
            if time.monotonic() >= ends:
                return False
            time.sleep(min(_SETTLE_POLL, max(0.0, ends - time.monotonic())))

    # ------------------------------------------------------------------ running

    def start(self) -> ReferenceEndpoint:
        """Serve on loopback in a background thread; returns once connections are accepted."""
        self._server.start()
        return self

    def request_stop(self) -> None:
        """Start shutting down without waiting for it (`stop` waits)."""
        self._server.request_stop()

    def stop(self) -> None:
        """Shut down (bounded); safe to call twice."""
        self._server.stop()

    def __enter__(self) -> ReferenceEndpoint:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.base_url if self.port is not None else "not started"
        faults = f", faults={sorted(self.faults)}" if self.faults else ""
        return f"ReferenceEndpoint({where}, profile={self.profile.name}{faults})"
