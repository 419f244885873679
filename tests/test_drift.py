"""The drift `nox -s record` prints: field-level changes of the responses and the verdict, noise counted apart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from conformance.cassettes.drift import drift
from conformance.cassettes.scrub import ACTOR_HEADER

BASE = "http://endpoint.invalid/api/laml/2010-04-01/Accounts/00000000-0000-4000-8000-000000000000/Calls"
ACTOR = "test_calls.py::test_created_calls_through_their_life"


def _call(sid: str, status: str, **extra: Any) -> dict[str, Any]:
    return {
        "sid": sid,
        "status": status,
        "date_created": f"Mon, 23 Nov 2026 13:0{sid[-1]}:00 +0000",
        "duration": "0",
        **extra,
    }


def _exchange(method: str, url: str, code: int, body: Any) -> dict[str, Any]:
    return {
        "request": {"method": method, "uri": url, "body": "", "headers": {ACTOR_HEADER: [ACTOR]}},
        "response": {
            "status": {"code": code, "message": ""},
            "headers": {},
            "body": {"string": json.dumps(body)},
        },
    }


def _recording(directory: Path, sid: str, final: str, verdict: str, **extra: Any) -> Path:
    """A create, two polls of the call (the last one settled), and a run.json with one requirement's outcome."""
    directory.mkdir()
    interactions = [
        _exchange("POST", BASE, 200, _call(sid, "queued", **extra)),
        _exchange("GET", f"{BASE}/{sid}", 200, _call(sid, "ringing", **extra)),
        _exchange("GET", f"{BASE}/{sid}", 200, _call(sid, final, duration="3", **extra)),
    ]
    (directory / "test_calls.yaml").write_text(yaml.safe_dump({"interactions": interactions, "version": 1}))
    (directory / "run.json").write_text(json.dumps({"format": 1, "verdict": {"CALL-ALIAS-TO": verdict}}))
    return directory


def test_a_changed_response_shows_as_field_changes(tmp_path: Path) -> None:
    before = _recording(tmp_path / "before", "11111111-1111-4111-8111-111111111111", "completed", "passed")
    after = _recording(
        tmp_path / "after", "22222222-2222-4222-8222-222222222222", "canceled", "failed", url="/laml/hangup"
    )
    lines = drift(before, after)
    assert lines[0] == "drift against the previous recording: 4 change(s)"
    assert "  verdict CALL-ALIAS-TO: passed → failed" in lines
    assert '  GET …/Calls/{sid}: status: "completed" → "canceled"' in lines
    assert "  GET …/Calls/{sid}: + field url" in lines
    assert "  POST …/Calls: + field url" in lines
    # The sids and dates differ in every recording; the polls are compared by their last answer.
    assert lines[-1].startswith("ignored: 4 differences in dates, sids and tokens")
    assert "1 answers to repeated requests" in lines[-1]
    assert not any("duration" in line or "ringing" in line for line in lines[1:-1])


def test_the_same_behaviour_recorded_twice_is_no_drift(tmp_path: Path) -> None:
    before = _recording(tmp_path / "before", "11111111-1111-4111-8111-111111111111", "completed", "passed")
    after = _recording(tmp_path / "after", "22222222-2222-4222-8222-222222222222", "completed", "passed")
    lines = drift(before, after)
    assert lines[0] == "drift against the previous recording: no change"
    assert len(lines) == 2


def test_drift_is_short(tmp_path: Path) -> None:
    before = _recording(tmp_path / "before", "11111111-1111-4111-8111-111111111111", "completed", "passed")
    after = _recording(
        tmp_path / "after",
        "22222222-2222-4222-8222-222222222222",
        "canceled",
        "failed",
        **{f"extra_{n}": n for n in range(40)},
    )
    lines = drift(before, after, limit=5)
    assert len(lines) == 1 + 5 + 1 + 1
    assert lines[-2].startswith("  … and ") and lines[-2].endswith(" more")


def test_no_previous_recording(tmp_path: Path) -> None:
    after = _recording(tmp_path / "after", "22222222-2222-4222-8222-222222222222", "completed", "passed")
    assert drift(tmp_path / "nothing", after) == [
        f"drift: no previous recording in {tmp_path / 'nothing'} to compare with"
    ]
