"""The receiver's ASGI app: LaML documents under /laml/, callbacks captured under /status/ and /recording/, and
the same under an application's URL shape (`urls.APP_PREFIX`, with its own query string).

A document asked for under a token (``/laml/{token}/{scenario}``) is served and its request captured too
(kind "document"), so that a scenario can see that, when and how the endpoint fetched it. Two documents fail on
purpose, to send an endpoint to its FallbackUrl: `fail-500` answers 500, `not-laml` answers 200 with an HTML
page (no LaML document). A request to ``/preflight/{nonce}`` is captured (kind "preflight"): the run's pre-flight
proves that `CALLS_CALLBACK_URL` leads here before any callback requirement is judged.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp

from conformance.core.capture import Capture
from conformance.receiver.captures import CaptureLog
from conformance.receiver.urls import (
    APP_QUERY_ITEMS,
    PublicPrefix,
    public_url,
    raw_path_of,
    without_own_items,
)

__all__ = ["FAILING_DOCUMENTS", "MAX_BODY", "create_receiver_app", "laml_document"]

MAX_BODY = 64 * 1024
_KEPT_HEADERS = ("content-type", "x-signalwire-signature", "x-twilio-signature", "user-agent")
# Documents that fail on purpose: (status, media type, body).
FAILING_DOCUMENTS = {
    "fail-500": (500, "text/plain", "the application failed\n"),
    "not-laml": (200, "text/html", "<html><body><p>Not a LaML document.</p></body></html>\n"),
}
_Params = tuple[tuple[str, str], ...]


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


def _served(scenario: str) -> Response | None:
    """The answer to a request for a scenario's document (a LaML one, or one failing on purpose); None if unknown."""
    if scenario in FAILING_DOCUMENTS:
        status, media_type, body = FAILING_DOCUMENTS[scenario]
        return Response(body, status_code=status, media_type=media_type)
    document = laml_document(scenario)
    return Response(document, media_type="text/xml") if document is not None else None


async def _laml(request: Request) -> Response:
    document = laml_document(request.path_params["scenario"])
    if document is None:
        return Response("unknown scenario\n", status_code=404, media_type="text/plain")
    await _bounded_body(request)
    return Response(document, media_type="text/xml")


def _captured(kind: str, request: Request, body: bytes, public_base: str, own: _Params = ()) -> Capture:
    """The request as a capture of `kind` under its path's token; `own`: the query items the URL itself carried."""
    params, body_format = _params(request, body, own)
    url = public_url(
        public_base, raw_path_of(request.scope), request.scope.get("query_string", b"").decode("latin-1")
    )
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


def _params(request: Request, body: bytes, own: Sequence[tuple[str, str]]) -> tuple[_Params, str]:
    if request.method == "GET" or not body:
        return without_own_items(request.query_params.multi_items(), own), "query"
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


def create_receiver_app(log: CaptureLog, public_base: Callable[[], str]) -> ASGIApp:
    """The app; `public_base()` is the URL the endpoint uses to reach it (for signatures)."""

    def capture(kind: str, own: _Params = ()) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            body = await _bounded_body(request)
            if body is None:
                return Response("body too large\n", status_code=413, media_type="text/plain")
            log.add(_captured(kind, request, body, public_base(), own))
            return Response(status_code=204)

        return endpoint

    def document(own: _Params = ()) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            served = _served(request.path_params["scenario"])
            body = await _bounded_body(request)
            if served is None or body is None:
                return Response("unknown scenario\n", status_code=404, media_type="text/plain")
            log.add(_captured("document", request, body, public_base(), own))
            return served

        return endpoint

    methods = ["GET", "POST"]
    app = "/hooks/{tenant}/v1/{token}"
    return PublicPrefix(
        Starlette(
            routes=[
                Route("/laml/{scenario}", _laml, methods=methods),
                Route("/laml/{token}/{scenario}", document(), methods=methods),
                Route("/status/{token}", capture("status"), methods=methods),
                Route("/recording/{token}", capture("recording"), methods=methods),
                Route("/preflight/{token}", capture("preflight"), methods=methods),
                Route(app + "/laml/{scenario}", document(APP_QUERY_ITEMS), methods=methods),
                Route(app + "/status", capture("status", APP_QUERY_ITEMS), methods=methods),
                Route(app + "/recording", capture("recording", APP_QUERY_ITEMS), methods=methods),
            ]
        ),
        public_base,
    )
