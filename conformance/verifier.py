"""Runs checks and records each outcome against its requirement; MUST failures fail the current test."""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import re
import threading
import warnings
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs

import httpx

from conformance.checks import CheckContext, all_checks
from conformance.failures import ConformanceFailure, NotApplicable, Violation
from conformance.outcomes import Ledger, Outcome

__all__ = ["ConformanceWarning", "Verifier"]

_SCOPE: contextvars.ContextVar[str] = contextvars.ContextVar("verifier_scope", default="")
_CALLS_PATH = re.compile(r"/Accounts/(?P<account>[^/]+)/Calls(?P<rest>(/[^/]+)?)(\.json)?$")


class ConformanceWarning(UserWarning):
    """A SHOULD requirement was not met."""


class Verifier:
    """The bridge between checks and the ledger, shared by every suite test of a run."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.profile = ledger.profile
        self._pending: dict[str, list[ConformanceFailure]] = {}
        self._lock = threading.Lock()
        self._seen_calls: set[str] = set()
        self._seen_lock = threading.Lock()
        checks = all_checks().values()
        self._by_kind = {kind: [c for c in checks if c.kind == kind] for kind in ("call", "list", "response")}

    # ------------------------------------------------------------------ explicit checks
    def verify(self, requirement_id: str, fn: Callable[..., None], *args: Any) -> bool:
        """Run `fn(*args)`; a Violation fails the requirement, a return passes it. True when it passed.

        A check that raises NotApplicable judged nothing, so nothing is recorded.
        """
        if self.ledger.disabled_reason(requirement_id):
            return True
        try:
            fn(*args)
        except NotApplicable:
            return True
        except Violation as violation:
            self._fail(requirement_id, violation)
            return False
        self.ledger.record(requirement_id, Outcome.PASSED)
        return True

    def expect(self, requirement_id: str, condition: bool, title: str, *, received: Any = None,
               expected: Any = None) -> bool:
        """Pass the requirement when `condition` holds, else fail it with the message given."""

        def judge() -> None:
            if not condition:
                raise Violation(title, received=received, expected=expected)

        return self.verify(requirement_id, judge)

    def skip(self, requirement_id: str, reason: str) -> None:
        """Note that the requirement could not be judged here, and why."""
        if not self.ledger.disabled_reason(requirement_id):
            self.ledger.record(requirement_id, Outcome.SKIPPED, reason)

    def _fail(self, requirement_id: str, violation: Violation) -> None:
        failure = ConformanceFailure(requirement_id, violation.title, received=violation.received,
                                     expected=violation.expected)
        self.ledger.record(requirement_id, Outcome.FAILED, failure.describe())
        if self.ledger.catalog[requirement_id].level == "MUST":
            with self._lock:
                self._pending.setdefault(_SCOPE.get(), []).append(failure)
        else:
            warnings.warn(ConformanceWarning(failure.describe()), stacklevel=3)

    @contextlib.contextmanager
    def scope(self, name: str) -> Iterator[None]:
        """Collect the MUST failures of the code inside (this thread) under `name`, apart from the test's."""
        token = _SCOPE.set(name)
        try:
            yield
        finally:
            _SCOPE.reset(token)

    def take_pending(self, scope: str | None = None) -> list[ConformanceFailure]:
        """The MUST failures collected in `scope` (default: the current one) since the last call, emptied."""
        with self._lock:
            return self._pending.pop(scope if scope is not None else _SCOPE.get(), [])

    # ------------------------------------------------------------------ ambient checks
    def observe(self, response: httpx.Response) -> None:
        """Judge one answer: every response check, then list and Call checks on Calls bodies."""
        request = response.request
        path = request.url.path
        match = _CALLS_PATH.search(path)
        ctx = CheckContext(
            profile=self.profile,
            account_sid=match["account"] if match else None,
            method=request.method,
            path=path,
            query=parse_qs(request.url.query.decode("ascii", "replace"), keep_blank_values=True),
            status_code=response.status_code,
        )
        for check in self._by_kind["response"]:
            self.verify(check.requirement, check.fn, ctx, response)
        if not (match and response.is_success and response.content):
            return
        try:
            body = json.loads(response.content)
        except ValueError:
            body = None
        # An answer that is not a JSON object is judged as an empty one: every field of it is missing.
        body = body if isinstance(body, dict) else {}
        if request.method == "GET" and not match["rest"]:
            for check in self._by_kind["list"]:
                self.verify(check.requirement, check.fn, ctx, body)
            for call in body.get("calls") if isinstance(body.get("calls"), list) else ():
                if isinstance(call, dict):
                    self.observe_call(ctx, call)
        else:
            self.observe_call(ctx, body)

    def observe_call(self, ctx: CheckContext, call: dict[str, Any]) -> None:
        """Run every Call check once per distinct (account, object) seen."""
        digest = hashlib.sha1(
            json.dumps([ctx.account_sid, call], sort_keys=True, default=str).encode(), usedforsecurity=False
        ).hexdigest()
        with self._seen_lock:
            if digest in self._seen_calls:
                return
            self._seen_calls.add(digest)
        for check in self._by_kind["call"]:
            self.verify(check.requirement, check.fn, ctx, call)
