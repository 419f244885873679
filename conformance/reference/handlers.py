"""The HTTP surface: routing, authentication and the five Calls operations.

One ASGI endpoint matches every path itself, so unknown paths and methods get JSON errors too, and
any unexpected exception becomes a JSON 500 (a bug in the endpoint, never a client's fault). Where
the contract leaves a decision to the endpoint's faults, the code reads the ``Behaviour`` field that
names it; the correct endpoint is ``Behaviour()``.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from .api_errors import ApiError, ValidationFailed
from .call_store import Call
from .config import Account
from .numbers import format_address
from .paging import list_calls
from .reading import basic_credentials, read_form, read_query
from .routes import match
from .serialize import serialize_call
from .validation import Form, UpdateRequest, parse_create, parse_update

if TYPE_CHECKING:
    from .faults import Behaviour
    from .state import ReferenceState

__all__ = ["CallsEndpoint"]

logger = logging.getLogger(__name__)

_REALM = 'Basic realm="calls-conformance reference endpoint"'
_UNAUTHORIZED = {"WWW-Authenticate": _REALM}
_INT_LIKE = re.compile(r"^\s*[+-]?[0-9]+\s*$")
_CALL_SETTINGS = ("status_callback", "status_callback_method", "fallback_url", "fallback_method")


def _not_found(path: str) -> ApiError:
    return ApiError(404, 20404, f"The requested resource {path[:200]} was not found")


class CallsEndpoint:
    """ASGI app serving ``{prefix}/Accounts/{AccountSid}/Calls[/{Sid}][.json]``."""

    def __init__(self, state: ReferenceState) -> None:
        self.state = state
        self.behaviour = state.behaviour
        self.profile = state.config.profile

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
        target = match(path)
        if (
            target is None
            or target.prefix not in self.profile.prefixes
            or (target.json_suffix and not self.behaviour.json_suffix_served)
        ):
            raise _not_found(path)
        operation = target.operation(request.method)
        if operation is None:
            allowed = {"Allow": ", ".join(target.allowed)}
            raise ApiError(405, 20004, f"Method {request.method[:20]} not allowed", headers=allowed)
        account = self.authenticate(request, target.account)
        if target.sid is None:
            if operation == "create":
                return await self.create(request, account)
            return await self.list(request, account)
        call = self.find(account, target.sid, path)
        if operation == "fetch":
            return self.state.respond.json(self.shown(call))
        if operation == "update":
            return await self.update(request, call)
        return self.delete(call)

    def authenticate(self, request: Request, path_account: str) -> Account:
        behaviour = self.behaviour
        accounts = self.state.store.accounts
        header = request.headers.get("authorization")
        account = _lenient_account(header, path_account, accounts, behaviour)
        if account is not None:
            return account
        credentials = basic_credentials(header)
        if credentials is None:
            if header is None:
                if not behaviour.credentials_required and path_account in accounts:
                    return accounts[path_account]
                raise ApiError(
                    401, 20003, "Authentication Error - No credentials provided", headers=_UNAUTHORIZED
                )
            status = behaviour.malformed_authorization_status
            raise ApiError(
                status,
                20003 if status == 401 else 10000,
                "Authentication Error - the Authorization header holds no usable credentials",
                headers=_UNAUTHORIZED if status == 401 else None,
            )
        user, password = credentials
        account = accounts.get(user)
        if account is None or not (
            _password_accepted(password, account, behaviour) or not behaviour.password_checked
        ):
            raise ApiError(
                401, 20003, "Authentication Error - invalid username or password", headers=_UNAUTHORIZED
            )
        if path_account != account.sid:
            if not behaviour.path_account_checked:
                return accounts.get(path_account, account)
            raise ApiError(
                401,
                20003,
                "Authentication Error - the credentials do not grant access to this account",
                headers=_UNAUTHORIZED,
            )
        return account

    def find(self, account: Account, sid: str, path: str) -> Call:
        call = self.state.store.get(account.sid, sid)
        if call is None:
            if self.behaviour.unknown_sid_status == 400:
                raise ApiError(400, 10000, "The argument passed is invalid.")
            raise _not_found(path)
        return call

    def shown(self, call: Call) -> dict[str, Any]:
        """The Call as the answers show it."""
        return serialize_call(call, self.profile, self.state.faults)

    # ------------------------------------------------------------------ operations

    async def create(self, request: Request, account: Account) -> Response:
        state = self.state
        form = await read_form(request, state.config.max_body_bytes)
        self.screen_create(form)
        created = parse_create(
            form,
            self.profile,
            strict=self.behaviour.params_validated,
            extended=self.behaviour.extended_params_validated,
            lenient=_lenient_rules(self.behaviour),
        )
        store = state.store
        call = store.add(
            sid=self.profile.new_sid("CA", other=self.behaviour.sid_form == "other"),
            account_sid=account.sid,
            to=created.to,
            from_=created.from_,
            formatted_to=format_address(created.to),
            formatted_from=format_address(created.from_),
            params=created.params,
            api_origin=_origin(request),
        )
        state.lifecycle.start(call)
        return state.respond.created(state.faults.create_answer(self.shown(call), call))

    def screen_create(self, form: Form) -> None:
        """The refusals a create meets before its parameters are read (none, on the correct endpoint)."""
        behaviour = self.behaviour
        if not behaviour.creates_accepted:
            raise ValidationFailed([(10000, "The call could not be created.")])
        if not behaviour.repeated_keys_accepted and len(form.getall("StatusCallbackEvent")) > 1:
            raise ValidationFailed([(21626, "StatusCallbackEvent is not valid.")])
        timeout = form.get("Timeout")
        if behaviour.bad_integers == "crash" and timeout and not _INT_LIKE.match(timeout):
            raise ApiError(500, 20500, "Internal Server Error")

    async def list(self, request: Request, account: Account) -> Response:
        query, raw = read_query(request)
        envelope = list_calls(
            self.state.store, account.sid, query, request.scope["path"], raw, self.profile, self.state.faults
        )
        return self.state.respond.json(envelope)

    async def update(self, request: Request, call: Call) -> Response:
        state = self.state
        behaviour = self.behaviour
        form = await read_form(request, state.config.max_body_bytes)
        change = parse_update(
            form,
            self.profile,
            strict=behaviour.params_validated,
            accept_any_status=behaviour.unknown_update_status == "ignore",
        )
        if call.ended:
            if behaviour.ended_call_update == "ignore":
                return state.respond.json(self.shown(call))
            if change.status is not None:
                raise ApiError(
                    400, 10000, f"The call has already ended ({call.status}); it cannot be updated."
                )
            raise ApiError(400, 21220, "Call is not in-progress. Cannot redirect.")
        answered = call.status == "in-progress"
        action = behaviour.status_update(change.status, answered=answered) if change.status else None
        ringing = call.status == "ringing"
        if ringing and change.status == "completed" and behaviour.complete_ringing_ignored:
            action = "ignore"
        if action == "refuse":
            raise ApiError(
                400, 10000, "An in-progress call cannot be canceled; update it with Status=completed."
            )
        params = call.params
        changed = False
        for attribute in _CALL_SETTINGS:
            value = getattr(change, attribute)
            if value is not None and behaviour.setting_updated(attribute):
                if attribute == "status_callback" and value != params.status_callback:
                    params.replaced_status_callback = params.status_callback
                setattr(params, attribute, value)
                changed = True
        if change.status is not None:
            if (
                action == "end"
                and ringing
                and change.status == "canceled"
                and behaviour.cancel_ringing_completes
            ):
                state.lifecycle.answer_and_complete(call)
            elif action == "end":
                state.lifecycle.end(call, "completed" if answered else "canceled")
        elif change.url is not None or change.twiml is not None or change.method is not None:
            changed = True
            self.redirect(call, change, answered=answered)
        if changed and change.status is None:
            call.date_updated = state.store.now()
        return state.respond.json(self.shown(call))

    def redirect(self, call: Call, change: UpdateRequest, *, answered: bool) -> None:
        """New instructions for a live call (a Url, or twilio's inline Twiml; a Url wins): an answered call
        fetches and runs them at once."""
        behaviour = self.behaviour
        params = call.params
        if behaviour.redirect_method_honoured:
            params.method = change.method or params.method
        if change.url is not None:
            params.url, params.twiml = change.url, None
        elif change.twiml is not None:
            params.url, params.twiml = None, change.twiml
        else:
            return
        if answered and behaviour.redirect_in_progress == "end":
            self.state.lifecycle.end(call, "completed")
        elif behaviour.redirect_fetched:
            self.state.lifecycle.redirect(call)

    def delete(self, call: Call) -> Response:
        behaviour = self.behaviour
        if not call.ended:
            if behaviour.delete_unfinished == "refuse":
                raise ApiError(400, 20009, f"Cannot delete a call that is not finished ({call.status}).")
            self.state.lifecycle.stop(call)
        elif behaviour.delete_ended == "keep":
            return self.state.respond.no_content()
        self.state.store.delete(call)
        return self.state.respond.no_content()


def _password_matches(password: str, account: Account) -> bool:
    return hmac.compare_digest(password.encode("utf-8", "surrogateescape"), account.auth_token.encode())


def _password_accepted(password: str, account: Account, behaviour: Behaviour) -> bool:
    """The right token, or (a fault) one of the near misses a careless comparison lets in."""
    token = account.auth_token
    return (
        _password_matches(password, account)
        or (behaviour.empty_password_accepted and password == "")
        or (behaviour.token_prefix_accepted and bool(password) and token.startswith(password))
        or (behaviour.token_suffix_accepted and password.startswith(token))
        or (behaviour.token_case_ignored and password.lower() == token.lower())
    )


def _lenient_rules(behaviour: Behaviour) -> frozenset[str]:
    """The core rules of a create a faulty endpoint does not check (`validation.LENIENT_RULES`)."""
    chosen = {
        "timeout-decimal": behaviour.timeout_decimals_accepted,
        "url-scheme": behaviour.url_any_scheme_accepted,
        "from-address": not behaviour.from_address_checked,
    }
    return frozenset(rule for rule, on in chosen.items() if on)


def _lenient_account(
    header: str | None, path_account: str, accounts: Mapping[str, Account], behaviour: Behaviour
) -> Account | None:
    """The account a faulty reading of a malformed Authorization header lets in (None: none does)."""
    if header is None:
        return None
    if behaviour.empty_authorization_served and not header.strip():
        return accounts.get(path_account)
    scheme, _, value = header.partition(" ")
    if behaviour.bearer_token_accepted and scheme.lower() == "bearer":
        return next((a for a in accounts.values() if a.auth_token == value.strip()), None)
    if behaviour.basic_without_separator_accepted and scheme.lower() == "basic":
        try:
            user = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            return None
        return accounts.get(user) if ":" not in user else None
    return None


def _origin(request: Request) -> str:
    """``http://host:port`` of the socket the request arrived on (for RecordingUrl)."""
    server = request.scope.get("server")
    if not server:
        return "http://127.0.0.1"
    host, port = server[0], server[1]
    host = f"[{host}]" if ":" in str(host) else host
    return f"http://{host}:{port}"
