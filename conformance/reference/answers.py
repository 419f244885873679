"""JSON answers and error bodies.

Errors are ``{code, message, more_info, status}``; create's 400 validation errors use SignalWire's
published array shape ``{errors: [{code, message, more_info}]}`` (codes as numeric strings, like
its schema). Every answer is built by ``Responder``, which applies the error-body hooks of the faults
switched on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from starlette.responses import JSONResponse, Response

from .faults import FaultSet

__all__ = ["ApiError", "Responder", "ValidationFailed", "more_info"]


def more_info(code: int) -> str:
    return f"https://developer.signalwire.com/compatibility-api/reference/errors/{code}"


class ApiError(Exception):
    """An answer with the object-shaped error body."""

    def __init__(
        self, status: int, code: int, message: str, *, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


class ValidationFailed(Exception):
    """Create's 400 with the array-shaped body: one ``(code, message)`` per invalid parameter."""

    def __init__(self, errors: Sequence[tuple[int, str]]) -> None:
        super().__init__("; ".join(message for _, message in errors))
        self.errors = list(errors)

    @property
    def codes(self) -> list[int]:
        return [code for code, _ in self.errors]


class Responder:
    """Builds every answer the endpoint gives."""

    def __init__(self, faults: FaultSet) -> None:
        self.faults = faults

    def json(self, body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        """``application/json``."""
        return JSONResponse(body, status_code=status, headers=dict(headers or {}))

    def error(self, error: ApiError) -> Response:
        """The object-shaped error body."""
        body = {
            "code": error.code,
            "message": error.message,
            "more_info": more_info(error.code),
            "status": error.status,
        }
        return self.json(self.faults.error(body), error.status, error.headers)

    def validation(self, failure: ValidationFailed) -> Response:
        items = [
            {"code": str(code), "message": message, "more_info": more_info(code)}
            for code, message in failure.errors
        ]
        return self.json(self.faults.error({"errors": items}), 400)

    def no_content(self) -> Response:
        return Response(status_code=204)
