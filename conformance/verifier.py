"""Runs checks and records each outcome, once, against its requirement; MUST failures also join the current scope.

A scope is a suite test or a scenario: `with verifier.scope(name) as scope:` collects, in `scope.failures`,
the MUST failures recorded in its thread while it is open. The ledger holds every outcome; the scope holds
what the test or scenario reports (`conformance.pytest_outcomes` turns it into the test's outcome).
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import hashlib
import json
import re
import threading
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from conformance.bodies import json_object
from conformance.checks import CheckContext, all_checks
from conformance.failures import ConformanceFailure, NotApplicable, Violation
from conformance.outcomes import Ledger, Outcome

if TYPE_CHECKING:
    import httpx

__all__ = ["ConformanceWarning", "Scope", "Verifier"]
_CALLS_PATH = re.compile(r"/Accounts/(?P<account>[^/]+)/Calls(?P<rest>(/[^/]+)?)(\.json)?$")


class ConformanceWarning(UserWarning):
    """A SHOULD requirement was not met."""


@dataclasses.dataclass
class Scope:
    """A suite test or scenario, and the MUST failures recorded while it was the current scope."""

    name: str
    failures: list[ConformanceFailure] = dataclasses.field(default_factory=list)


_SCOPE: contextvars.ContextVar[Scope | None] = contextvars.ContextVar("verifier_scope", default=None)


class Verifier:
    """The bridge between checks and the ledger, shared by every suite test of a run."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.profile = ledger.profile
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

    def expect(
        self, requirement_id: str, condition: bool, title: str, *, received: Any = None, expected: Any = None
    ) -> bool:
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
        """Record the failure in the ledger; a MUST failure also joins the current scope, a SHOULD one warns."""
        failure = ConformanceFailure(
            requirement_id, violation.title, received=violation.received, expected=violation.expected
        )
        self.ledger.record(requirement_id, Outcome.FAILED, failure.describe())
        if self.ledger.catalog[requirement_id].level == "MUST":
            self.carry([failure])
        else:
            warnings.warn(ConformanceWarning(failure.describe()), stacklevel=3)

    @contextlib.contextmanager
    def scope(self, name: str) -> Iterator[Scope]:
        """Collect the MUST failures recorded inside (this thread) in a scope of their own."""
        scope = Scope(name)
        token = _SCOPE.set(scope)
        try:
            yield scope
        finally:
            _SCOPE.reset(token)

    def carry(self, failures: Iterable[ConformanceFailure]) -> None:
        """Add failures already recorded (a scenario's, reported by its test) to the current scope, if any."""
        scope = _SCOPE.get()
        if scope is not None:
            scope.failures.extend(failures)

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
        # An answer that is not a JSON object is judged as an empty one: every field of it is missing.
        body = json_object(response) or {}
        if request.method == "GET" and not match["rest"]:
            for check in self._by_kind["list"]:
                self.verify(check.requirement, check.fn, ctx, body)
            calls = body.get("calls")
            for call in calls if isinstance(calls, list) else ():
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
