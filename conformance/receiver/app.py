"""The receiver's ASGI app: LaML documents under /laml/, callbacks captured under /status/ and /recording/.

A document asked for under a token (``/laml/{token}/{scenario}``) is served and its request captured too
(kind "document"), so that a scenario can see that, when and how the endpoint fetched it. A request to
``/preflight/{nonce}`` is captured (kind "preflight"): the run's pre-flight proves that `CALLS_CALLBACK_URL`
leads here before any callback requirement is judged.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route

from conformance.capture import Capture
from conformance.receiver.captures import CaptureLog

__all__ = ["MAX_BODY", "create_receiver_app", "laml_document"]

MAX_BODY = 64 * 1024
_KEPT_HEADERS = ("content-type", "x-signalwire-signature", "x-twilio-signature", "user-agent")


def laml_document(scenario: str) -> str | None:
    """The document for a scenario: `hangup`, or `pause-N` (N seconds up, then hang up); None if unknown."""
    if scenario == "hangup":
        return '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Hangup/></Response>\n'
    if scenario.startswith("pause-") and scenario[6:].isdigit() and int(scenario[6:]) <= 3600:
        return (
            f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<Response><Pause length="{int(scenario[6:])}"/><Hangup/></Response>\n'
        )
    return None


async def _laml(request: Request) -> Response:
    document = laml_document(request.path_params["scenario"])
    if document is None:
        return Response("unknown scenario\n", status_code=404, media_type="text/plain")
    await _bounded_body(request)
    return Response(document, media_type="text/xml")


def _captured(kind: str, request: Request, body: bytes, public_base: str) -> Capture:
    """The request as a capture of `kind` under its path's token."""
    params, body_format = _params(request, body)
    query = request.url.query
    url = f"{public_base.rstrip('/')}{request.url.path}" + (f"?{query}" if query else "")
    headers = tuple((k, v) for k, v in request.headers.items() if k in _KEPT_HEADERS)
    return Capture(
        kind,
        request.path_params["token"],
        request.method,
        url,
        params,
        body_format,
        body,
        headers,
        time.time(),
    )


async def _bounded_body(request: Request) -> bytes | None:
    """The request's body; None when it is too large, or the endpoint went away while sending it (a call ended
    while its document was being fetched)."""
    body = b""
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                return None
    except ClientDisconnect:
        return None
    return body


def _params(request: Request, body: bytes) -> tuple[tuple[tuple[str, str], ...], str]:
    if request.method == "GET" or not body:
        return tuple(request.query_params.multi_items()), "query"
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type == "application/json":
        try:
            document = json.loads(body)
        except ValueError:
            document = None
        if isinstance(document, dict):
            return tuple(
                (str(k), v if isinstance(v, str) else json.dumps(v)) for k, v in document.items()
            ), "json"
    return tuple(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)), "form"


def create_receiver_app(log: CaptureLog, public_base: Callable[[], str]) -> Starlette:
    """The app; `public_base()` is the URL the endpoint uses to reach it (for signatures)."""

    def capture(kind: str) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            body = await _bounded_body(request)
            if body is None:
                return Response("body too large\n", status_code=413, media_type="text/plain")
            log.add(_captured(kind, request, body, public_base()))
            return Response(status_code=204)

        return endpoint

    async def document(request: Request) -> Response:
        text = laml_document(request.path_params["scenario"])
        body = await _bounded_body(request)
        if text is None or body is None:
            return Response("unknown scenario\n", status_code=404, media_type="text/plain")
        log.add(_captured("document", request, body, public_base()))
        return Response(text, media_type="text/xml")

    methods = ["GET", "POST"]
    return Starlette(
        routes=[
            Route("/laml/{scenario}", _laml, methods=methods),
            Route("/laml/{token}/{scenario}", document, methods=methods),
            Route("/status/{token}", capture("status"), methods=methods),
            Route("/recording/{token}", capture("recording"), methods=methods),
            Route("/preflight/{token}", capture("preflight"), methods=methods),
        ]
    )
