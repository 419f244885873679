"""One run of the suite: settings, the endpoint (started when embedded), the clock, the client, the ledger.

The `Run` lives in the pytest config for the whole session (`conformance.plugin` keeps it there). It owns
starting and stopping (`start`, `stop`), the harness errors that stop the run (`fail`, `errors`), whether a
recording is kept, and the exit status (`finish`). It knows nothing of pytest's outcomes: those are made
from its errors and the verifier's scopes in `conformance.pytest_outcomes`.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pytest import ExitCode

from conformance.cassettes import Cassettes, Recording, Scrubber, read_captures
from conformance.cassettes.scrub import RECEIVER_URL
from conformance.catalog import Catalog, load_catalog
from conformance.client import CallsClient
from conformance.clock import Clock
from conformance.common.loopback import is_loopback
from conformance.embedded import EmbeddedEndpoint, start_embedded
from conformance.failures import (
    CallsLeftUp,
    ConfigError,
    CredentialsRefused,
    EndpointUnavailable,
    EndpointUnreachable,
    HarnessError,
    StaleCassettes,
    SuiteTestsErrored,
)
from conformance.handle import Suite
from conformance.hypothesis_seam import without_local_constants
from conformance.outcomes import Ledger, Result
from conformance.receiver import CallbackReceiver
from conformance.redact import strip_userinfo
from conformance.report import exit_status, verdict_lines, write_reports
from conformance.settings import SETTINGS, Settings, resolve
from conformance.verifier import Verifier

__all__ = ["Run"]

# pytest's own statuses that a run never overrides: the user stopped it, or pytest could not run it.
_PYTEST_STOPPED = (ExitCode.INTERRUPTED, ExitCode.INTERNAL_ERROR, ExitCode.USAGE_ERROR)


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
    ) -> None:
        self.options = options
        self.faults = tuple(faults)
        self.timings = timings
        self.environ = environ
        self.clock = Clock(cassettes[0] if cassettes else "live")
        self.cassettes = Cassettes(self.clock, cassettes[1]) if cassettes else None
        self.catalog: Catalog = load_catalog()
        self.started_at = time.monotonic()
        self.active = False
        self.suite: Suite | None = None
        self.settings: Settings | None = None
        self.errors: list[HarnessError] = []
        self.errored: list[str] = []
        self.endpoint: EmbeddedEndpoint | None = None
        self.receiver: CallbackReceiver | None = None
        self.report_paths: list[Path] = []
        self.cassette_note: str | None = None
        self._stopped = False
        self._undo: list[Callable[[], None]] = []

    @classmethod
    def from_options(cls, option: Callable[[str], Any], environ: Mapping[str, str] = os.environ) -> Run:
        """The run the command line asks for (`option(dest)` reads one); ConfigError for a bad cassette mode."""
        mode = option("calls_cassettes") or environ.get("CALLS_CASSETTES") or None
        if mode not in (None, "record", "replay"):
            raise ConfigError(f"CALLS_CASSETTES={mode!r}: must be record or replay")
        directory = option("calls_cassette_dir") or environ.get("CALLS_CASSETTE_DIR") or "cassettes"
        return cls(
            {setting.dest: option(setting.dest) for setting in SETTINGS},
            option("calls_reference_fault"),
            environ,
            timings=option("calls_reference_timings"),
            cassettes=(mode, Path(directory)) if mode else None,
        )

    def activate(self) -> None:
        """Suite tests were collected: a run with cassettes draws no constant from the project's source."""
        self.active = True
        if self.cassettes is not None:
            self._undo.append(without_local_constants())

    def fail(self, error: HarnessError) -> None:
        """Note that the run could not be carried out (the first error noted is the one reported)."""
        self.errors.append(error)

    # ------------------------------------------------------------------ start and stop
    def start(self) -> Suite:
        """Resolve settings, start the embedded endpoint if needed, and check that the endpoint answers.

        HarnessError (ConfigError, EndpointUnreachable, CredentialsRefused) when the run cannot go on.
        """
        if self.suite is not None:
            return self.suite
        settings, to_numbers = self._settings()
        self.settings = settings
        receiver = self.receiver = self._receiver(settings)
        capabilities = {"create"} if settings.max_calls != 0 else set()
        if receiver is not None:
            capabilities.add("callbacks")
        verifier = Verifier(Ledger(self.catalog, settings.profile, frozenset(capabilities)))
        client = CallsClient(
            settings.base_url or "",
            settings.account_sid or "",
            settings.auth_token or "",
            clock=self.clock,
            json_suffix=settings.profile == "twilio",
            max_calls=settings.max_calls,
            timeout=min(10.0, settings.deadline),
        )
        if self.cassettes is not None and self.clock.replaying:
            client.observers.append(self.cassettes.arrived)
        client.observers.append(verifier.observe)
        self.suite = Suite(settings, client, verifier, self.clock, to_numbers, receiver)
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
        return self.suite

    def _settings(self) -> tuple[Settings, dict[str, str]]:
        """The run's settings and To numbers by outcome: the recording's, the embedded endpoint's, or the user's."""
        if self.cassettes is not None:
            self.cassettes.prepare()
        if self.cassettes is not None and self.clock.replaying:
            recording = self.cassettes.recording
            assert recording is not None  # prepare() read it
            # Of the user's settings, a replay takes only where reports go.
            settings = resolve(
                {"calls_report_dir": self.options.get("calls_report_dir")},
                {k: v for k, v in self.environ.items() if k == "CALLS_REPORT_DIR"},
            )
            self.clock.replay_expiries(recording.expiries)
            return recording.settings(settings), dict(recording.to_numbers)
        settings = resolve(self.options, self.environ)
        if settings.embedded:
            self.endpoint = start_embedded(settings, self.faults, self.timings)
            return self.endpoint.settings, dict(self.endpoint.to_numbers)
        if self.faults:
            raise ConfigError("--calls-reference-fault needs the embedded endpoint (unset CALLS_BASE_URL)")
        return settings, {}

    def _receiver(self, settings: Settings) -> CallbackReceiver | None:
        """The callback receiver: replayed from the recording, or started when the endpoint can reach it."""
        if self.clock.replaying:
            recording = self.cassettes.recording if self.cassettes is not None else None
            if recording is None or not recording.receiver or self.cassettes is None:
                return None
            return CallbackReceiver.replayed(
                self.clock, RECEIVER_URL, read_captures(self.cassettes.directory)
            )
        # The receiver listens on loopback: an endpoint on this machine reaches it, others need CALLS_CALLBACK_URL.
        host = urlsplit(settings.base_url or "").hostname or ""
        if settings.embedded or settings.callback_url or is_loopback(host):
            return CallbackReceiver(self.clock, settings.callback_url).start()
        return None

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
        if self.suite is not None:
            client = self.suite.client
            client.stop_creating("the run is ending")
            self.suite.stopping.set()
            client.observers.clear()
            if not client.dead:
                with self.clock.acting_as("session"):
                    stuck = client.end_created_calls()
            client.close()
        if self.endpoint is not None:
            self.endpoint.stop()
            self.endpoint = None
        if self.receiver is not None:
            self.receiver.stop()
            self.receiver = None
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

    def after_test(self, actor: str | None) -> None:
        """Replay: StaleCassettes when `actor` (None: anyone, after a file's last test) left interactions unused."""
        if self.cassettes is not None:
            self.cassettes.check_unused(actor)

    def test_errored(self, nodeid: str) -> None:
        """A suite test errored (a bug of the suite, or stale cassettes): the run was not carried out."""
        self.errored.append(nodeid)

    # ------------------------------------------------------------------ the end
    def finish(self, pytest_status: int) -> int:
        """Stop, write the reports, keep or discard a recording; the session's exit status.

        pytest's own status stands when it was interrupted or misused; else 2 when the run could not be
        carried out, else the verdict's (0, or 1 when a MUST requirement failed).
        """
        if not self.active:
            return pytest_status
        try:
            return self._finish(pytest_status)
        finally:
            while self._undo:
                self._undo.pop()()

    def _finish(self, pytest_status: int) -> int:
        self.stop()
        results = self.results()
        if results is not None:
            self.report_paths = write_reports(self.report_dir(), results, self.target(), self.secrets())
            self.write_metrics()
        if self.cassettes is not None and self.cassettes.stale:
            stale = self.cassettes.stale
            self.fail(StaleCassettes(stale[0] + (f" (and {len(stale) - 1} more)" if len(stale) > 1 else "")))
        if self.errored:
            self.fail(SuiteTestsErrored(self.errored))
        if self.cassettes is not None and self.cassettes.recording_mode:
            self._keep_or_discard(results, interrupted=pytest_status == ExitCode.INTERRUPTED)
        if pytest_status in _PYTEST_STOPPED:
            return pytest_status
        if self.errors:
            return 2
        return exit_status(results) if results is not None else pytest_status

    def _keep_or_discard(self, results: list[Result] | None, *, interrupted: bool) -> None:
        """A recording replaces the cassettes only when the run was carried out to its end."""
        cassettes, suite = self.cassettes, self.suite
        assert cassettes is not None
        cassettes.close()
        if interrupted or self.errors or results is None or suite is None:
            cassettes.discard()
            self.cassette_note = (
                f"cassettes not rewritten ({cassettes.directory}): the run was not carried out"
            )
            return
        recording = Recording.of(
            suite.settings,
            suite.client.base_url,
            suite.client.account_sid,
            suite.to_numbers,
            suite.receiver is not None,
            cassettes.interactions,
            results,
            self.clock.expiries,
        )
        try:
            cassettes.keep(recording, suite.receiver.log.shown() if suite.receiver else [])
        except HarnessError as exc:
            self.fail(exc)
            self.cassette_note = f"cassettes not rewritten ({cassettes.directory})"

    def results(self) -> list[Result] | None:
        return self.suite.verifier.ledger.results() if self.suite else None

    def target(self) -> dict[str, str]:
        settings = self.settings
        target = {
            "base_url": strip_userinfo(settings.base_url or "") if settings else "",
            "profile": settings.profile if settings else "",
            "mode": settings.mode if settings else "",
        }
        if self.cassettes is not None:
            target["cassettes"] = self.cassettes.mode
        return target

    def write_metrics(self) -> None:
        """Figures for benchmarks (metrics.json beside the reports): wall time, exchanges, calls, scenarios."""
        if self.suite is None:
            return
        metrics = {
            "wall_seconds": round(time.monotonic() - self.started_at, 3),
            "http_exchanges": self.suite.client.exchanges,
            "calls_created": len(self.suite.client.created),
            **self.suite.metrics,
        }
        path = self.report_dir() / "metrics.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")

    def report_dir(self) -> Path:
        return (
            self.settings.report_dir
            if self.settings
            else Path(self.options.get("calls_report_dir") or "reports")
        )

    def secrets(self) -> tuple[str, ...]:
        return self.settings.secrets() if self.settings else ()

    # ------------------------------------------------------------------ what the terminal says
    def verdict_lines(self) -> list[str]:
        """The verdict table and the run's figures (empty when the run never started)."""
        results = self.results()
        if results is None or self.suite is None:
            return []
        client = self.suite.client
        return [
            *verdict_lines(results, self.secrets()),
            f"HTTP exchanges: {client.exchanges}; calls created: {len(client.created)}; "
            f"reports: {self.report_dir()}",
        ]

    def cassette_lines(self) -> list[str]:
        """What the terminal says about the cassettes."""
        note = [self.cassette_note] if self.cassette_note else []
        if self.cassettes is None or self.suite is None:
            return note
        return [*note, *self.cassettes.lines(self.results() or [])]

    def harness_line(self) -> str | None:
        """Why the run could not be carried out (the first harness error), or None."""
        return (
            f"calls-conformance: the run could not be carried out: {self.errors[0].reason}"
            if self.errors
            else None
        )
