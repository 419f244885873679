"""The HTTP surface: routing, authentication and the five Calls operations.

One ASGI endpoint matches every path itself, so unknown paths and methods get JSON errors too, and
any unexpected exception becomes a JSON 500 (a bug in the endpoint, never a client's fault).
"""

from __future__ import annotations

import hmac
import logging
import re
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from .answers import ApiError, ValidationFailed
from .calls_db import Call
from .config import Account
from .destinations import outcome_for
from .faults import FaultSet
from .numbers import format_address
from .paging import list_calls
from .reading import basic_credentials, read_form, read_query
from .serialize import serialize_call
from .validation import parse_create, parse_update

if TYPE_CHECKING:
    from .asgi import ReferenceState

__all__ = ["PREFIXES", "CallsEndpoint"]

logger = logging.getLogger(__name__)

PREFIXES = ("/api/laml/2010-04-01", "/2010-04-01")
_ROUTE = re.compile(
    r"^(?P<prefix>/api/laml/2010-04-01|/2010-04-01)/Accounts/(?P<account>[^/]+)/Calls"
    r"(?:/(?P<sid>[^/]+?))?(?P<json>\.json)?$"
)
_REALM = 'Basic realm="calls-conformance reference endpoint"'
_INT_LIKE = re.compile(r"^\s*[+-]?[0-9]+\s*$")


