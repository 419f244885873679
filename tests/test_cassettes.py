"""Recorded endpoints: a recording replays offline with the same verdict; a hand-edited cassette fails its
requirement; stale cassettes name the test; nothing secret is ever written."""

from __future__ import annotations

import base64
import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.cassettes.scrub import ACTOR_HEADER
from conformance.reference import ReferenceEndpoint
from tests.conftest import SuiteRun, run_suite

RECORD = "--calls-cassettes=record"
REPLAY = "--calls-cassettes=replay"


def _record(directory: Path, report_dir: Path, env: dict[str, str] | None = None) -> SuiteRun:
    return run_suite(report_dir, [RECORD, f"--calls-cassette-dir={directory}"], env=env or {})


def _replay(directory: Path, report_dir: Path) -> SuiteRun:
    return run_suite(report_dir, [REPLAY, f"--calls-cassette-dir={directory}"])


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[SuiteRun, Path]:
    """The whole suite recorded against the embedded reference endpoint."""
    root = tmp_path_factory.mktemp("recorded")
    return _record(root / "cassettes", root / "reports"), root / "cassettes"


@pytest.fixture(scope="module")
def replayed(recorded: tuple[SuiteRun, Path], tmp_path_factory: pytest.TempPathFactory) -> SuiteRun:
    return _replay(recorded[1], tmp_path_factory.mktemp("replayed"))


def _edited(source: Path, target: Path, name: str, edit: Callable[[list[dict[str, Any]]], None]) -> Path:
    """A copy of the cassettes in `source` with the interactions of `name`.yaml edited by hand."""
    shutil.copytree(source, target)
    path = target / f"{name}.yaml"
    document = yaml.safe_load(path.read_text())
    edit(document["interactions"])
    path.write_text(yaml.safe_dump(document))
    return target


def _actor(interaction: dict[str, Any]) -> str:
    return interaction["request"]["headers"][ACTOR_HEADER][0]


def test_replay_gives_the_recorded_verdict(recorded: tuple[SuiteRun, Path], replayed: SuiteRun) -> None:
    recording, directory = recorded
    assert recording.returncode == 0, recording.stdout[-3000:]
    assert replayed.returncode == 0, replayed.stdout[-3000:]
    assert replayed.outcomes() == recording.outcomes()
    callbacks = {i: o for i, o in replayed.outcomes().items() if i.startswith("CB-")}
    assert callbacks and set(callbacks.values()) == {"passed"}, callbacks
    assert json.loads((directory / "run.json").read_text())["verdict"] == recording.outcomes()
    assert replayed.report is not None and replayed.report["target"]["cassettes"] == "replay"
    assert re.search(
        r"cassettes: (\d+) of \1 recorded interactions replayed .*network closed but to loopback",
        replayed.stdout,
    ), replayed.stdout[-2000:]
    assert "verdict: the same as the recording's" in replayed.stdout
    assert {p.name for p in directory.iterdir()} >= {
        "run.json",
        "callbacks.json",
        "test_calls.yaml",
        "test_scenarios.yaml",
        "test_schema.yaml",
    }


def test_deadlines_that_expired_when_recorded_expire_in_the_replay(tmp_path: Path) -> None:
    """With a deadline shorter than a call, polls give up and LIFE-REACHES-END fails when recorded: a replay,
    which never waits, gives up at the same polls and judges the same times."""
    recording = run_suite(
        tmp_path / "recorded",
        [RECORD, f"--calls-cassette-dir={tmp_path / 'cassettes'}", "--calls-deadline=0.3"],
    )
    assert recording.returncode in (0, 1) and recording.report is not None, recording.stdout[-3000:]
    assert json.loads((tmp_path / "cassettes" / "run.json").read_text())["expiries"]
    replay = _replay(tmp_path / "cassettes", tmp_path / "replayed")
    assert replay.returncode == recording.returncode, replay.stdout[-3000:]
    assert replay.outcomes() == recording.outcomes()


def test_a_hand_edited_response_fails_its_requirement(
    recorded: tuple[SuiteRun, Path], tmp_path: Path
) -> None:
    def alias_changed(interactions: list[dict[str, Any]]) -> None:
        for interaction in interactions:
            body = json.loads(interaction["response"]["body"]["string"] or "null")
            if isinstance(body, dict) and "to_formatted" in body and body["to_formatted"] != body["to"]:
                body["to_formatted"] = body["to"]  # the same number, but no longer what formatted_to says
                interaction["response"]["body"]["string"] = json.dumps(body)
                return
        raise AssertionError("no Call object recorded")

    run = _replay(
        _edited(recorded[1], tmp_path / "cassettes", "test_calls", alias_changed), tmp_path / "reports"
    )
    assert run.returncode == 1, run.stdout[-3000:]
    assert run.outcome("CALL-ALIAS-TO") == "failed"
    assert {i for i, o in run.outcomes().items() if o == "failed"} == {"CALL-ALIAS-TO"}
    assert "verdict differs from the recording's: CALL-ALIAS-TO passed → failed" in run.stdout


