"""A small TCP forwarder on loopback, standing in for a tunnel: what reaches its port is passed to another port."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

__all__ = ["Forwarder", "forwarding"]


class Forwarder:
    """Listens on 127.0.0.1:`port` (a free one) and relays each connection to 127.0.0.1:`target`, both ways."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = int(self._listener.getsockname()[1])
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, name="forwarder", daemon=True)

    def start(self) -> Forwarder:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                incoming, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            try:
                outgoing = socket.create_connection(("127.0.0.1", self.target), timeout=5)
            except OSError:
                incoming.close()
                continue
            for source, sink in ((incoming, outgoing), (outgoing, incoming)):
                threading.Thread(target=_pump, args=(source, sink), daemon=True).start()


def _pump(source: socket.socket, sink: socket.socket) -> None:
    """Copy bytes until either side closes, then close both."""
    try:
        while data := source.recv(65536):
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()


@contextlib.contextmanager
def forwarding(target: int) -> Iterator[Forwarder]:
    """A forwarder to `target`, stopped at the end of the block."""
    forwarder = Forwarder(target).start()
    try:
        yield forwarder
    finally:
        forwarder.stop()