class CallsEndpoint:
    """ASGI app serving ``{prefix}/Accounts/{AccountSid}/Calls[/{Sid}][.json]``."""

    def __init__(self, state: ReferenceState) -> None:
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        respond = self.state.respond
        try:
            response = await self.handle(request)
        except ApiError as error:
            response = respond.error(error)
        except ValidationFailed as failure:
            response = respond.validation(failure)
        except Exception:
            logger.exception("unexpected error on %s %s", request.method, scope.get("path"))
            response = respond.error(ApiError(500, 20500, "Internal Server Error"))
        await response(scope, receive, send)

    # ------------------------------------------------------------------ routing and auth

    async def handle(self, request: Request) -> Response:
        path = request.scope.get("path", "")
        match = _ROUTE.match(path)
        faults = self.state.faults
        if match is None or (match["json"] and "json-suffix-missing" in faults):
            raise ApiError(404, 20404, f"The requested resource {path[:200]} was not found")
        sid = match["sid"]
        allowed = ("GET", "POST", "DELETE") if sid else ("GET", "POST")
        if request.method not in allowed:
            raise ApiError(
                405, 20004, f"Method {request.method[:20]} not allowed", headers={"Allow": ", ".join(allowed)}
            )
        account = self.authenticate(request, match["account"])
        if sid is None:
            return await (
                self.create(request, account) if request.method == "POST" else self.list(request, account)
            )
        call = self.find(account, sid, path)
        if request.method == "GET":
            return self.state.respond.json(
                serialize_call(call, faults), 203 if "undocumented-status" in faults else 200
            )
        if request.method == "POST":
            return await self.update(request, call)
        return self.delete(call)

    def authenticate(self, request: Request, path_account: str) -> Account:
        faults = self.state.faults
        accounts = self.state.store.accounts
        credentials = basic_credentials(request.headers.get("authorization"))
        unauthorized = {"WWW-Authenticate": _REALM}
        if credentials is None:
            if "auth-missing-accepted" in faults and path_account in accounts:
                return accounts[path_account]
            raise ApiError(401, 20003, "Authentication Error - No credentials provided", headers=unauthorized)
        user, password = credentials
        account = accounts.get(user)
        if account is None or not (
            hmac.compare_digest(password.encode("utf-8", "surrogateescape"), account.auth_token.encode())
            or "auth-wrong-accepted" in faults
        ):
            raise ApiError(
                401, 20003, "Authentication Error - invalid username or password", headers=unauthorized
            )
        if path_account != account.sid:
            if "account-path-ignored" in faults:
                return accounts.get(path_account, account)
            raise ApiError(
                401,
                20003,
                "Authentication Error - the credentials do not grant access to this account",
                headers=unauthorized,
            )
        return account

    def find(self, account: Account, sid: str, path: str) -> Call:
        call = self.state.store.get(account.sid, sid)
        if call is None:
            if "unknown-sid-400" in self.state.faults:
                raise ApiError(400, 10000, "The argument passed is invalid.")
            raise ApiError(404, 20404, f"The requested resource {path[:200]} was not found")
        return call

    # ------------------------------------------------------------------ operations

    async def create(self, request: Request, account: Account) -> Response:
        state = self.state
        faults = state.faults
        form = await read_form(request, state.config.max_body_bytes)
        if "create-rejects" in faults:
            raise ValidationFailed([(10000, "The call could not be created.")])
        if "create-rejects-repeated-events" in faults and len(form.getall("StatusCallbackEvent")) > 1:
            raise ValidationFailed([(21626, "StatusCallbackEvent is not valid.")])
        timeout = form.get("Timeout")
        if "server-error-on-bad-input" in faults and timeout and not _INT_LIKE.match(timeout):
            raise ApiError(500, 20500, "Internal Server Error")
        created = parse_create(form, strict="invalid-params-accepted" not in faults)
        store = state.store
        call = store.add(
            sid=store.new_sid(twilio_style="call-sid-not-uuid" in faults),
            account_sid=account.sid,
            to=created.to,
            from_=created.from_,
            formatted_to=format_address(created.to),
            formatted_from=format_address(created.from_),
            params=created.params,
            api_origin=_origin(request),
        )
        state.lifecycle.start(call)
        doc = serialize_call(call, faults)
        if "life-illegal-path" in faults and outcome_for(call.to).after_ringing != "in-progress":
            doc["status"] = "in-progress"  # only this answer lies; fetches show the queued call
        return state.respond.json(doc, 201 if "create-201" in faults else 200)

    async def list(self, request: Request, account: Account) -> Response:
        query, raw = read_query(request)
        envelope = list_calls(
            self.state.store, account.sid, query, request.scope["path"], raw, self.state.faults
        )
        return self.state.respond.json(envelope)

    async def update(self, request: Request, call: Call) -> Response:
        state = self.state
        faults = state.faults
        form = await read_form(request, state.config.max_body_bytes)
        change = parse_update(
            form,
            strict="invalid-params-accepted" not in faults,
            accept_any_status="update-bogus-status-accepted" in faults,
        )
        if call.ended:
            if "update-ended-accepted" in faults:
                return state.respond.json(serialize_call(call, faults))
            if change.status is not None:
                raise ApiError(
                    400, 10000, f"The call has already ended ({call.status}); it cannot be updated."
                )
            raise ApiError(400, 21220, "Call is not in-progress. Cannot redirect.")
        answered = call.status == "in-progress"
        if change.status == "canceled" and answered and "update-cancel-ends-in-progress" not in faults:
            raise ApiError(
                400, 10000, "An in-progress call cannot be canceled; update it with Status=completed."
            )
        params = call.params
        changed = False
        for attribute in ("status_callback", "status_callback_method", "fallback_url", "fallback_method"):
            value = getattr(change, attribute)
            if value is not None:
                setattr(params, attribute, value)
                changed = True
        if change.status is not None:
            if not _status_ignored(change.status, answered, faults):
                state.lifecycle.end(call, "completed" if answered else "canceled")
        elif change.url is not None or change.method is not None:
            params.url = change.url or params.url
            params.method = change.method or params.method
            changed = True
            if change.url is not None and answered and "update-redirect-ends-call" in faults:
                state.lifecycle.end(call, "completed")
            elif change.url is not None:
                state.lifecycle.redirect(call)
        if changed and change.status is None:
            call.date_updated = state.store.now()
        return state.respond.json(serialize_call(call, faults))

    def delete(self, call: Call) -> Response:
        faults = self.state.faults
        if not call.ended:
            if "delete-unfinished-accepted" not in faults:
                raise ApiError(400, 20009, f"Cannot delete a call that is not finished ({call.status}).")
            self.state.lifecycle.stop(call)
        elif "delete-ended-keeps" in faults:
            return self.state.respond.no_content()
        self.state.store.delete(call)
        return self.state.respond.no_content()


def _status_ignored(status: str, answered: bool, faults: FaultSet) -> bool:
    """Whether a fault makes this Status update of a live call a no-op (answered 200)."""
    if status == "canceled":
        return not answered and "update-cancel-queued-ignored" in faults
    if answered:
        return "update-complete-ignored" in faults
    return "update-complete-queued-ignored" in faults


def _origin(request: Request) -> str:
    """``http://host:port`` of the socket the request arrived on (for RecordingUrl)."""
    server = request.scope.get("server")
    if not server:
        return "http://127.0.0.1"
    host, port = server[0], server[1]
    host = f"[{host}]" if ":" in str(host) else host
    return f"http://{host}:{port}"
