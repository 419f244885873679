"""Output faults: ASGI middleware that rewrites finished answers, never the logic that made them.

A fault that only changes what goes out (a status code, a content type, an error body's format) is
an ``OutputHook`` over an ``Answer``: the response's status, headers and body, with the operation
the request named. ``OutputFaults`` wraps the app only when such a fault is on, so the correct
endpoint's answers pass through no rewriting at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..routes import Operation, operation_of

__all__ = [
    "Answer",
    "OutputFaults",
    "OutputHook",
    "content_type_html",
    "create_200",
    "create_201",
    "fetch_203",
    "plain_text_404",
]

_JSON = "application/json"


@dataclass
class Answer:
    """A finished response on its way out, as output hooks see and change it."""

    operation: Operation | None
    status: int
    headers: MutableHeaders
    body: bytes


OutputHook = Callable[[Answer], None]


def content_type_html(answer: Answer) -> None:
    """JSON answers are labelled text/html."""
    if answer.headers.get("content-type") == _JSON:
        answer.headers["content-type"] = "text/html; charset=utf-8"


def plain_text_404(answer: Answer) -> None:
    """A 404's body is the text ``Not Found``."""
    if answer.status == 404:
        answer.body = b"Not Found"
        answer.headers["content-type"] = "text/plain; charset=utf-8"


def create_201(answer: Answer) -> None:
    """A successful create answers 201 (the signalwire profile's is 200)."""
    if answer.operation == "create" and answer.status == 200:
        answer.status = 201


def create_200(answer: Answer) -> None:
    """A successful create answers 200 (the twilio profile's is 201)."""
    if answer.operation == "create" and answer.status == 201:
        answer.status = 200


def fetch_203(answer: Answer) -> None:
    """A successful fetch answers 203."""
    if answer.operation == "fetch" and answer.status == 200:
        answer.status = 203


class OutputFaults:
    """Holds each HTTP response until its last body part, applies the hooks in order, then sends it."""

    def __init__(self, app: ASGIApp, hooks: Sequence[OutputHook]) -> None:
        self.app = app
        self.hooks = tuple(hooks)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.hooks:
            await self.app(scope, receive, send)
            return
        operation = operation_of(scope["method"], scope.get("path", ""))
        start: Message = {}
        parts: list[bytes] = []

        async def rewrite(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            parts.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            headers = MutableHeaders(raw=list(start["headers"]))
            answer = Answer(operation, start["status"], headers, b"".join(parts))
            for hook in self.hooks:
                hook(answer)
            if "content-length" in answer.headers:
                answer.headers["content-length"] = str(len(answer.body))
            await send({**start, "status": answer.status, "headers": answer.headers.raw})
            await send({"type": "http.response.body", "body": answer.body})

        await self.app(scope, receive, rewrite)
