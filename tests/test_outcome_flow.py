"""Failures flow one way: the verifier records each outcome once (ledger and scope), and
`pytest_outcomes.settle` alone turns what a suite test ended in into its pytest outcome."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from conformance.checks import answers, call_history
from conformance.checks.call_records import CallRecord
from conformance.checks.context import AnswerContext, LifecycleContext
from conformance.core.catalog import load_catalog
from conformance.core.clock import Clock
from conformance.core.errors import EndpointUnavailable
from conformance.core.failures import ConformanceFailure
from conformance.core.outcomes import Ledger, Outcome, Result
from conformance.core.settings import Settings
from conformance.core.signals import NotJudged
from conformance.harness.harness import Harness
from conformance.harness.verifier import ConformanceWarning, Verifier
from conformance.pytest.outcomes import settle
from conformance.run.run import Run

MUST, OTHER_MUST, SHOULD = "CREATE-2XX", "LIFE-TRANSITIONS", "CREATE-STATUS-CODE"
ANSWER = AnswerContext("signalwire", "a create")
REFUSED = "a create was not accepted"


def _verifier() -> Verifier:
    return Verifier(Ledger(load_catalog(), "signalwire", frozenset({"create", "callbacks"})))


def _results(verifier: Verifier) -> dict[str, Result]:
    return {r.requirement.id: r for r in verifier.ledger.results()}


def _suite(verifier: Verifier) -> Any:
    return SimpleNamespace(verifier=verifier)


def _refused(verifier: Verifier) -> bool:
    """A MUST failure: a valid create refused (CREATE-2XX)."""
    return verifier.check(answers.valid_create_accepted, ANSWER, httpx.Response(400))


def _another_2xx(verifier: Verifier) -> bool:
    """A SHOULD failure: create answered 201 under signalwire (CREATE-STATUS-CODE)."""
    return verifier.check(
        answers.create_code_is_the_profiles, ANSWER, httpx.Response(201, json={"sid": "CA1"})
    )


def _accepted(verifier: Verifier) -> bool:
    """A MUST requirement passed: a valid create accepted (CREATE-2XX)."""
    return verifier.check(answers.valid_create_accepted, ANSWER, httpx.Response(200, json={"sid": "CA1"}))


def _illegal_step(verifier: Verifier) -> bool:
    """Another MUST failure: a call seen completed, then ringing (LIFE-TRANSITIONS)."""
    record = CallRecord("CA1")
    for at, status in enumerate(("completed", "ringing")):
        record.observe("fetch", {"sid": "CA1", "status": status}, float(at))
    return verifier.check(call_history.statuses_take_legal_steps, LifecycleContext(30.0), record)


# ---------------------------------------------------------------- the verifier records each outcome once


def test_a_must_failure_is_recorded_once_in_the_ledger_and_once_in_its_scope() -> None:
    verifier = _verifier()
    with verifier.scope("test") as scope:
        assert not _refused(verifier)
    assert [(f.requirement, f.title) for f in scope.failures] == [(MUST, REFUSED)]
    result = _results(verifier)[MUST]
    assert (result.outcome, result.failures, result.observations) == (Outcome.FAILED, 1, 1)


def test_a_should_failure_warns_and_joins_no_scope() -> None:
    verifier = _verifier()
    with verifier.scope("test") as scope, pytest.warns(ConformanceWarning, match="another 2xx"):
        _another_2xx(verifier)
    assert scope.failures == [] and _results(verifier)[SHOULD].outcome is Outcome.FAILED


def test_outside_any_scope_a_failure_is_only_in_the_ledger() -> None:
    verifier = _verifier()
    _refused(verifier)
    with verifier.scope("later test") as scope:
        pass
    assert scope.failures == [] and _results(verifier)[MUST].outcome is Outcome.FAILED


def test_each_thread_has_its_own_scope_and_a_test_carries_a_scenarios_failures() -> None:
    verifier = _verifier()
    scenario: list[ConformanceFailure] = []

    def run_scenario() -> None:
        with verifier.scope("scenario:x") as scope:
            _illegal_step(verifier)
        scenario.extend(scope.failures)

    with verifier.scope("test") as test:
        thread = threading.Thread(target=run_scenario)
        thread.start()
        thread.join()
        assert test.failures == [] and [f.requirement for f in scenario] == [OTHER_MUST]
        verifier.carry(scenario)
    assert test.failures == scenario and _results(verifier)[OTHER_MUST].failures == 1


def test_an_answer_check_judges_its_requirement_once_through_the_harness() -> None:
    verifier = _verifier()
    harness = Harness(Settings(), None, verifier, Clock())  # type: ignore[arg-type]  # answer() uses no client
    assert harness.answer(answers.valid_create_accepted, httpx.Response(200, json={"sid": "CA1"}), "a create")
    with verifier.scope("test") as scope:
        refused = httpx.Response(502, content=b"<html>")
        assert not harness.answer(answers.valid_create_accepted, refused, "a create")
    assert len(scope.failures) == 1 and _results(verifier)["CREATE-2XX"].failures == 1
    assert scope.failures[0].title == "a create was not accepted"


# ---------------------------------------------------------------- settle: the one place outcomes become pytest's


def test_the_scopes_must_failures_become_one_failure() -> None:
    verifier = _verifier()
    with verifier.scope("test") as scope:
        _refused(verifier)
        _illegal_step(verifier)
        with pytest.raises(ConformanceFailure) as failure:
            settle(Run({}), _suite(verifier), scope, [MUST], None)
    assert failure.value.requirement == MUST and "went from completed to ringing" in failure.value.describe()


def test_not_judged_is_a_skip_recorded_for_what_it_names_and_for_the_tests_requirements() -> None:
    verifier = _verifier()
    stop = NotJudged("the call was never seen in-progress", ["UPDATE-REDIRECT"])
    with (
        verifier.scope("test") as scope,
        pytest.raises(pytest.skip.Exception, match="UPDATE-REDIRECT: the call"),
    ):
        settle(Run({}), _suite(verifier), scope, ["UPDATE-REDIRECT", OTHER_MUST], stop)
    results = _results(verifier)
    assert (results["UPDATE-REDIRECT"].outcome, results["UPDATE-REDIRECT"].message) == (
        Outcome.SKIPPED,
        "the call was never seen in-progress",
    )
    assert results[OTHER_MUST].message == "UPDATE-REDIRECT: the call was never seen in-progress"


def test_failures_outrank_a_stop_and_record_no_skip() -> None:
    verifier = _verifier()
    with verifier.scope("test") as scope:
        _refused(verifier)
        with pytest.raises(ConformanceFailure):
            settle(Run({}), _suite(verifier), scope, [MUST, OTHER_MUST], NotJudged("stopped"))
    assert _results(verifier)[OTHER_MUST].message == "not exercised in this run"


def test_a_harness_error_stops_the_session_and_is_the_runs() -> None:
    verifier, run = _verifier(), Run({})
    with (
        verifier.scope("test") as scope,
        pytest.raises(pytest.exit.Exception, match="endpoint unavailable: gone"),
    ):
        settle(run, _suite(verifier), scope, [MUST], EndpointUnavailable("gone"))
    assert [error.reason for error in run.errors] == ["endpoint unavailable: gone"]


def test_a_bug_of_the_suite_is_left_as_it_is_even_with_failures() -> None:
    verifier = _verifier()
    with verifier.scope("test") as scope:
        _refused(verifier)
        assert settle(Run({}), _suite(verifier), scope, [MUST], KeyError("sid")) is None


def test_a_test_that_judged_without_failure_passes() -> None:
    verifier = _verifier()
    with verifier.scope("test") as scope:
        assert _accepted(verifier)
        assert settle(Run({}), _suite(verifier), scope, [MUST], None) is None
