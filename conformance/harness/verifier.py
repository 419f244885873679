"""The one dispatcher of checks: it runs registered checks (`conformance.checks`) and records each outcome, once,
against the check's requirement; MUST failures also join the current scope.

`run(KIND, ctx, subject)` runs every check of a kind (the answers the client receives are run through RESPONSE,
LISTING and CALL as they arrive: `observe`); `check(fn, ctx, subject)` runs one registered check; `skip` records
that a requirement could not be judged here, and why. No judgment reaches the ledger any other way.

A scope is a suite test or a scenario: `with verifier.scope(name) as scope:` collects, in `scope.failures`,
the MUST failures recorded in its thread while it is open. The ledger holds every outcome; the scope holds
what the test or scenario reports (`conformance.pytest.outcomes` turns it into the test's outcome).

Each failure carries its evidence (`conformance.core.evidence`): the answer the check judged (passed in, found among
the check's arguments, or else the last answer this thread received), or the callbacks it judged; and its
occurrence number, so that a requirement's first failure is shown in full and later ones as one line. A waived
requirement's failures are recorded but join no scope: they fail no test.
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
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import Any, TypeVar, cast
from urllib.parse import parse_qs

import httpx

from conformance.checks import Check, Kind, check_of
from conformance.checks.context import CheckContext
from conformance.checks.kinds import CALL, LISTING, RESPONSE
from conformance.core.bodies import json_object
from conformance.core.capture import Capture
from conformance.core.evidence import Evidence, callbacks_of, exchange_of
from conformance.core.failures import ConformanceFailure, Violation
from conformance.core.outcomes import Ledger, Outcome
from conformance.core.redaction import redact
from conformance.core.signals import NotApplicable

__all__ = ["ConformanceWarning", "Scope", "Verifier"]
Context = TypeVar("Context")
Subject = TypeVar("Subject")
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

    def __init__(self, ledger: Ledger, *, secrets: Iterable[str] = (), waived: Collection[str] = ()) -> None:
        self.ledger = ledger
        self.profile = ledger.profile
        self.secrets = tuple(secrets)
        self.waived = frozenset(waived)
        self._seen_calls: set[str] = set()
        self._seen_lock = threading.Lock()
        self._first_in: dict[str, str] = {}
        self._last = threading.local()

    # ------------------------------------------------------------------ the one dispatcher
    def check(
        self,
        fn: Callable[[Context, Subject], None],
        ctx: Context,
        subject: Subject,
        *,
        response: httpx.Response | None = None,
        call_sid: str | None = None,
    ) -> bool:
        """Run the registered check `fn` on `subject` and record its outcome; True unless it failed."""
        return self._judge(check_of(fn), ctx, subject, response=response, call_sid=call_sid)

    def run(
        self,
        kind: Kind[Context, Subject],
        ctx: Context,
        subject: Subject | Sequence[Subject],
        *,
        only: Iterable[str] | None = None,
        response: httpx.Response | None = None,
        call_sid: str | None = None,
    ) -> bool:
        """Run every check of `kind` (of the requirements `only` names, if given) on `subject`; for a kind that
        judges items one by one (`each`), on each item of the sequence, up to the check's first failure. True
        unless one failed."""
        chosen = None if only is None else frozenset(only)
        passed = True
        for entry in kind.checks():
            if chosen is not None and entry.requirement not in chosen:
                continue
            items = cast("Sequence[Subject]", subject) if kind.each else [cast("Subject", subject)]
            for item in items:
                if not self._judge(entry, ctx, item, response=response, call_sid=call_sid):
                    passed = False
                    break
        return passed

    def _judge(
        self,
        entry: Check[Context, Subject],
        ctx: Context,
        subject: Subject,
        *,
        response: httpx.Response | None,
        call_sid: str | None,
    ) -> bool:
        """Run one check: a Violation fails its requirement, a return passes it; True unless it failed.

        A check that raises NotApplicable judged nothing, so nothing is recorded; NotJudged (a signal that the
        test or scenario could not judge here) goes on to the caller. `response` (else an answer or callbacks in
        the subject, else this thread's last answer) is what a failure shows; `call_sid` names the call.
        """
        requirement_id = entry.requirement
        if self.ledger.disabled_reason(requirement_id):
            return True
        try:
            entry.fn(ctx, subject)
        except NotApplicable:
            return True
        except Violation as violation:
            evidence = violation.evidence or self._evidence((ctx, subject), response, call_sid)
            self._fail(requirement_id, violation, evidence)
            return False
        self.ledger.record(requirement_id, Outcome.PASSED)
        return True

    def skip(self, requirement_id: str, reason: str) -> None:
        """Note that the requirement could not be judged here, and why."""
        if not self.ledger.disabled_reason(requirement_id):
            self.ledger.record(requirement_id, Outcome.SKIPPED, reason)

    def _evidence(
        self, args: tuple[Any, ...], response: httpx.Response | None, call_sid: str | None
    ) -> Evidence:
        """What a failure shows: the answer given or judged, the callbacks judged, or this thread's last answer."""
        subjects = [*args, *(a for arg in args if isinstance(arg, list | tuple) for a in arg)]
        captures = [a for a in subjects if isinstance(a, Capture)]
        if call_sid is None:
            named = [a.sid for a in subjects if isinstance(getattr(a, "sid", None), str)]
            named += [a["sid"] for a in subjects if isinstance(a, dict) and isinstance(a.get("sid"), str)]
            call_sid = named[0] if named else None
        if captures:
            return Evidence(callbacks=callbacks_of(captures), call_sid=call_sid)
        answer = response or next((a for a in subjects if isinstance(a, httpx.Response)), None)
        answer = answer or getattr(self._last, "response", None)
        return Evidence(exchange_of(answer) if answer is not None else None, call_sid=call_sid)

    def _fail(self, requirement_id: str, violation: Violation, evidence: Evidence) -> None:
        """Record the failure in the ledger; a MUST failure also joins the current scope (unless its requirement
        is waived), a SHOULD or waived one warns."""
        found = ConformanceFailure.of(requirement_id, violation, evidence)
        scope = _SCOPE.get()
        carried = self.ledger.catalog[requirement_id].level == "MUST" and requirement_id not in self.waived
        # A MUST failure outside any test or scenario (the run's first request) is recorded, never shown.
        visible = scope is not None or not carried
        message = self.scrub(found.describe())
        with self._seen_lock:  # the occurrence count and the first shown one agree, whatever the threads do
            occurrence = self.ledger.record(requirement_id, Outcome.FAILED, message)
            first = visible and requirement_id not in self._first_in
            if first:
                self._first_in[requirement_id] = scope.name if scope is not None else "a warning"
            failure = found.placed(occurrence, first, self._first_in.get(requirement_id))
        if carried:
            self.carry([failure])
        else:
            warnings.warn(ConformanceWarning(self.scrub(failure.shown())), stacklevel=3)

    def scrub(self, text: str) -> str:
        """`text` with the run's secrets and any credential hidden."""
        return redact(text, self.secrets)

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
        self._last.response = response
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
        self.run(RESPONSE, ctx, response)
        if not (match and response.is_success and response.content):
            return
        # An answer that is not a JSON object is judged as an empty one: every field of it is missing.
        body = json_object(response) or {}
        if request.method == "GET" and not match["rest"]:
            self.run(LISTING, ctx, body)
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
        sid = call.get("sid") if isinstance(call.get("sid"), str) else None
        self.run(CALL, ctx, call, call_sid=sid)
