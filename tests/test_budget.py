"""The call budget counts calls the endpoint created: a refused create costs nothing, and each actor keeps to the
allowance the plan gives it."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from conformance.core.clock import Clock
from conformance.core.signals import CallBudgetExhausted
from conformance.harness.client import CallsClient
from tests.conftest import run_suite

SID = "CA" + "0" * 32


def _client(max_calls: int | None, refuse: set[str]) -> CallsClient:
    """A client whose endpoint refuses creates whose To is in `refuse` (400) and creates the others."""

    def answer(request: httpx.Request) -> httpx.Response:
        form = dict(httpx.QueryParams(request.content.decode()))
        if form.get("To") in refuse:
            return httpx.Response(400, json={"code": 21201, "message": "refused", "status": 400})
        return httpx.Response(200, json={"sid": SID, "status": "queued"})

    return CallsClient(
        "http://endpoint.test/api",
        "acct",
        "token",
        clock=Clock(),
        max_calls=max_calls,
        transport=httpx.MockTransport(answer),
    )


def test_a_refused_create_costs_nothing() -> None:
    client = _client(max_calls=1, refuse={"bad"})
    for _ in range(5):
        assert client.create_call({"To": "bad", "From": "+1"}).status_code == 400
    assert client.calls_reserved == 0
    assert client.create_call({"To": "+2", "From": "+1"}).status_code == 200
    assert client.calls_reserved == 1 and len(client.created) == 1
    with pytest.raises(CallBudgetExhausted, match="CALLS_MAX_CALLS=1"):
        client.create_call({"To": "+3", "From": "+1"})


def test_each_actor_keeps_to_its_allowance() -> None:
    client = _client(max_calls=None, refuse=set())
    client.allowances, client.shortage = {"test:a": 1}, " (the plan's figures)"
    with client.clock.acting_as("test:a"):
        client.create_call({"To": "+2", "From": "+1"})
        with pytest.raises(CallBudgetExhausted, match="test:a has created the 1 call"):
            client.create_call({"To": "+2", "From": "+1"})
    with client.clock.acting_as("test:b"), pytest.raises(CallBudgetExhausted, match="the plan gives it"):
        client.create_call({"To": "+2", "From": "+1"})
    assert client.created_by == {"test:a": 1}


def test_refused_creates_are_counted() -> None:
    client = _client(max_calls=None, refuse={"bad"})
    client.create_call({"To": "bad", "From": "+1"})
    client.create_call({"To": "+2", "From": "+1"})
    assert (client.refused, len(client.created)) == (1, 1)


def test_a_small_budget_on_an_endpoint_refusing_every_create_says_what_stopped_the_calls(
    tmp_path: Path,
) -> None:
    """Every create refused, and only five calls allowed: the run fails CREATE-2XX, and the requirements left
    unjudged are said to be so because creates fail, not for lack of calls."""
    run = run_suite(
        tmp_path,
        ["--calls-reference-fault", "create-rejects", "--calls-max-calls=5", "--calls-deadline=5"],
    )
    assert run.report is not None, run.stdout[-3000:]
    calls = run.report["calls"]
    assert calls["created"] == 0 and calls["refused"] > 0, calls
    assert calls["unjudged_for_lack_of_calls"] == [] and calls["unjudged_because_creates_refused"], calls
    assert run.outcome("CREATE-2XX") == "failed" and run.report["verdict"] == "not-conformant"
    messages = {r["id"]: r["message"] for r in run.report["requirements"]}
    for rid in calls["unjudged_because_creates_refused"]:
        assert "the endpoint refused every create this run sent" in messages[rid], (rid, messages[rid])
    assert "not for lack of calls" in run.stdout
