"""One run of the suite: settings, the endpoint (started here when embedded), the client, the ledger."""

from __future__ import annotations

import dataclasses
import json
import os
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from conformance.actors import CLOCK, acting_as
from conformance.cassettes import Cassettes, Recording, Scrubber, read_captures
from conformance.cassettes.scrub import RECEIVER_URL
from conformance.catalog import Catalog, load_catalog
from conformance.client import CallsClient
from conformance.failures import ConfigError, ConformanceFailure, EndpointUnavailable, HarnessError
from conformance.common.loopback import is_loopback
from conformance.outcomes import Ledger, Result
from conformance.receiver import CallbackReceiver
from conformance.redact import strip_userinfo
from conformance.settings import Settings, resolve
from conformance.verifier import Verifier

__all__ = ["Suite", "SuiteState"]


@dataclasses.dataclass
class Suite:
    """What a suite test gets: the client, the verifier and the run's settings."""

    settings: Settings
    client: CallsClient
    verifier: Verifier
    to_numbers: dict[str, str] = dataclasses.field(default_factory=dict)
    receiver: CallbackReceiver | None = None
    stopping: threading.Event = dataclasses.field(default_factory=threading.Event)
    metrics: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def profile(self) -> str:
        return self.settings.profile

    def require(self, capability: str) -> None:
        """Skip the calling test unless the run has `capability` ("create" or "callbacks")."""
        reason = self.verifier.ledger.missing_capability_named(capability)
        if reason:
            pytest.skip(reason)

    def json(self, response: httpx.Response, requirement: str, what: str) -> Any:
        """The JSON body of `response`, or fail `requirement` and stop the test when there is none."""
        try:
            return response.json()
        except ValueError:
            failure = ConformanceFailure(requirement, f"{what} answered {response.status_code} without a JSON body",
                                         received=response.text[:200], expected="JSON")
            self.verifier.expect(requirement, False, failure.title, received=failure.received, expected="JSON")
            raise failure from None

    def laml_url(self, scenario: str = "hangup") -> str:
        """A LaML document the call runs: `hangup`, or `pause-N` (up N seconds, then hang up)."""
        if self.receiver is not None:
            return self.receiver.laml_url(scenario)
        return f"http://127.0.0.1:9/laml/{scenario}"  # nothing listens: the endpoint's fetch fails fast

    def create_form(self, to: str | None = None, *, scenario: str = "hangup", **extra: Any) -> dict[str, Any]:
        """A valid create body: the run's numbers and the LaML document of `scenario` as Url."""
        form: dict[str, Any] = {
            "To": to or self.settings.to_number,
            "From": self.settings.from_number,
            "Url": self.laml_url(scenario),
        }
        form.update(extra)
        return form


