"""Reading requests safely: bounded bodies, form/JSON parsing, HTTP Basic credentials.

Whatever the client sends, these raise ``ApiError`` with a 4xx, never anything else.
"""

from __future__ import annotations

import base64
import binascii
import json
from urllib.parse import parse_qsl

from starlette.requests import ClientDisconnect, Request

from .api_errors import ApiError
from .validation import Form

__all__ = ["basic_credentials", "read_form", "read_query"]

MAX_FIELDS = 1000


def read_query(request: Request) -> tuple[Form, str]:
    """The query parameters (repeated keys kept) and the raw query string."""
    raw = request.scope.get("query_string", b"").decode("latin-1")
    try:
        pairs = parse_qsl(
            raw, keep_blank_values=True, encoding="utf-8", errors="replace", max_num_fields=MAX_FIELDS
        )
    except ValueError as exc:
        raise ApiError(400, 10000, "Too many query parameters.") from exc
    return Form(pairs), raw


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise ApiError(413, 10000, f"The request body is larger than {limit} bytes.")
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise ApiError(413, 10000, f"The request body is larger than {limit} bytes.")
            chunks.append(chunk)
    except ClientDisconnect as exc:
        raise ApiError(400, 10000, "The client went away while sending the body.") from exc
    return b"".join(chunks)


def _json_pairs(body: bytes) -> list[tuple[str, str]]:
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise ApiError(400, 10000, "The JSON body could not be parsed.") from exc
    if not isinstance(data, dict):
        raise ApiError(400, 10000, "The JSON body must be an object.")

    def text(value: object) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str | int | float):
            return str(value)
        raise ApiError(400, 10000, "JSON values must be strings, numbers, booleans or arrays of them.")

    pairs: list[tuple[str, str]] = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            converted = text(item)
            if converted is not None:
                pairs.append((str(key), converted))
    return pairs


async def read_form(request: Request, limit: int) -> Form:
    """A create or update body: form-encoded (the standard), or a JSON object (tolerated)."""
    body = await _read_body(request, limit)
    content_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        return Form(_json_pairs(body))
    if content_type.startswith("multipart/"):
        raise ApiError(415, 10000, "Send application/x-www-form-urlencoded bodies.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError(400, 10000, "The body is not UTF-8.") from exc
    try:
        pairs = parse_qsl(text, keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except ValueError as exc:
        raise ApiError(400, 10000, "Too many form fields.") from exc
    return Form(pairs)


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """``(user, password)`` from an ``Authorization: Basic`` header, None if absent or unreadable."""
    if not header:
        return None
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None
