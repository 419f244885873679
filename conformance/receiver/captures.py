"""Captured callback requests and a log that tests can wait on (deadlines, never fixed sleeps)."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable

from conformance.actors import CLOCK

__all__ = ["Capture", "CaptureLog"]


@dataclasses.dataclass(frozen=True)
class Capture:
    """One callback request as received: enough to validate, verify its signature and order it."""

    kind: str  # "status" or "recording"
    token: str
    method: str
    url: str  # the public URL the endpoint called, query string included
    params: tuple[tuple[str, str], ...]  # query (GET), form (POST) or a JSON object's items, in order
    body_format: str  # "query", "form" or "json"
    body: bytes
    headers: tuple[tuple[str, str], ...]  # lower-cased names
    received_at: float  # time.time()

    def get(self, name: str) -> str | None:
        """The first value of parameter `name`, or None."""
        return next((v for k, v in self.params if k == name), None)

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k == name.lower()), None)

    @property
    def as_dict(self) -> dict[str, str]:
        """Parameters as a mapping (the first value of each name), for schema validation."""
        result: dict[str, str] = {}
        for key, value in self.params:
            result.setdefault(key, value)
        return result


class CaptureLog:
    """Thread-safe list of captures with a condition to wait on."""

    def __init__(self) -> None:
        self._captures: list[Capture] = []
        self._changed = threading.Condition()

    def add(self, capture: Capture) -> None:
        with self._changed:
            self._captures.append(capture)
            self._changed.notify_all()

    def all(self) -> list[Capture]:
        with self._changed:
            return list(self._captures)

    def for_token(self, token: str, kind: str | None = None) -> list[Capture]:
        with self._changed:
            return [c for c in self._captures if c.token == token and (kind is None or c.kind == kind)]

    def wait(self, predicate: Callable[[list[Capture]], bool], timeout: float) -> bool:
        """Wait until `predicate(all captures)` holds or `timeout` seconds pass; True when it held."""
        return CLOCK.wait_for(self._changed, lambda: predicate(list(self._captures)), timeout)
