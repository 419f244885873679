"""What a run starts from: its settings and To numbers (the recording's, the embedded endpoint's, or the user's),
and its callback receiver, with the pre-flight that proves the endpoint can reach it.

The plan (`calls-conformance plan`) reads the same settings without starting anything (`start=False`): the
embedded endpoint's numbers are known before it runs, and the pre-flight is assumed to pass.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from conformance.cassettes import Cassettes, Recording, read_captures
from conformance.cassettes.scrub import RECEIVER_URL
from conformance.common.loopback import is_loopback
from conformance.core.clock import Clock
from conformance.core.errors import ConfigError
from conformance.core.settings import SETTINGS, Settings, resolve
from conformance.receiver import CallbackReceiver
from conformance.run.embedded import EmbeddedEndpoint, planned_embedded, start_embedded

__all__ = ["Setup", "StartOptions", "receiver_for", "settings_for"]

NO_RECEIVER = "no callback receiver the endpoint can reach (set CALLS_CALLBACK_URL)"


@dataclasses.dataclass(frozen=True)
class StartOptions:
    """What a run (or its plan) is asked to start from: the options as given, and how the embedded endpoint runs."""

    options: Mapping[str, Any]
    environ: Mapping[str, str]
    faults: Sequence[str] = ()
    timings: str = "fast"
    reference_profile: str | None = None
    seed_calls: int = 0  # calls the embedded endpoint's account holds before the run


@dataclasses.dataclass
class Setup:
    """The run's settings, its To numbers by outcome, and the embedded endpoint it started (if any)."""

    settings: Settings
    to_numbers: dict[str, str]
    endpoint: EmbeddedEndpoint | None = None


def settings_for(
    start: StartOptions, cassettes: Cassettes | None, clock: Clock, *, run: bool = True
) -> Setup:
    """The settings of the run: the recording's (replay), the embedded endpoint's (started when `run`), or the
    user's. ConfigError for bad settings."""
    if cassettes is not None and clock.replaying:
        recording = _recording(cassettes)
        # Of the user's settings, a replay takes only where reports go, the waivers and strictness.
        own = ("report_dir", "waivers", "strict")
        chosen = [s for s in SETTINGS if s.field in own]
        settings = resolve(
            {s.dest: start.options.get(s.dest) for s in chosen},
            {s.env: start.environ[s.env] for s in chosen if s.env in start.environ},
        )
        if run:
            clock.replay_expiries(recording.expiries)
        return Setup(recording.settings(settings), dict(recording.to_numbers))
    if cassettes is not None and run:
        cassettes.prepare()
    settings = resolve(start.options, start.environ)
    if settings.embedded:
        settings = dataclasses.replace(settings, reference_timings=start.timings)
    if settings.embedded and not run:
        return Setup(*planned_embedded(settings))
    if settings.embedded:
        profile = start.reference_profile or settings.profile
        endpoint = start_embedded(settings, start.faults, start.timings, profile, start.seed_calls)
        return Setup(endpoint.settings, dict(endpoint.to_numbers), endpoint)
    if start.faults:
        raise ConfigError("--calls-reference-fault needs the embedded endpoint (unset CALLS_BASE_URL)")
    return Setup(settings, {})


def _recording(cassettes: Cassettes) -> Recording:
    if cassettes.recording is None:
        cassettes.prepare()
    assert cassettes.recording is not None  # prepare() read it
    return cassettes.recording


def receiver_for(
    settings: Settings, clock: Clock, cassettes: Cassettes | None, *, run: bool = True
) -> tuple[CallbackReceiver | None, str | None, list[str]]:
    """The callback receiver (started, or replayed from the recording), why the endpoint cannot reach it (None: it
    can), and what the terminal says about it at the start. Without `run`, nothing starts: the pre-flight is
    assumed to pass."""
    if clock.replaying:
        recording = cassettes.recording if cassettes is not None else None
        if recording is None or cassettes is None or not recording.receiver:
            reason = (recording.callbacks if recording is not None else None) or NO_RECEIVER
            return None, reason, [f"callbacks: none in the recording ({reason})"]
        captures = read_captures(cassettes.directory) if run else []
        receiver = CallbackReceiver.replayed(clock, RECEIVER_URL, captures)
        return receiver, None, ["callbacks: replayed from the recording"]
    host = urlsplit(settings.base_url or "").hostname or ""
    if not (settings.embedded or settings.callback_url or is_loopback(host)):
        return None, NO_RECEIVER, [f"callbacks: {NO_RECEIVER}"]
    listen_host, port = settings.callback_listen
    where = f"{listen_host}:{port}" if ":" not in listen_host else f"[{listen_host}]:{port}"
    if not run:
        via = f"CALLS_CALLBACK_URL={settings.callback_url}" if settings.callback_url else "its own URL"
        line = (
            f"callbacks: the receiver will listen on {where}; a pre-flight request through {via} must reach it "
            "before any callback requirement is judged (the plan assumes it will)"
        )
        return None, None, [line]
    receiver = CallbackReceiver(clock, settings.callback_url, host=listen_host, port=port)
    try:
        receiver.start()
    except (OSError, RuntimeError) as exc:
        raise ConfigError(
            f"CALLS_CALLBACK_LISTEN={where}: the receiver cannot listen there ({exc})"
        ) from None
    lines = [
        f"callback receiver: listening on {receiver.listening}; callbacks expected at {receiver.base_url}"
    ]
    unreached = receiver.preflight(timeout=min(10.0, settings.deadline))
    if unreached is None:
        return receiver, None, [*lines, "callback pre-flight: reached the receiver"]
    receiver.stop()
    return (
        None,
        unreached,
        [*lines, f"callback pre-flight: {unreached}: callback requirements will be skipped"],
    )
