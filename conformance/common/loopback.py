"""Run an ASGI app under uvicorn on a loopback address, in a background thread, with bounded start and stop.

Loopback only, unless the caller asks otherwise (`loopback_only=False`: the suite's callback receiver, which a
user may expose to a tunnel); the reference endpoint always keeps the refusal.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import threading
import time
from types import TracebackType
from typing import Any

import uvicorn

__all__ = ["LoopbackServer", "is_loopback"]

_STARTUP_DEADLINE = 10.0
_SHUTDOWN_DEADLINE = 5.0


def is_loopback(host: str) -> bool:
    """True for `localhost` and any loopback IP literal (127.0.0.0/8, ::1); no name is resolved."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _Server(uvicorn.Server):
    """uvicorn's server, telling a threading.Event once it accepts connections, and told to exit through one
    (`exit_soon`) rather than noticing `should_exit` at its next tenth-of-a-second tick."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._exit: asyncio.Event | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        self._exit = asyncio.Event()
        await super().startup(sockets=sockets)
        if self.started:
            self.ready.set()

    async def main_loop(self) -> None:
        """uvicorn's loop (a tick every tenth of a second), woken at once by `exit_soon`."""
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 1) % 864000
            if self._exit is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._exit.wait(), 0.1)
            else:  # pragma: no cover - startup always makes it
                await asyncio.sleep(0.1)
            should_exit = await self.on_tick(counter)

    def exit_soon(self) -> None:
        """Ask the server to shut down (from any thread)."""
        self.should_exit = True
        loop, event = self.loop, self._exit
        if loop is not None and event is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(event.set)


class LoopbackServer:
    """`app` served on http://HOST:PORT (HOST a loopback address unless `loopback_only` is False; PORT 0 picks a
    free one)."""

    def __init__(
        self,
        app: Any,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        name: str = "loopback-server",
        loopback_only: bool = True,
    ) -> None:
        if loopback_only and not is_loopback(host):
            raise ValueError(f"only loopback addresses may be listened on, not {host!r}")
        self.app = app
        self.host = host
        self.name = name
        self._requested_port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self.port: int | None = None

    @property
    def origin(self) -> str:
        if self.port is None:
            raise RuntimeError(f"{self.name} is not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        """The server's event loop (for `asyncio.run_coroutine_threadsafe`)."""
        return self._server.loop if self._server else None

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self) -> LoopbackServer:
        """Bind, serve in a thread, and return once connections are accepted (or raise RuntimeError)."""
        if self._thread is not None:
            raise RuntimeError(f"{self.name} already started")
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        # proto=IPPROTO_TCP so asyncio sets TCP_NODELAY on accepted connections (else Nagle adds ~40 ms per answer).
        sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host.strip("[]"), self._requested_port))
        except OSError:
            sock.close()
            raise
        sock.set_inheritable(True)
        self._socket = sock
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app, log_level="warning", access_log=False, lifespan="on", timeout_graceful_shutdown=2
        )
        self._server = _Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name=f"{self.name}-{self.port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + _STARTUP_DEADLINE
        while not self._server.ready.wait(timeout=0.05):
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.name} did not start")
        return self

    def request_stop(self) -> None:
        """Start shutting down, without waiting (`stop` waits): servers stopped together stop in the time of one."""
        if self._server is not None:
            self._server.exit_soon()

    def stop(self) -> None:
        """Shut down (bounded); safe to call twice."""
        server, thread = self._server, self._thread
        if server is not None and thread is not None:
            server.exit_soon()
            thread.join(timeout=_SHUTDOWN_DEADLINE)
            if thread.is_alive():
                server.force_exit = True
                thread.join(timeout=_SHUTDOWN_DEADLINE)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()
