"""The Starlette application of the reference endpoint, over its state (`state.py`).

Output faults, when any is on, wrap the app as middleware (``faults.OutputFaults``); the correct
endpoint runs without it.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .api_errors import ApiError
from .config import ReferenceConfig
from .faults import OutputFaults
from .handlers import CallsEndpoint
from .state import ReferenceState

__all__ = ["create_app"]


def create_app(config: ReferenceConfig | None = None) -> Starlette:
    """The ASGI app serving the Calls resource under its profile's prefixes, with and without ``.json``."""
    state = ReferenceState.build(config or ReferenceConfig())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await state.lifecycle.shutdown()
            await state.http.drain(timeout=0.5)
            await state.http.aclose()

    async def http_exception(request: Request, exc: Exception) -> Response:
        # Requests the catch-all route cannot match (e.g. a path with an encoded newline) end up here.
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        code = 20404 if status == 404 else 20004 if status == 405 else 20500 if status >= 500 else 10000
        return state.respond.error(
            ApiError(
                status, code, "The requested resource was not found" if status == 404 else "Invalid request"
            )
        )

    outputs = state.faults.outputs
    app = Starlette(
        routes=[Route("/{path:path}", CallsEndpoint(state))],
        middleware=[Middleware(OutputFaults, hooks=outputs)] if outputs else [],
        lifespan=lifespan,
        exception_handlers={HTTPException: http_exception},
    )
    app.state.reference = state
    return app
