"""A captured callback request: a plain value the receiver makes, the checks judge and the cassettes store."""

from __future__ import annotations

import dataclasses

__all__ = ["Capture"]


@dataclasses.dataclass(frozen=True)
class Capture:
    """One callback request as received: enough to validate, verify its signature and order it."""

    kind: str  # "status" or "recording" (callbacks), or "document" (a request for a LaML document)
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
