"""One run of the suite: settings, the endpoint (started when embedded), the clock, the client, the ledger.

The `Run` lives in the pytest config for the whole session (`conformance.pytest.plugin` keeps it there). It owns
what the run judges (`activate`: the selection and the waivers), starting and stopping (`start`, `stop`), the
harness errors that stop the run (`fail`, `errors`), whether a recording is kept, and its end (`finish`): the
verdict, the reports (written in every case, `conformance.run.conclusion`) and the exit status. It knows nothing of
pytest's outcomes: those are made from its errors and the verifier's scopes in `conformance.pytest.outcomes`.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from pytest import ExitCode

from conformance.cassettes import Cassettes, Recording, Scrubber
from conformance.core.catalog import Catalog, load_catalog
from conformance.core.clock import Clock
from conformance.core.errors import (
    CallsLeftUp,
    ConfigError,
    CredentialsRefused,
    EndpointUnavailable,
    EndpointUnreachable,
    HarnessError,
    Interrupted,
    StaleCassettes,
    SuiteTestsErrored,
)
from conformance.core.hypothesis_seam import without_local_constants
from conformance.core.outcomes import Ledger, Result
from conformance.core.redaction import strip_userinfo
from conformance.core.settings import SETTINGS, Settings, raw_setting
from conformance.core.terms import CAPABILITIES
from conformance.core.waivers import Waiver, load_waivers, today
from conformance.harness.client import CallsClient
from conformance.harness.harness import Harness
from conformance.harness.verifier import Verifier
from conformance.lifecycle.runner import (
    SCENARIO_ACTOR,
    SCENARIOS,
    join_background,
    start_in_background,
    wait_background,
)
from conformance.plan.conditions import Conditions
from conformance.plan.plan import Consumer, Plan, make_plan
from conformance.receiver import CallbackReceiver
from conformance.reports.facts import Facts
from conformance.run.conclusion import (
    Conclusion,
    conclude,
    raw_report_dir,
    raw_secrets,
    raw_target,
    suite_version,
    utc_now,
    write_conclusion,
)
from conformance.run.embedded import EmbeddedEndpoint
from conformance.run.setup import StartOptions, receiver_for, settings_for

__all__ = ["Run"]

# pytest's own statuses that mean the run was not carried out to its end, and why.
_PYTEST_STOPPED = {
    ExitCode.INTERRUPTED: "the run was interrupted",
    ExitCode.INTERNAL_ERROR: "pytest stopped on an internal error",
    ExitCode.USAGE_ERROR: "pytest usage error",
    ExitCode.NO_TESTS_COLLECTED: "no suite test was run (every one deselected)",
}


class Run:
    """The session's run; `active` once suite tests are collected, `suite` once the first one starts it."""

    def __init__(
        self,
        options: Mapping[str, Any],
        faults: Sequence[str] = (),
        environ: Mapping[str, str] = os.environ,
        *,
        timings: str = "fast",
        cassettes: tuple[str, Path] | None = None,
        reference_profile: str | None = None,
        seed_calls: int = 0,
    ) -> None:
        self.options = options
        self.faults = tuple(faults)
        self.environ = environ
        self._start = StartOptions(options, environ, self.faults, timings, reference_profile, seed_calls)
        self.clock = Clock(cassettes[0] if cassettes else "live")
        self.cassettes = Cassettes(self.clock, cassettes[1]) if cassettes else None
        self.catalog: Catalog = load_catalog()
        self.started_at = time.monotonic()
        self.started = utc_now()
        self.problem: HarnessError | None = None
        self.selection: frozenset[str] | None = None
        self.waivers: tuple[Waiver, ...] = ()
        self.conclusion: Conclusion | None = None
        self.active = False
        self.harness: Harness | None = None
        self.settings: Settings | None = None
        self.errors: list[HarnessError] = []
        self.errored: list[str] = []
        self.endpoint: EmbeddedEndpoint | None = None
        self.receiver: CallbackReceiver | None = None
        self.report_paths: list[Path] = []
        self.cassette_note: str | None = None
        self.consumers: list[Consumer] = []
        self.plan: Plan | None = None
        self.announcements: list[str] = []
        self.planning = False
        # The selected scenarios, run in the background beside the tests in `beside` (node ids), and over before
        # those in `after` (the first that needs the account alone, and the tests after it).
        self.scenarios: list[str] = []
        self.beside: set[str] = set()
        self.after: set[str] = set()
        self._stopped = False
        self._undo: list[Callable[[], None]] = []

    @classmethod
    def from_options(cls, option: Callable[[str], Any], environ: Mapping[str, str] = os.environ) -> Run:
        """The run the command line asks for (`option(dest)` reads one); a bad cassette mode is noted, and
        stops the run once it is activated."""
        mode = option("calls_cassettes") or environ.get("CALLS_CASSETTES") or None
        problem = None
        if mode not in (None, "record", "replay"):
            problem = ConfigError(f"CALLS_CASSETTES={mode!r}: must be record or replay")
            mode = None
        directory = option("calls_cassette_dir") or environ.get("CALLS_CASSETTE_DIR") or "cassettes"
        run = cls(
            {setting.dest: option(setting.dest) for setting in SETTINGS},
            option("calls_reference_fault"),
            environ,
            timings=option("calls_reference_timings"),
            cassettes=(mode, Path(directory)) if mode else None,
            reference_profile=option("calls_reference_profile"),
            seed_calls=option("calls_reference_seed_calls") or 0,
        )
        run.problem = problem
        return run

    def activate(self, selection: frozenset[str] | None = None) -> None:
        """Suite tests were collected, `selection` (None: all) the requirements the run judges: a run with
        cassettes draws no constant from the project's source. HarnessError for a bad setting or waiver file."""
        self.active = True
        self.selection = selection
        if self.problem is not None:
            raise self.problem
        if self.cassettes is not None:
            self._undo.append(without_local_constants())
        path, _ = raw_setting("waivers", self.options, self.environ)
        if path:
            self.waivers = load_waivers(Path(path), self.catalog)

    def fail(self, error: HarnessError) -> None:
        """Note that the run could not be carried out (the first error noted is the one reported)."""
        self.errors.append(error)

    # ------------------------------------------------------------------ start and stop
    def start(self) -> Harness:
        """Resolve settings, start the embedded endpoint if needed and the callback receiver (with its pre-flight),
        make the plan, and check that the endpoint answers.

        HarnessError (ConfigError, EndpointUnreachable, CredentialsRefused) when the run cannot go on.
        """
        if self.harness is not None:
            return self.harness
        started = settings_for(self._start, self.cassettes, self.clock)
        self.endpoint = started.endpoint
        settings = self.settings = started.settings
        receiver, callbacks, self.announcements = receiver_for(settings, self.clock, self.cassettes)
        self.receiver = receiver
        plan = self.plan = make_plan(
            Conditions.of(settings, started.to_numbers, callbacks),
            self.consumers,
            self.catalog,
            self.selection,
        )
        verifier = self._verifier(plan)
        client = CallsClient(
            settings.base_url or "",
            settings.account_sid or "",
            settings.auth_token or "",
            clock=self.clock,
            json_suffix=settings.profile == "twilio",
            max_calls=settings.max_calls,
            timeout=min(10.0, settings.deadline),
            transport=self.cassettes.transport() if self.cassettes is not None else None,
            background=lambda actor: actor.startswith(SCENARIO_ACTOR),
        )
        client.allowances, client.shortage = plan.allowances, f" ({plan.budget_line()})"
        if self.cassettes is not None and self.clock.replaying:
            client.observers.append(self.cassettes.arrived)
        client.observers.append(verifier.observe)
        self.harness = Harness(
            settings, client, verifier, self.clock, started.to_numbers, receiver, plan=plan
        )
        if self.endpoint is not None:
            self.harness.settled = self.endpoint.settled
        self.announcements.append(plan.budget_line())
        if self.cassettes is not None and self.clock.recording:
            self.cassettes.scrubber = Scrubber.for_run(
                base_url=client.base_url,
                account_sid=client.account_sid,
                auth_token=settings.auth_token or "",
                signing_key=settings.signing_key,
                receiver_url=receiver.base_url if receiver else None,
                nonce=self.clock.nonce,
            )
        with self.clock.acting_as("session"):
            self._preflight(client)
        return self.harness

    def _verifier(self, plan: Plan) -> Verifier:
        """The run's verifier; every requirement the plan cannot (or may not) judge is noted skipped with the plan's
        reason, which stands unless a check judges it after all."""
        assert self.settings is not None
        missing = {c: reason for c in CAPABILITIES if (reason := plan.missing(c))}
        capabilities = frozenset(c for c in CAPABILITIES if c not in missing)
        ledger = Ledger(self.catalog, self.settings.profile, capabilities, self.selection, missing)
        verifier = Verifier(ledger, secrets=self.settings.secrets(), waived=self._waived())
        for requirement, reason in {**plan.maybe, **plan.skipped}.items():
            verifier.skip(requirement, reason)
        return verifier

    def planned(self) -> tuple[Plan, list[str]]:
        """The plan of a run with these settings, and what it says about callbacks; nothing is started or
        contacted. ConfigError for bad settings."""
        started = settings_for(self._start, self.cassettes, self.clock, run=False)
        _, callbacks, lines = receiver_for(started.settings, self.clock, self.cassettes, run=False)
        self.settings = started.settings
        conditions = Conditions.of(started.settings, started.to_numbers, callbacks)
        return make_plan(conditions, self.consumers, self.catalog, self.selection), lines

    @staticmethod
    def _preflight(client: CallsClient) -> None:
        try:
            response = client.request("GET", client.calls_url(), params={"PageSize": 1})
        except EndpointUnavailable as exc:
            raise EndpointUnreachable(str(exc)) from None
        if response.status_code in (401, 403):
            raise CredentialsRefused(response.status_code)

    def stop(self) -> None:
        """End every call the run created, then stop the client, the embedded endpoint and the receiver."""
        if self._stopped:
            return
        self._stopped = True
        stuck: list[str] = []
        if self.harness is not None:
            client = self.harness.client
            client.stop_creating("the run is ending")
            self.harness.stopping.set()
            # Scenarios started beside the tests heed `stopping`; a request of theirs may still be in flight.
            join_background(self.harness, min(10.0, self.harness.settings.deadline) + 5.0)
            client.observers.clear()
            if not client.dead:
                with self.clock.acting_as("session"):
                    stuck = client.end_created_calls()
            client.close()
        # Both servers shut down together (each takes about a tenth of a second).
        servers = [s for s in (self.endpoint, self.receiver) if s is not None]
        for server in servers:
            server.request_stop()
        for server in servers:
            server.stop()
        self.endpoint = self.receiver = None
        if stuck:
            self.fail(CallsLeftUp(stuck))

    # ------------------------------------------------------------------ each suite test
    @contextlib.contextmanager
    def running_test(self, file: str, actor: str, *, last_of_file: bool) -> Iterator[None]:
        """A suite test acts as `actor`; with cassettes, its exchanges go to its file's cassette."""
        if self.cassettes is not None:
            self.cassettes.open(file)
        try:
            with self.clock.acting_as(actor):
                yield
        finally:
            if self.cassettes is not None and last_of_file:
                self.cassettes.close()

    def start_scenarios(self) -> None:
        """Start the selected scenarios in the background (once), beside the suite tests that follow."""
        if self.harness is not None and self.scenarios and not self._stopped:
            start_in_background(self.harness, {name: SCENARIOS[name] for name in self.scenarios})

    def end_scenarios(self) -> None:
        """Wait for the scenarios started in the background to be over (their results stay for their tests)."""
        if self.harness is not None:
            wait_background(self.harness)

    def after_test(self, actor: str | None) -> None:
        """Replay: StaleCassettes when `actor` (None: anyone, after a file's last test) left interactions unused."""
        if self.cassettes is not None:
            self.cassettes.check_unused(actor)

    def test_errored(self, nodeid: str) -> None:
        """A suite test errored (a bug of the suite, or stale cassettes): the run was not carried out."""
        self.errored.append(nodeid)

    # ------------------------------------------------------------------ the end
    def finish(self, pytest_status: int) -> int:
        """Stop, keep or discard a recording, conclude and write the reports; the session's exit status.

        2 when the run could not be carried out (a harness error, or pytest interrupted, misused or stopped
        with nothing run), else the verdict's: 0, or 1 when a MUST requirement failed (or, strict, was skipped).
        """
        if not self.active or self.planning:
            return pytest_status
        try:
            return self._finish(pytest_status)
        finally:
            while self._undo:
                self._undo.pop()()

    def _finish(self, pytest_status: int) -> int:
        self.stop()
        if self.cassettes is not None and not self.errors and pytest_status != ExitCode.INTERRUPTED:
            self.cassettes.check_session()
        results = self.results()
        if results is not None and self.plan is not None and self.harness is not None:
            client = self.harness.client
            results = self.plan.explained(results, len(client.all_created), client.refused)
        if self.cassettes is not None and self.cassettes.stale:
            stale = self.cassettes.stale
            self.fail(StaleCassettes(stale[0] + (f" (and {len(stale) - 1} more)" if len(stale) > 1 else "")))
        if self.errored:
            self.fail(SuiteTestsErrored(self.errored))
        stopped = _PYTEST_STOPPED.get(ExitCode(pytest_status)) if pytest_status in set(ExitCode) else None
        if stopped and not self.errors:
            self.fail(Interrupted(stopped))
        if self.cassettes is not None and self.cassettes.recording_mode:
            self._keep_or_discard(results, interrupted=pytest_status == ExitCode.INTERRUPTED)
        strict = self.settings.strict if self.settings else False
        self.conclusion = conclude(
            results,
            reason=self.errors[0].reason if self.errors else None,
            strict=strict,
            waivers=self.waivers,
            catalog=self.catalog,
            profile=self.target()["profile"],
        )
        facts = Facts(
            self.target(), suite_version(), self.started, utc_now(), self.conclusion.waivers, self.calls()
        )
        self.report_paths = write_conclusion(self.report_dir(), self.conclusion, facts, self.secrets())
        self.write_metrics()
        return self.conclusion.verdict.exit_status

    def _waived(self) -> frozenset[str]:
        """The requirements whose failures fail no test: those of waivers that have not expired."""
        return frozenset(w.id for w in self.waivers if not w.expired(today()))

    def _keep_or_discard(self, results: list[Result] | None, *, interrupted: bool) -> None:
        """A recording replaces the cassettes only when the run was carried out to its end."""
        cassettes, harness = self.cassettes, self.harness
        assert cassettes is not None
        cassettes.close()
        if interrupted or self.errors or results is None or harness is None:
            cassettes.discard()
            self.cassette_note = (
                f"cassettes not rewritten ({cassettes.directory}): the run was not carried out"
            )
            return
        recording = Recording.of(
            harness.settings,
            harness.client.base_url,
            harness.client.account_sid,
            harness.to_numbers,
            harness.receiver is not None,
            cassettes.interactions,
            results,
            self.clock.expiries,
            callbacks=self.plan.conditions.callbacks if self.plan else None,
        )
        try:
            cassettes.keep(recording, harness.receiver.log.shown() if harness.receiver else [])
        except HarnessError as exc:
            self.fail(exc)
            self.cassette_note = f"cassettes not rewritten ({cassettes.directory})"

    def calls(self) -> dict[str, Any] | None:
        """What the reports say about calls (`Plan.calls_section`); None before the run started."""
        if self.plan is None or self.harness is None:
            return None
        results = (self.conclusion.results if self.conclusion else self.results()) or []
        client = self.harness.client
        return self.plan.calls_section(len(client.all_created), client.refused, results)

    def results(self) -> list[Result] | None:
        return self.harness.verifier.ledger.results() if self.harness else None

    def target(self) -> dict[str, str]:
        settings = self.settings
        if settings is None:
            target = raw_target(self.options, self.environ)
        else:
            target = {
                "base_url": strip_userinfo(settings.base_url or ""),
                "profile": settings.profile,
                "mode": settings.mode,
            }
        if self.cassettes is not None:
            target["cassettes"] = self.cassettes.mode
        return target

    def write_metrics(self) -> None:
        """Figures for benchmarks (metrics.json beside the reports): wall time, exchanges, calls, scenarios."""
        if self.harness is None or not self.report_paths:
            return
        metrics = {
            "wall_seconds": round(time.monotonic() - self.started_at, 3),
            "http_exchanges": self.harness.client.exchanges,
            "calls_created": len(self.harness.client.all_created),
            "calls_by_actor": self.harness.client.created_by,
            **self.harness.metrics,
        }
        path = self.report_paths[0].parent / "metrics.json"
        path.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")

    def report_dir(self) -> Path:
        return self.settings.report_dir if self.settings else raw_report_dir(self.options, self.environ)

    def secrets(self) -> tuple[str, ...]:
        own = self.settings.secrets() if self.settings else ()
        return (*own, *raw_secrets(self.options, self.environ))
