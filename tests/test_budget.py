"""The call budget counts calls the endpoint created: a refused create costs nothing, and each actor keeps to the
allowance the plan gives it."""

from __future__ import annotations

import httpx
import pytest

from conformance.core.clock import Clock
from conformance.core.signals import CallBudgetExhausted
from conformance.harness.client import CallsClient

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
