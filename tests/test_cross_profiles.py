"""Each profile's suite against the other profile's endpoint: it fails what the profiles disagree on, and nothing
else.

The expected sets are reasoned from the contract and the two modes of the reference endpoint (written before
either run), requirement by requirement. The generated (Schemathesis) requests are left out of these runs:
which invalid parameter a generated request breaks is drawn from the spec's source, so whether an endpoint
of the other profile happens to refuse it is not something to reason about. Every other suite test runs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SuiteRun, run_suite

EXPECTED_FAILED = {
    # The signalwire suite against a twilio-mode endpoint (which answers paths without `.json` too, in JSON).
    ("signalwire", "twilio"): {
        "CREATE-STATUS-CODE",  # SHOULD: 201 where signalwire answers 200
        "CALL-FIELDS",  # no formatted_to, formatted_from, annotation, sip_result_code or audio_* fields
        "CALL-TYPES",  # duration a string (or null while up), price a string
        "CALL-EXTRA-FIELDS",  # SHOULD: queue_time and trunk_sid
        "CALL-SID-FORMAT",  # CA/AC/PN + 32 hex, not UUIDs
        "SCHEMA-RESPONSE",  # every Call body is off signalwire's Call schema
        "CB-PARAMS",  # AccountSid and CallSid are not UUIDs
        "CB-MEDIA-FINAL",  # twilio sends no AudioIn*/AudioOut* counters
        "CB-MEDIA-EARLY",  # SHOULD: the same, on earlier callbacks
        "CB-RECORDING-PARAMS",  # AccountSid, CallSid and RecordingSid are not UUIDs
    },
    # The twilio suite against a signalwire-mode endpoint (which answers paths with `.json` too).
    ("twilio", "signalwire"): {
        "CREATE-STATUS-CODE",  # SHOULD: 200 where twilio answers 201
        "CALL-FIELDS",  # no queue_time or trunk_sid
        "CALL-TYPES",  # duration and price are numbers
        "CALL-EXTRA-FIELDS",  # SHOULD: the ten SignalWire-only fields
        "CALL-SUBRESOURCE-URIS",  # notifications is null; twilio's uris are strings
        "CALL-SID-FORMAT",  # UUIDs, not CA/AC/PN + 32 hex
        "LIST-ENVELOPE",  # no start and end
        "SCHEMA-RESPONSE",  # Call bodies and list envelopes are off twilio's schemas
        "SCHEMA-STATUS-CODE",  # SHOULD: twilio documents 201 alone for a create
        "CB-PARAMS",  # AccountSid and CallSid are not AC/CA + 32 hex
        "CB-RECORDING-PARAMS",  # nor RecordingSid RE + 32 hex
    },
}
# Requirements the run cannot judge because the endpoint has nothing to judge them on (fields it lacks).
EXPECTED_SKIPPED = {
    ("signalwire", "twilio"): {
        "CALL-ALIAS-TO",  # no formatted_to beside to_formatted
        "CALL-ALIAS-FROM",
        "CALL-MEDIA-ORDER",  # no audio_* figures
        "CALL-MEDIA-LOST",
        "CALL-MOS-RANGE",
    },
    ("twilio", "signalwire"): set(),
}
CASES = sorted(EXPECTED_FAILED)


@pytest.fixture(scope="module", params=CASES, ids=[f"{s}-suite-{e}-endpoint" for s, e in CASES])
def crossed(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[str, str, SuiteRun]:
    suite, endpoint = request.param
    run = run_suite(
        Path(tmp_path_factory.mktemp(f"cross-{suite}-{endpoint}")),
        ["--calls-reference-profile", endpoint, "-k", "not test_generated_requests"],
        env={"CALLS_PROFILE": suite},
    )
    return suite, endpoint, run


def test_it_fails_what_the_profiles_disagree_on_and_nothing_else(crossed: tuple[str, str, SuiteRun]) -> None:
    suite, endpoint, run = crossed
    outcomes = run.outcomes()
    failed = {i for i, outcome in outcomes.items() if outcome == "failed"}
    assert failed == EXPECTED_FAILED[suite, endpoint], run.stdout[-3000:]
    assert run.returncode == 1 and "Traceback" not in run.stdout + run.stderr


def test_it_skips_only_what_the_endpoint_gives_nothing_to_judge(crossed: tuple[str, str, SuiteRun]) -> None:
    suite, endpoint, run = crossed
    skipped = {i for i, outcome in run.outcomes().items() if outcome == "skipped"}
    assert skipped == EXPECTED_SKIPPED[suite, endpoint], run.stdout[-3000:]
    assert run.report is not None and run.report["target"]["profile"] == suite
