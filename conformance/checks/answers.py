"""Checks on the answers suite tests judge on purpose: a valid create's, and the refusals the error contract
requires (credentials, another account, unknown sids, invalid parameters, list parameters out of bounds).

Kind "answer": `fn(ctx, response)`, where `ctx.what` says in words what the request was. Each check knows its
rule (the statuses and error code the contract names), so a suite test names only which one judges its answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from conformance.checks.context import AnswerContext
from conformance.checks.kinds import ANSWER
from conformance.checks.listing import MAX_PAGE_SIZE
from conformance.checks.registry import applicable
from conformance.core.bodies import json_object
from conformance.core.failures import Violation

if TYPE_CHECKING:
    import httpx

__all__ = ["CREATED_STATUS", "error_code"]

AUTH_CODE = "20003"
NOT_FOUND_CODE = "20404"
INVALID = (400, 422)
ANY_4XX = tuple(range(400, 500))
CREATED_STATUS = {"signalwire": 200, "twilio": 201}


def error_code(response: httpx.Response) -> str | None:
    """An error body's code (`code`, or the first of `errors`), as text; None when there is none."""
    body = json_object(response)
    if body is None:
        return None
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return str(errors[0].get("code"))
    return str(body.get("code")) if "code" in body else None


def _statuses(statuses: tuple[int, ...]) -> str:
    return "4xx" if statuses == ANY_4XX else " or ".join(map(str, statuses))


def _answered(
    ctx: AnswerContext, response: httpx.Response, statuses: tuple[int, ...], code: str | None
) -> None:
    """The answer has one of `statuses` and, if `code` is given, that error code."""
    if response.status_code not in statuses or (code is not None and error_code(response) != code):
        raise Violation(
            f"{ctx.what} answered {response.status_code}",
            received={"status": response.status_code, "code": error_code(response)},
            expected={"status": _statuses(statuses), "code": code or "any"},
        )


def _holds_call_data(response: httpx.Response) -> bool:
    body = json_object(response)
    if body is None:
        return False
    calls = body.get("calls")
    return "sid" in body or bool(isinstance(calls, list) and calls)


def _no_call_data(ctx: AnswerContext, response: httpx.Response) -> None:
    if _holds_call_data(response):
        raise Violation(
            f"{ctx.what} returned call data",
            received=response.text[:200],
            expected="no Call object and no listed call",
        )


# ---------------------------------------------------------------------------------------- valid requests


@ANSWER("CREATE-2XX")
def valid_create_accepted(ctx: AnswerContext, response: httpx.Response) -> None:
    body = json_object(response)
    if not (response.is_success and body is not None and isinstance(body.get("sid"), str)):
        raise Violation(
            f"{ctx.what} was not accepted",
            received=f"{response.status_code} {response.text[:200]}",
            expected="2xx with a Call object",
        )


@ANSWER("CREATE-STATUS-CODE")
def create_code_is_the_profiles(ctx: AnswerContext, response: httpx.Response) -> None:
    applicable(response.is_success)
    if response.status_code != CREATED_STATUS[ctx.profile]:
        raise Violation(
            "create answered another 2xx code than the profile's",
            received=response.status_code,
            expected=CREATED_STATUS[ctx.profile],
        )


@ANSWER("CREATE-FORM-ARRAYS")
def repeated_keys_accepted(ctx: AnswerContext, response: httpx.Response) -> None:
    if not response.is_success:
        raise Violation(
            f"{ctx.what} was refused",
            received=f"{response.status_code} {response.text[:200]}",
            expected="2xx",
        )


@ANSWER("LIST-ENVELOPE")
def list_answered_with_calls(ctx: AnswerContext, response: httpx.Response) -> None:
    body = json_object(response)
    if not (response.is_success and body is not None and isinstance(body.get("calls"), list)):
        raise Violation(
            f"{ctx.what} answered {response.status_code} without a list envelope",
            received=response.text[:200],
            expected="2xx with a `calls` array",
        )


