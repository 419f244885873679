"""Reading an answer's JSON body without trusting it: the one helper every part of the suite uses."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = ["json_body", "json_field", "json_object"]


def json_body(response: httpx.Response, default: Any = None) -> Any:
    """The parsed JSON body of `response`, or `default` when it has none (empty, or not JSON)."""
    try:
        return json.loads(response.content)
    except ValueError:
        return default


def json_object(response: httpx.Response) -> dict[str, Any] | None:
    """The body when it is a JSON object, else None (garbage, lists and scalars included)."""
    body = json_body(response)
    return body if isinstance(body, dict) else None


def json_field(response: httpx.Response, name: str) -> Any:
    """Field `name` of a JSON-object body, or None."""
    body = json_object(response)
    return body.get(name) if body is not None else None
