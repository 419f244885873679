"""Fixtures for the reference endpoint's own tests: a shared endpoint, an HTTP client, a callback receiver."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

# The repo root must be importable when the project is not pip-installed (plain `pytest tests/reference`).
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from conformance.reference import ReferenceEndpoint  # noqa: E402

DEADLINE = 10.0
ENDED = {"canceled", "completed", "busy", "failed", "no-answer"}


@pytest.fixture(scope="session")
def endpoint() -> Iterator[ReferenceEndpoint]:
    """One correct reference endpoint (fast timings) shared by the session."""
    with ReferenceEndpoint() as running:
        yield running


class Api:
    """A thin httpx wrapper speaking to one account of an endpoint (under its profile's prefix by default)."""

    def __init__(self, endpoint: ReferenceEndpoint, prefix: str | None = None) -> None:
        self.endpoint = endpoint
        self.account = endpoint.account_sid
        self.http = httpx.Client(
            base_url=endpoint.origin,
            auth=(endpoint.account_sid, endpoint.auth_token),
            timeout=10,
            trust_env=False,
        )
        self.prefix = prefix or endpoint.profile.prefix

    def calls_path(self, sid: str | None = None, *, json: bool = True, account: str | None = None) -> str:
        path = f"{self.prefix}/Accounts/{account or self.account}/Calls"
        if sid:
            path += f"/{sid}"
        return path + (".json" if json else "")

    def create(self, **params: Any) -> httpx.Response:
        data = {
            "To": self.endpoint.to_number,
            "From": self.endpoint.from_number,
            "Url": "http://127.0.0.1:9/cxml",
        }
        for key, value in params.items():  # None removes a default
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        return self.http.post(self.calls_path(), data=data)

    def create_call(self, **params: Any) -> dict[str, Any]:
        response = self.create(**params)
        assert response.status_code == self.endpoint.profile.create_status, response.text
        return response.json()

    def fetch(self, sid: str) -> dict[str, Any]:
        response = self.http.get(self.calls_path(sid))
        assert response.status_code == 200, response.text
        return response.json()

    def update(self, sid: str, **params: str) -> httpx.Response:
        return self.http.post(self.calls_path(sid), data=params)

    def wait(
        self, sid: str, predicate: Callable[[dict[str, Any]], bool], deadline: float = DEADLINE
    ) -> dict[str, Any]:
        """Poll the call until ``predicate`` holds (fails the test at the deadline)."""
        end = time.monotonic() + deadline
        while True:
            call = self.fetch(sid)
            if predicate(call):
                return call
            if time.monotonic() > end:
                pytest.fail(f"call {sid} never satisfied the condition; last status {call['status']}")
            time.sleep(0.02)

    def wait_status(self, sid: str, *statuses: str) -> dict[str, Any]:
        return self.wait(sid, lambda call: call["status"] in statuses)

    def wait_ended(self, sid: str) -> dict[str, Any]:
        return self.wait(sid, lambda call: call["status"] in ENDED)


@pytest.fixture
def api(endpoint: ReferenceEndpoint) -> Iterator[Api]:
    """An httpx client authenticated as the shared endpoint's primary account."""
    client = Api(endpoint)
    yield client
    client.http.close()


@dataclass
class Captured:
    method: str
    path: str
    query: list[tuple[str, str]]
    form: list[tuple[str, str]]
    headers: dict[str, str]
    url: str

    @property
    def params(self) -> dict[str, str]:
        return dict(self.query if self.method == "GET" else self.form)


class Receiver:
    """A stdlib HTTP server on 127.0.0.1 that records every request and answers with a canned body."""

    def __init__(self) -> None:
        self.requests: list[Captured] = []
        self.documents: dict[str, bytes] = {}
        self._changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                captured = Captured(
                    method=self.command,
                    path=parts.path,
                    query=parse_qsl(parts.query, keep_blank_values=True),
                    form=parse_qsl(body.decode(), keep_blank_values=True) if body else [],
                    headers={key.lower(): value for key, value in self.headers.items()},
                    url=f"http://127.0.0.1:{receiver.port}{self.path}",
                )
                document = receiver.documents.get(parts.path)
                # Recorded before it is answered, as the suite's receiver does: once the endpoint has the answer,
                # the request is here.
                with receiver._changed:
                    receiver.requests.append(captured)
                    receiver._changed.notify_all()
                self.send_response(200 if document is not None or not parts.path.startswith("/doc") else 404)
                payload = document or b""
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def matching(self, predicate: Callable[[Captured], bool]) -> list[Captured]:
        with self._changed:
            return [item for item in self.requests if predicate(item)]

    def wait_for(
        self, predicate: Callable[[Captured], bool], count: int = 1, deadline: float = DEADLINE
    ) -> list[Captured]:
        end = time.monotonic() + deadline
        with self._changed:
            while True:
                found = [item for item in self.requests if predicate(item)]
                if len(found) >= count:
                    return found
                remaining = end - time.monotonic()
                if remaining <= 0:
                    pytest.fail(f"expected {count} matching request(s), got {len(found)}: {self.requests!r}")
                self._changed.wait(timeout=remaining)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A fresh callback receiver on 127.0.0.1."""
    running = Receiver()
    yield running
    running.close()