def test_a_request_the_cassettes_lack_names_the_test(recorded: tuple[SuiteRun, Path], tmp_path: Path) -> None:
    def one_removed(interactions: list[dict[str, Any]]) -> None:
        interactions.remove(
            next(i for i in interactions if _actor(i) == "test_errors.py::test_unknown_call_sid")
        )

    run = _replay(
        _edited(recorded[1], tmp_path / "cassettes", "test_errors", one_removed), tmp_path / "reports"
    )
    assert run.returncode == 2, run.stdout[-3000:]
    assert (
        "the cassettes are stale: test_errors.py::test_unknown_call_sid made a request test_errors.yaml "
        "does not hold (GET /api/laml/2010-04-01/Accounts/"
    ) in run.stdout
    assert "record them again: nox -s record" in run.stdout


def test_an_unused_recorded_interaction_names_the_test(
    recorded: tuple[SuiteRun, Path], tmp_path: Path
) -> None:
    def one_added(interactions: list[dict[str, Any]]) -> None:
        interactions.append(
            next(i for i in interactions if _actor(i) == "test_paths.py::test_json_suffix_optional")
        )

    run = _replay(_edited(recorded[1], tmp_path / "cassettes", "test_paths", one_added), tmp_path / "reports")
    assert run.returncode == 2, run.stdout[-3000:]
    assert (
        "the cassettes are stale: test_paths.py::test_json_suffix_optional left 1 recorded interaction(s) "
        "unused"
    ) in run.stdout
    assert "record them again: nox -s record" in run.stdout


def test_replay_without_a_recording_says_so(tmp_path: Path) -> None:
    run = _replay(tmp_path / "nothing", tmp_path / "reports")
    assert run.returncode == 2
    assert "no recording in" in run.stdout and "nox -s record" in run.stdout


# ---------------------------------------------------------------- redaction

SECRETS = {
    "account_sid": "7d3f1e2a-5b6c-4d8e-9f0a-1b2c3d4e5f60",
    "auth_token": "tok0redaction0test0c4f9a2b7e1d3",
    "signing_key": "PSK_redaction_key_8c1d5e7f9a0b",
}


@pytest.fixture(scope="module")
def endpoint_with_known_secrets() -> Iterator[ReferenceEndpoint]:
    with ReferenceEndpoint(**SECRETS) as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def secret_recording(
    endpoint_with_known_secrets: ReferenceEndpoint, tmp_path_factory: pytest.TempPathFactory
) -> tuple[SuiteRun, Path]:
    """The suite pointed, as an external endpoint, at a reference endpoint whose secrets the test knows."""
    root = tmp_path_factory.mktemp("secret")
    env = {
        "CALLS_BASE_URL": endpoint_with_known_secrets.base_url,
        "CALLS_ACCOUNT_SID": SECRETS["account_sid"],
        "CALLS_AUTH_TOKEN": SECRETS["auth_token"],
        "CALLS_SIGNING_KEY": SECRETS["signing_key"],
        "CALLS_MAX_CALLS": "200",
    }
    return _record(root / "cassettes", root / "reports", env), root / "cassettes"


def test_no_secret_is_written_or_printed(
    secret_recording: tuple[SuiteRun, Path], endpoint_with_known_secrets: ReferenceEndpoint
) -> None:
    run, directory = secret_recording
    assert run.returncode == 0, run.stdout[-3000:]
    assert run.outcome("CB-SIGNATURE") == "passed"
    cassettes = "\n".join(p.read_text() for p in sorted(directory.iterdir()))
    assert "test_scenarios.yaml" in {p.name for p in directory.iterdir()} and len(cassettes) > 100_000
    everything = cassettes + run.artefacts()
    token, key, sid = SECRETS["auth_token"], SECRETS["signing_key"], SECRETS["account_sid"]
    basic = base64.b64encode(f"{sid}:{token}".encode()).decode()
    # The credential probes send the token's near variants too (conformance/core/credentials.py).
    near = (
        token[:-1],
        token.swapcase(),
        f"Bearer {token}",
        base64.b64encode(f"{sid}:{token[:-1]}".encode()).decode(),
    )
    for secret in (token, key, basic, base64.b64encode(token.encode()).decode(), basic[:24], sid, *near):
        assert secret not in everything
    # No Authorization header is stored (the word itself may be in a test's name or an error message).
    assert not re.search(r"(?i)\bauthorization[\"']?\s*:|Basic [A-Za-z0-9+/=]{8,}|Bearer ", cassettes)
    # The endpoint and the receiver are fixed names (127.0.0.1:9 is the suite's own "nothing listens" URL).
    port = str(endpoint_with_known_secrets.port)
    assert f"127.0.0.1:{port}" not in cassettes and f"127.0.0.1%3A{port}" not in cassettes
    assert not re.search(r"127\.0\.0\.1(:|%3A)(?!9\b)[0-9]+", cassettes)
    assert "http://endpoint.invalid/" in cassettes and "http://receiver.invalid/" in cassettes


def test_a_recording_of_an_external_endpoint_replays(
    secret_recording: tuple[SuiteRun, Path], tmp_path: Path
) -> None:
    run, directory = secret_recording
    replay = _replay(directory, tmp_path)
    assert replay.returncode == 0, replay.stdout[-3000:]
    assert replay.outcomes() == run.outcomes()
    assert replay.report is not None and replay.report["target"]["mode"] == "external"
