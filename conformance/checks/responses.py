"""Checks on every HTTP answer: error bodies, no 5xx, JSON media type."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from conformance.checks.context import CheckContext
from conformance.checks.kinds import RESPONSE
from conformance.checks.registry import applicable
from conformance.core.bodies import json_object
from conformance.core.failures import Violation

if TYPE_CHECKING:
    import httpx

__all__: list[str] = []


def _code_ok(code: Any) -> bool:
    return (isinstance(code, int) and not isinstance(code, bool)) or (
        isinstance(code, str) and code.isdigit()
    )


def _item_problem(item: Any, where: str) -> str | None:
    """What an error object (the body, or an `errors` item) lacks of `code`, `message` and `more_info`."""
    if not isinstance(item, dict):
        return f"{where} is not an object"
    if not _code_ok(item.get("code")):
        return f"{where}: `code` is missing or not an integer or numeric string"
    for key in ("message", "more_info"):
        if not isinstance(item.get(key), str):
            return f"{where}: `{key}` is missing or not a string"
    return None


def _shape_problem(body: dict[str, Any]) -> str | None:
    """Every key the contract names: `{code, message, more_info, status}`, or `{errors: [{code, message,
    more_info}]}`."""
    if "errors" in body:
        items = body["errors"]
        if not isinstance(items, list) or not items:
            return "`errors` is not a non-empty array"
        return next((p for p in (_item_problem(i, "an `errors` item") for i in items) if p), None)
    problem = _item_problem(body, "the body")
    if problem is None and "status" not in body:
        return "the body: `status` is missing"
    return problem


@RESPONSE("ERR-JSON-BODY")
def error_has_json_body(ctx: CheckContext, response: httpx.Response) -> None:
    applicable(response.status_code >= 400)
    body = json_object(response)
    if body is None:
        raise Violation(
            f"a {response.status_code} answer has no JSON object body",
            received=response.text[:200],
            expected="{code, message, more_info, status} or {errors: [...]}",
        )
    problem = _shape_problem(body)
    if problem:
        raise Violation(
            f"a {response.status_code} error body has the wrong shape: {problem}",
            received=body,
            expected="{code, message, more_info, status} or {errors: [{code, message, more_info}]}",
        )


@RESPONSE("ERR-BODY-STATUS")
def error_body_status_matches(ctx: CheckContext, response: httpx.Response) -> None:
    body = json_object(response) if response.status_code >= 400 else None
    applicable(body is not None and "status" in body)
    status = cast("dict[str, Any]", body)["status"]
    if str(status) != str(response.status_code):
        raise Violation(
            "error body `status` differs from the HTTP status",
            received=status,
            expected=response.status_code,
        )


@RESPONSE("ERR-NO-5XX")
def no_server_error(ctx: CheckContext, response: httpx.Response) -> None:
    if response.status_code >= 500:
        raise Violation(
            f"{ctx.method} {ctx.path} answered {response.status_code}",
            received=response.text[:200],
            expected="a 2xx or 4xx answer",
        )


@RESPONSE("SCHEMA-CONTENT-TYPE")
def json_media_type(ctx: CheckContext, response: httpx.Response) -> None:
    applicable(response.content)
    media_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        raise Violation(
            f"a {response.status_code} answer with a body is not labelled JSON",
            received=media_type or "(no Content-Type)",
            expected="application/json",
        )
