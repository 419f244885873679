"""Recordings per profile: a twilio-profile recording replays with its verdict, and recording one directory keeps
the recordings kept in its subdirectories (cassettes/twilio/ inside cassettes/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conformance.cassettes import Cassettes
from conformance.core.clock import Clock
from tests.conftest import SuiteRun, run_suite


@pytest.fixture(scope="module")
def twilio_recording(tmp_path_factory: pytest.TempPathFactory) -> tuple[SuiteRun, Path]:
    """The whole suite under the twilio profile, recorded against the embedded endpoint in twilio mode."""
    root = tmp_path_factory.mktemp("twilio-recorded")
    directory = root / "cassettes" / "twilio"
    run = run_suite(
        root / "reports",
        ["--calls-cassettes=record", f"--calls-cassette-dir={directory}"],
        env={"CALLS_PROFILE": "twilio"},
    )
    return run, directory


def test_a_twilio_recording_replays_with_its_verdict(
    twilio_recording: tuple[SuiteRun, Path], tmp_path: Path
) -> None:
    recording, directory = twilio_recording
    assert recording.returncode == 0, recording.stdout[-3000:]
    cassettes = "\n".join(p.read_text() for p in sorted(directory.glob("*.yaml")))
    assert "/2010-04-01/Accounts/AC00000000000000000000000000000000/Calls.json" in cassettes
    replay = run_suite(tmp_path, ["--calls-cassettes=replay", f"--calls-cassette-dir={directory}"])
    assert replay.returncode == 0, replay.stdout[-3000:]
    assert replay.outcomes() == recording.outcomes()
    assert replay.report is not None and replay.report["target"]["profile"] == "twilio"
    assert "verdict: the same as the recording's" in replay.stdout


def test_recording_a_directory_keeps_the_recordings_in_its_subdirectories(tmp_path: Path) -> None:
    directory = tmp_path / "cassettes"
    (directory / "twilio").mkdir(parents=True)
    (directory / "twilio" / "run.json").write_text("{}")
    (directory / "test_old.yaml").write_text("old")
    cassettes = Cassettes(Clock("record"), directory)
    cassettes.prepare()
    (cassettes.staging / "test_new.yaml").write_text("new")
    cassettes.replace_directory()
    assert sorted(p.name for p in directory.iterdir()) == ["test_new.yaml", "twilio"]
    assert (directory / "twilio" / "run.json").read_text() == "{}"
    assert not cassettes.staging.exists()
