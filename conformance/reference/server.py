"""``ReferenceEndpoint``: the reference app under uvicorn on loopback, in a background thread."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import threading
import time
from collections.abc import Iterable
from types import TracebackType

import uvicorn
from starlette.applications import Starlette

from .app import ReferenceState, create_app
from .callbacks import Refusal
from .config import DEFAULT_CALLBACK_ALLOW, Account, ReferenceConfig, Timings
from .faults import validate_faults
from .outcomes import ANSWER_NUMBER, FROM_NUMBER

__all__ = ["ReferenceEndpoint"]

_STARTUP_DEADLINE = 10.0
_SHUTDOWN_DEADLINE = 5.0


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class _Server(uvicorn.Server):
    """uvicorn's server, telling a threading.Event once it accepts connections."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        await super().startup(sockets=sockets)
        if self.started:
            self.ready.set()


class ReferenceEndpoint:
    """A correct (or deliberately faulty) Calls endpoint on ``http://127.0.0.1:PORT``.

    >>> with ReferenceEndpoint() as endpoint:
    ...     endpoint.base_url  # http://127.0.0.1:PORT/api/laml/2010-04-01
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
    ) -> None:
        if not _loopback(host):
            raise ValueError(f"the reference endpoint only listens on loopback, not {host!r}")
        generated = Account.generate()
        primary = Account(
            sid=account_sid or generated.sid,
            auth_token=auth_token or generated.auth_token,
            signing_key=signing_key or generated.signing_key,
        )
        self.config = ReferenceConfig(
            primary=primary,
            timings=timings or Timings.fast(),
            faults=validate_faults(faults),
            callback_allow=ReferenceConfig.allow_set(callback_allow),
        )
        self.host = host
        self._requested_port = port
        self.app: Starlette = create_app(self.config)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.port: int | None = None

    # ------------------------------------------------------------------ what tests use

    @property
    def state(self) -> ReferenceState:
        return self.app.state.reference

    @property
    def faults(self) -> frozenset[str]:
        return self.config.faults

    @property
    def origin(self) -> str:
        if self.port is None:
            raise RuntimeError("the endpoint is not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.origin}/api/laml/2010-04-01"

    @property
    def account_sid(self) -> str:
        return self.config.primary.sid

    @property
    def auth_token(self) -> str:
        return self.config.primary.auth_token

    @property
    def signing_key(self) -> str:
        return self.config.primary.signing_key

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
        return self._server.loop if self._server else None

    # ------------------------------------------------------------------ running

    def start(self) -> ReferenceEndpoint:
        if self._thread is not None:
            raise RuntimeError("already started")
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # proto=IPPROTO_TCP so asyncio sets TCP_NODELAY on accepted connections (else Nagle adds ~40 ms per answer).
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self._requested_port))
        except OSError:
            sock.close()
            raise
        sock.set_inheritable(True)
        self._socket = sock
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            access_log=False,
            lifespan="on",
            timeout_graceful_shutdown=2,
        )
        self._server = _Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [sock]},
            name=f"reference-endpoint-{self.port}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + _STARTUP_DEADLINE
        while not self._server.ready.wait(timeout=0.05):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the reference endpoint did not start")
        return self

    def stop(self) -> None:
        """Shut down (bounded); safe to call twice."""
        server, thread = self._server, self._thread
        if server is not None and thread is not None:
            server.should_exit = True
            thread.join(timeout=_SHUTDOWN_DEADLINE)
            if thread.is_alive():
                server.force_exit = True
                thread.join(timeout=_SHUTDOWN_DEADLINE)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> ReferenceEndpoint:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.base_url if self.port is not None else "not started"
        faults = f", faults={sorted(self.faults)}" if self.faults else ""
        return f"ReferenceEndpoint({where}{faults})"