class SuiteState:
    """Lives in the pytest config for the whole session; started by the first suite test."""

    def __init__(self, options: Mapping[str, Any], faults: Sequence[str], environ: Mapping[str, str] = os.environ,
                 *, timings: str = "fast", cassettes: Cassettes | None = None) -> None:
        self.options = options
        self.cassettes = cassettes
        self.faults = tuple(faults)
        self.timings = timings
        self.started_at = time.monotonic()
        self.environ = environ
        self.active = False
        self.suite: Suite | None = None
        self.settings: Settings | None = None
        self.harness_error: str | None = None
        self.endpoint: Any = None
        self.receiver: CallbackReceiver | None = None
        self.catalog: Catalog = load_catalog()
        self.errored: list[str] = []
        self._stopped = False
        self.report_paths: list[Any] = []
        self.cassette_note: str | None = None

    def start(self) -> Suite:
        """Resolve settings, start the embedded endpoint if needed, and check that the endpoint answers."""
        if self.suite is not None:
            return self.suite
        replaying = self.cassettes is not None and self.cassettes.replaying
        try:
            if self.cassettes is not None:
                self.cassettes.prepare()
            settings = resolve(*self._replay_inputs()) if replaying else resolve(self.options, self.environ)
        except (ConfigError, HarnessError) as exc:
            self.fail_run(f"configuration: {exc}")
        to_numbers: dict[str, str] = {}
        if replaying:
            assert self.recording is not None
            settings, to_numbers = self.recording.settings(settings), dict(self.recording.to_numbers)
            CLOCK.replay_expiries(self.recording.expiries)
        elif settings.embedded:
            settings, to_numbers = self._start_embedded(settings)
        elif self.faults:
            self.fail_run("configuration: --calls-reference-fault needs the embedded endpoint (unset CALLS_BASE_URL)")
        self.settings = settings
        capabilities = {"create"} if settings.max_calls != 0 else set()
        receiver = None
        if replaying:
            if self.recording and self.recording.receiver:
                receiver = self.receiver = CallbackReceiver.replayed(RECEIVER_URL, read_captures(self.cassettes.directory))
        # The receiver listens on loopback: an endpoint on this machine reaches it, others need CALLS_CALLBACK_URL.
        elif settings.embedded or settings.callback_url or is_loopback(urlsplit(settings.base_url or "").hostname or ""):
            receiver = self.receiver = CallbackReceiver(settings.callback_url).start()
        if receiver is not None:
            capabilities.add("callbacks")
        ledger = Ledger(self.catalog, settings.profile, frozenset(capabilities))
        verifier = Verifier(ledger)
        client = CallsClient(
            settings.base_url or "", settings.account_sid or "", settings.auth_token or "",
            json_suffix=settings.profile == "twilio", max_calls=settings.max_calls,
            timeout=min(10.0, settings.deadline),
        )
        if replaying:
            client.observers.append(self.cassettes.arrived)
        client.observers.append(verifier.observe)
        self.suite = Suite(settings, client, verifier, to_numbers, receiver)
        if self.cassettes is not None and self.cassettes.recording_mode:
            self.cassettes.scrubber = Scrubber.for_run(
                base_url=client.base_url, account_sid=client.account_sid, auth_token=settings.auth_token or "",
                signing_key=settings.signing_key, receiver_url=receiver.base_url if receiver else None,
                nonce=CLOCK.nonce)
        with acting_as("session"):
            self._preflight(client)
        return self.suite

    # ------------------------------------------------------------------ cassettes
    @property
    def recording(self) -> Recording | None:
        return self.cassettes.recording if self.cassettes is not None else None

    def _replay_inputs(self) -> tuple[dict[str, Any], dict[str, str]]:
        """A replay takes its settings from the recording: of the user's, only where reports go."""
        return ({"calls_report_dir": self.options.get("calls_report_dir")},
                {k: v for k, v in self.environ.items() if k == "CALLS_REPORT_DIR"})

    def keep_recording(self, results: Sequence[Result]) -> None:
        """Write what a replay needs beside the recorded cassettes and make them the cassette directory."""
        assert self.cassettes is not None and self.suite is not None
        suite = self.suite
        self.cassettes.keep(Recording.of(suite.settings, suite.client.base_url, suite.client.account_sid,
                                         suite.to_numbers, suite.receiver is not None, self.cassettes.interactions,
                                         results),
                            suite.receiver.log.shown() if suite.receiver else [])

    def cassette_lines(self) -> list[str]:
        """What the terminal says about the cassettes."""
        if self.cassettes is None or self.suite is None:
            return [self.cassette_note] if self.cassette_note else []
        return [*([self.cassette_note] if self.cassette_note else []), *self.cassettes.lines(self.results() or [])]

    def _start_embedded(self, settings: Settings) -> tuple[Settings, dict[str, str]]:
        from conformance.reference import ReferenceEndpoint, Timings

        try:
            self.endpoint = ReferenceEndpoint(faults=self.faults, timings=Timings.named(self.timings))
        except ValueError as exc:
            self.fail_run(f"configuration: {exc}")
        self.endpoint.start()
        filled = settings.with_endpoint(
            base_url=self.endpoint.base_url, account_sid=self.endpoint.account_sid,
            auth_token=self.endpoint.auth_token, signing_key=self.endpoint.signing_key,
            from_number=self.endpoint.from_number, to_number=self.endpoint.to_number,
        )
        # Credentials the user set win only if both are given; a half-set pair would never authenticate.
        if filled.account_sid != self.endpoint.account_sid or filled.auth_token != self.endpoint.auth_token:
            filled = dataclasses.replace(filled, account_sid=self.endpoint.account_sid,
                                         auth_token=self.endpoint.auth_token, signing_key=self.endpoint.signing_key)
        from conformance.reference import BUSY_NUMBER, FAILED_NUMBER, NO_ANSWER_NUMBER

        return filled, {"busy": BUSY_NUMBER, "failed": FAILED_NUMBER, "no-answer": NO_ANSWER_NUMBER}

    def _preflight(self, client: CallsClient) -> None:
        try:
            response = client.request("GET", client.calls_url(), params={"PageSize": 1})
        except EndpointUnavailable as exc:
            self.fail_run(f"endpoint unreachable: {exc}")
        if response.status_code in (401, 403):
            self.fail_run(f"the endpoint rejected CALLS_ACCOUNT_SID / CALLS_AUTH_TOKEN ({response.status_code})")

    def fail_run(self, reason: str) -> None:
        """Stop the session: the run could not be carried out (exit status 2, one line)."""
        self.harness_error = reason
        pytest.exit(f"calls-conformance: {reason}", returncode=2)

    def stop(self) -> list[str]:
        """End every call the run created, then stop the client and the embedded endpoint."""
        stuck: list[str] = []
        if self._stopped:
            return stuck
        self._stopped = True
        if self.suite is not None:
            client = self.suite.client
            client.stop_creating("the run is ending")
            self.suite.stopping.set()
            client.observers.clear()
            if not client.dead:
                with acting_as("session"):
                    stuck = client.end_created_calls()
            client.close()
        if self.endpoint is not None:
            self.endpoint.stop()
            self.endpoint = None
        if self.receiver is not None:
            self.receiver.stop()
            self.receiver = None
        return stuck

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

    def report_dir(self) -> Any:
        from pathlib import Path

        return self.settings.report_dir if self.settings else Path(self.options.get("calls_report_dir") or "reports")

    def secrets(self) -> tuple[str, ...]:
        return self.settings.secrets() if self.settings else ()
