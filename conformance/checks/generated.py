"""Checks on requests Schemathesis generated from the spec, judged by Schemathesis's own checks: the answer matches
the documented schema and status codes, and generated invalid input to a create or an update is refused.

An invalid request breaking a core rule of the contract must be refused (ERR-INVALID-PARAMS); one breaking only
another constraint of the spec should be (ERR-INVALID-PARAMS-EXTENDED). Which rule a request breaks is read from
the request as sent (`conformance.core.invalid_input.core_violation`).

Kind "generated": `fn(ctx, exchange)`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from schemathesis.core.failures import AcceptedNegativeData, FailureGroup
from schemathesis.specs.openapi import checks as st_checks

from conformance.checks.context import GeneratedContext
from conformance.checks.kinds import GENERATED
from conformance.checks.registry import applicable
from conformance.checks.subjects import GeneratedExchange
from conformance.core.failures import Violation
from conformance.core.invalid_input import core_violation

__all__: list[str] = []


def _sent_form(exchange: GeneratedExchange) -> list[tuple[str, str]]:
    """The form the request carried, as the endpoint received it."""
    body = exchange.response.request.content.decode("utf-8", "replace")
    return parse_qsl(body, keep_blank_values=True)


def _operation_id(exchange: GeneratedExchange) -> str:
    return str(exchange.case.operation.definition.raw.get("operationId", ""))


def _broken_core_rule(ctx: GeneratedContext, exchange: GeneratedExchange) -> str | None:
    return core_violation(ctx.profile, _operation_id(exchange), _sent_form(exchange))


def _detail(ctx: GeneratedContext, exchange: GeneratedExchange, failure: Any) -> str:
    """Schemathesis's own message, and for accepted invalid input, the core rule it breaks (if any)."""
    message = str(getattr(failure, "message", "") or "")
    lines = [line for line in message.splitlines() if line.strip()][:8]
    if isinstance(failure, AcceptedNegativeData):
        broken = _broken_core_rule(ctx, exchange)
        lines.append(f"Core rule broken: {broken}" if broken else "Breaks only constraints beyond the core")
    return "\n".join(lines)


def _schemathesis(ctx: GeneratedContext, exchange: GeneratedExchange, check: Callable[..., Any]) -> None:
    """Run one of Schemathesis's checks on the answer; its first failure is the violation."""
    case = exchange.case
    try:
        case.validate_response(exchange.response, checks=[check])
    except FailureGroup as group:
        first = group.exceptions[0]
        raise Violation(
            f"{case.method} {case.operation.path}: {first.title}", detail=_detail(ctx, exchange, first)
        ) from None


@GENERATED("SCHEMA-RESPONSE")
def generated_answer_matches_schema(ctx: GeneratedContext, exchange: GeneratedExchange) -> None:
    _schemathesis(ctx, exchange, st_checks.response_schema_conformance)


@GENERATED("SCHEMA-STATUS-CODE")
def generated_answer_status_documented(ctx: GeneratedContext, exchange: GeneratedExchange) -> None:
    _schemathesis(ctx, exchange, st_checks.status_code_conformance)


@GENERATED("ERR-INVALID-PARAMS")
def generated_core_invalid_input_refused(ctx: GeneratedContext, exchange: GeneratedExchange) -> None:
    applicable(ctx.judges_invalid_input and _broken_core_rule(ctx, exchange))
    _schemathesis(ctx, exchange, st_checks.negative_data_rejection)


@GENERATED("ERR-INVALID-PARAMS-EXTENDED")
def generated_extended_invalid_input_refused(ctx: GeneratedContext, exchange: GeneratedExchange) -> None:
    applicable(ctx.judges_invalid_input and not _broken_core_rule(ctx, exchange))
    _schemathesis(ctx, exchange, st_checks.negative_data_rejection)