@ANSWER("LIST-PAGE-SIZE-LIMITS")
def page_size_within_limits_accepted(ctx: AnswerContext, response: httpx.Response) -> None:
    if not response.is_success:
        raise Violation(
            f"{ctx.what} was refused",
            received={"status": response.status_code, "code": error_code(response)},
            expected=f"2xx: PageSize from 1 to {MAX_PAGE_SIZE} is documented",
        )


# ---------------------------------------------------------------------------------------- credentials


@ANSWER("ERR-AUTH-MISSING")
def refused_without_credentials(ctx: AnswerContext, response: httpx.Response) -> None:
    _answered(ctx, response, (401,), AUTH_CODE)
    _no_call_data(ctx, response)


@ANSWER("ERR-AUTH-WRONG")
def refused_with_wrong_credentials(ctx: AnswerContext, response: httpx.Response) -> None:
    _no_call_data(ctx, response)
    _answered(ctx, response, (401,), AUTH_CODE)


@ANSWER("ERR-AUTH-MALFORMED")
def refused_with_malformed_authorization(ctx: AnswerContext, response: httpx.Response) -> None:
    _no_call_data(ctx, response)
    _answered(ctx, response, ANY_4XX, None)


@ANSWER("ERR-AUTH-MALFORMED-401")
def malformed_authorization_answered_401(ctx: AnswerContext, response: httpx.Response) -> None:
    applicable(400 <= response.status_code < 500)  # any other answer is ERR-AUTH-MALFORMED's to fail
    _answered(ctx, response, (401,), AUTH_CODE)


@ANSWER("ERR-OTHER-ACCOUNT")
def other_account_refused(ctx: AnswerContext, response: httpx.Response) -> None:
    _answered(ctx, response, (401, 403, 404), None)
    _no_call_data(ctx, response)


# ---------------------------------------------------------------------------------------- unknown and invalid


@ANSWER("ERR-UNKNOWN-SID")
def unknown_sid_refused(ctx: AnswerContext, response: httpx.Response) -> None:
    _answered(ctx, response, (404,), NOT_FOUND_CODE)


@ANSWER("ERR-INVALID-PARAMS")
def core_invalid_input_refused(ctx: AnswerContext, response: httpx.Response) -> None:
    _answered(ctx, response, INVALID, None)


@ANSWER("ERR-INVALID-PARAMS-EXTENDED")
def extended_invalid_input_refused(ctx: AnswerContext, response: httpx.Response) -> None:
    _answered(ctx, response, INVALID, None)


@ANSWER("UPDATE-STATUS-INVALID")
def unknown_update_status_refused(ctx: AnswerContext, response: httpx.Response) -> None:
    _answered(ctx, response, ANY_4XX, None)


@ANSWER("LIST-PARAMS-INVALID")
def invalid_list_parameter_refused(ctx: AnswerContext, response: httpx.Response) -> None:
    _answered(ctx, response, ANY_4XX, None)


@ANSWER("LIST-PARAMS-INVALID")
def page_size_above_maximum_refused_or_capped(ctx: AnswerContext, response: httpx.Response) -> None:
    """Refused, or (as some providers do) answered with at most MAX_PAGE_SIZE calls and that `page_size`."""
    if 400 <= response.status_code < 500:
        return
    body = json_object(response)
    size: Any = body.get("page_size") if body is not None else None
    if not (response.is_success and str(size).isdigit() and int(str(size)) <= MAX_PAGE_SIZE):
        raise Violation(
            f"{ctx.what} answered {response.status_code}",
            received={"status": response.status_code, "page_size": size},
            expected=f"4xx, or 2xx with page_size at most {MAX_PAGE_SIZE}",
        )


@ANSWER("LIST-PAGE-TOKEN")
def page_without_token_refused(ctx: AnswerContext, response: httpx.Response) -> None:
    _answered(ctx, response, ANY_4XX, None)
