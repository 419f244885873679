"""Comparing two providers' recordings: verdicts, status and error codes, types, fields, values and callback
parameters that differ are said once per subject; sids, dates, hosts, base paths and unpaired requests are only
counted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from conformance.cassettes.comparison import compare_recordings as compare
from conformance.cassettes.scrub import ACTOR_HEADER
from conformance.cli import compare as main
from conformance.cli import main as calls_conformance

ACTOR = "test_calls.py::test_created_calls_through_their_life"
SW_BASE, TW_BASE = "/api/laml/2010-04-01", "/2010-04-01"
SW_ACCOUNT, TW_ACCOUNT = "00000000-0000-4000-8000-000000000000", "AC" + "0" * 32


def _exchange(method: str, url: str, code: int, body: Any, form: str = "") -> dict[str, Any]:
    return {
        "request": {"method": method, "uri": url, "body": form, "headers": {ACTOR_HEADER: [ACTOR]}},
        "response": {
            "status": {"code": code, "message": ""},
            "headers": {},
            "body": {"string": json.dumps(body)},
        },
    }


def _recording(directory: Path, profile: str, calls: list[dict[str, Any]], **extra: Any) -> Path:
    """A recording: a create, two polls, an unknown-sid fetch, a refused update, a request of its own, a callback
    and a verdict."""
    twilio = profile == "twilio"
    base, account, suffix = (TW_BASE, TW_ACCOUNT, ".json") if twilio else (SW_BASE, SW_ACCOUNT, "")
    root = f"http://endpoint.invalid{base}/Accounts/{account}/Calls"
    created, polled = calls
    sid = created["sid"]
    not_found = {
        "code": 20404,
        "message": "not found",
        "status": 404,
        "more_info": "https://x.example/errors/20404",
    }
    refused = {"code": 21220 if twilio else 10000, "message": "ended", "status": 400}
    interactions = [
        _exchange("POST", root + suffix, 201 if twilio else 200, created, "To=%2B12025550100"),
        _exchange("GET", f"{root}/{sid}{suffix}", 200, created),
        _exchange("GET", f"{root}/{sid}{suffix}", 200, polled),
        _exchange(
            "GET", f"{root}/{'CA' + '1' * 32 if twilio else SW_ACCOUNT[:-1] + '1'}{suffix}", 404, not_found
        ),
        _exchange("POST", f"{root}/{sid}{suffix}", 400, refused, "Status=completed"),
        _exchange("GET", f"{root}{suffix}?PageSize={'7' if twilio else '9'}", 200, {"calls": []}),
    ]
    directory.mkdir()
    (directory / "test_calls.yaml").write_text(yaml.safe_dump({"interactions": interactions, "version": 1}))
    params = [["CallSid", sid], ["CallStatus", "completed"]]
    params += [["SipResponseCode", "200"]] if twilio else [["SipResultCode", "200"], ["AudioInMos", "4.3"]]
    capture = {"kind": "status", "token": "0000rec0-" + "a" * 24, "method": "POST", "params": params}
    (directory / "callbacks.json").write_text(json.dumps({"captures": [capture]}))
    verdict = {"CALL-SID-FORMAT": "passed", "CALL-ALIAS-TO": "disabled" if twilio else "passed", **extra}
    manifest = {"format": 1, "profile": profile, "embedded": True, "base_path": base, "verdict": verdict}
    (directory / "run.json").write_text(json.dumps(manifest))
    return directory


def _call(sid: str, account: str, base: str, duration: Any, **extra: Any) -> dict[str, Any]:
    return {
        "sid": sid,
        "account_sid": account,
        "status": "completed",
        "date_created": "Mon, 23 Nov 2026 13:00:00 +0000",
        "duration": duration,
        "direction": "outbound-api",
        "uri": f"{base}/Accounts/{account}/Calls/{sid}.json",
        **extra,
    }


def _pair(tmp_path: Path) -> tuple[Path, Path]:
    sw_sid, tw_sid = "11111111-1111-4111-8111-111111111111", "CA" + "2" * 32
    signalwire = _recording(
        tmp_path / "signalwire",
        "signalwire",
        [
            _call(sw_sid, SW_ACCOUNT, SW_BASE, 0, formatted_to="(202) 555-0100"),
            _call(sw_sid, SW_ACCOUNT, SW_BASE, 5, formatted_to="(202) 555-0100"),
        ],
    )
    twilio = _recording(
        tmp_path / "twilio",
        "twilio",
        [
            _call(tw_sid, TW_ACCOUNT, TW_BASE, None, queue_time="0"),
            _call(tw_sid, TW_ACCOUNT, TW_BASE, "5", queue_time="12", direction="outbound"),
        ],
        **{"CREATE-STATUS-CODE": "passed"},
    )
    return signalwire, twilio


def test_what_differs_is_said_once_per_subject(tmp_path: Path) -> None:
    lines = compare(*_pair(tmp_path))
    assert lines[0].startswith(f"compare {tmp_path / 'signalwire'} (signalwire profile, embedded")
    assert "requirements whose verdicts differ: 2" in lines
    assert "  CALL-ALIAS-TO: passed → disabled" in lines and "  CREATE-STATUS-CODE: absent → passed" in lines
    assert "  create: 200 → 201" in lines  # the .json suffix does not keep the two creates apart
    assert "  Call: duration: integer → string" in lines  # the settled poll (the first showed 0 and null)
    assert '  Call: direction: "outbound-api" → "outbound"' in lines
    assert "  Call: - field formatted_to" in lines and "  Call: + field queue_time" in lines
    assert "  error body (update): code: 10000 → 21220" in lines
    assert (
        "  status callback: - field AudioInMos" in lines
        and "  status callback: + field SipResponseCode" in lines
    )


def test_what_always_differs_is_counted_not_shown(tmp_path: Path) -> None:
    lines = compare(*_pair(tmp_path))
    shown = "\n".join(lines[:-1])
    for volatile in ("sid", "uri", "account_sid", "date_created", "more_info", "CallSid"):
        assert f": {volatile}:" not in shown
    ignored = lines[-1]
    # The settled poll's sid, account_sid and uri (the creates' answers differ in status code, so their fields are
    # not compared), and the callback's CallSid; the unknown sid's 404 bodies are equal.
    assert ignored.startswith("ignored: 4 differences in sids, dates, tokens, hosts and base paths")
    assert "1 answers to repeated requests" in ignored  # the poll: compared by its last answer
    assert "2 requests and 0 callbacks not compared" in ignored  # the two PageSize lists


def test_the_same_recording_twice_differs_in_nothing(tmp_path: Path) -> None:
    signalwire, _ = _pair(tmp_path)
    lines = compare(signalwire, signalwire)
    assert [line for line in lines if line.endswith(": 0")] == [
        "requirements whose verdicts differ: 0",
        "answers that differ (what: change, and how many answers showed it): 0",
        "callbacks and document requests that differ: 0",
    ]
    assert len(lines) == 6


def test_the_command_compares_or_says_what_is_missing(tmp_path: Path, capsys: Any) -> None:
    signalwire, twilio = _pair(tmp_path)
    assert main([str(signalwire), str(twilio), "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert "  … and " in out and out.rstrip().splitlines()[-1].startswith("ignored: ")
    assert main([str(signalwire), str(tmp_path / "nowhere")]) == 2
    assert "no recording in" in capsys.readouterr().out
    assert (
        calls_conformance(["compare", str(signalwire), str(twilio)]) == 0
    )  # the console command's subcommand
    assert capsys.readouterr().out.startswith(f"compare {signalwire} (signalwire profile")


def test_generated_and_session_requests_are_not_paired(tmp_path: Path) -> None:
    signalwire, twilio = _pair(tmp_path)
    for directory, code in ((signalwire, 404), (twilio, 200)):
        root = "http://endpoint.invalid/Accounts/x/Calls/CA" + "3" * 32
        for actor in ("session", "test_schema.py::test_generated_requests[fetchCall-positive]"):
            exchange = _exchange("GET", root, code, {})
            exchange["request"]["headers"][ACTOR_HEADER] = [actor]
            (directory / f"test_{actor[:7]}.yaml").write_text(yaml.safe_dump({"interactions": [exchange]}))
    lines = compare(signalwire, twilio)
    assert not [line for line in lines if "404 → 200" in line]
    assert "4 requests and 0 callbacks not compared" in lines[-1]
