"""Checks of every answer against the profile's spec: a documented status, a body matching its schema.

Schemathesis applies the same rules to generated requests; these apply them to every other answer too.
"""

from __future__ import annotations

import functools
import json
from typing import TYPE_CHECKING, Any

import jsonschema

from conformance.checks.context import CheckContext
from conformance.checks.kinds import RESPONSE
from conformance.checks.registry import applicable
from conformance.core.bodies import json_body
from conformance.core.failures import Violation
from conformance.core.spec import documented_response

if TYPE_CHECKING:
    import httpx

__all__: list[str] = []

_NOT_JSON = object()


def _lookup(ctx: CheckContext) -> tuple[bool, dict[str, Any] | None]:
    """The documented (status, schema) of the request's operation; NotApplicable when none matches."""
    for path in (ctx.path, ctx.path.removesuffix(".json")):
        try:
            return documented_response(ctx.profile, ctx.method, path, ctx.status_code)
        except LookupError:
            continue
    applicable(False)
    raise AssertionError("unreachable")


@functools.cache
def _validator(schema_text: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(schema_text))


@RESPONSE("SCHEMA-STATUS-CODE")
def status_code_documented(ctx: CheckContext, response: httpx.Response) -> None:
    documented, _ = _lookup(ctx)
    if not documented:
        raise Violation(
            f"{ctx.method} {ctx.path} answered a status the spec does not document",
            received=response.status_code,
            expected="a documented status code",
        )


@RESPONSE("SCHEMA-RESPONSE")
def body_matches_schema(ctx: CheckContext, response: httpx.Response) -> None:
    documented, schema = _lookup(ctx)
    applicable(documented and schema is not None and response.content)
    body = json_body(response, _NOT_JSON)
    if body is _NOT_JSON:
        raise Violation(
            f"{ctx.method} {ctx.path} answered {response.status_code} with a body that is not JSON",
            received=response.text[:200],
            expected="JSON matching the spec",
        )
    error = jsonschema.exceptions.best_match(_validator(json.dumps(schema, sort_keys=True)).iter_errors(body))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(body)"
        raise Violation(
            f"{ctx.method} {ctx.path} answered {response.status_code} with a body off the spec at {where}",
            received=error.message[:300],
            expected="the schema the spec declares",
        )
