"""JSON answers and error bodies.

Errors are ``{code, message, more_info, status}``, ``more_info`` a link into the profile's error
documentation. Create's 400 validation errors use SignalWire's published array shape
``{errors: [{code, message, more_info}]}`` (codes as numeric strings, like its schema) under the
signalwire profile, and the first error alone, in the object shape, under twilio (Twilio documents no
list). Every answer is built by ``Responder``, which applies the error-body hooks of the faults
switched on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from starlette.responses import JSONResponse, Response

from .faults import FaultSet
from .profiles import SIGNALWIRE, Profile

__all__ = ["ApiError", "Responder", "ValidationFailed", "more_info"]


def more_info(code: int, profile: Profile = SIGNALWIRE) -> str:
    return profile.more_info.format(code=code)


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
    """Builds every answer the endpoint gives, in its profile's form."""

    def __init__(self, faults: FaultSet, profile: Profile = SIGNALWIRE) -> None:
        self.faults = faults
        self.profile = profile

    def json(self, body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
        """``application/json``."""
        return JSONResponse(body, status_code=status, headers=dict(headers or {}))

    def error(self, error: ApiError) -> Response:
        """The object-shaped error body."""
        body = {
            "code": error.code,
            "message": error.message,
            "more_info": more_info(error.code, self.profile),
            "status": error.status,
        }
        return self.json(self.faults.error(body), error.status, error.headers)

    def validation(self, failure: ValidationFailed) -> Response:
        """A refused create: every error listed (signalwire), or the first alone (twilio)."""
        if self.profile.validation_errors == "first":
            code, message = failure.errors[0]
            return self.error(ApiError(400, code, message))
        items = [
            {"code": str(code), "message": message, "more_info": more_info(code, self.profile)}
            for code, message in failure.errors
        ]
        return self.json(self.faults.error({"errors": items}), 400)

    def created(self, body: Any) -> Response:
        """A successful create's answer: the profile's code (200 signalwire, 201 twilio)."""
        return self.json(body, self.profile.create_status)

    def no_content(self) -> Response:
        return Response(status_code=204)
