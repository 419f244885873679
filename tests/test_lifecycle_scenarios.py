"""The lifecycle scenarios and state machine on real calls to one embedded reference endpoint.

A `Tamper` transport between the suite's client and the endpoint breaks one rule at the HTTP level (a stand-in
for the endpoint's own named faults), so each lifecycle requirement is shown to fail when the endpoint breaks it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from urllib.parse import parse_qsl

import httpx
import pytest

from conformance.core.catalog import load_catalog
from conformance.core.clock import Clock
from conformance.core.outcomes import Ledger
from conformance.core.settings import Settings
from conformance.core.terms import CAPABILITIES
from conformance.harness.client import CallsClient
from conformance.harness.harness import Harness
from conformance.harness.verifier import Verifier
from conformance.lifecycle import scenarios  # noqa: F401  (registers the scenarios)
from conformance.lifecycle.runner import SCENARIOS, run_scenarios
from conformance.lifecycle.state_machine import MACHINE_SETTINGS, run_machine
from conformance.receiver import CallbackReceiver
from conformance.reference import BUSY_NUMBER, FAILED_NUMBER, NO_ANSWER_NUMBER, ReferenceEndpoint

LIVE_DEADLINE = 3.0


Forward = Callable[[httpx.Request], httpx.Response]
Rewrite = Callable[[httpx.Request, Forward], httpx.Response]


class Tamper(httpx.BaseTransport):
    """Passes requests to the endpoint, letting `rewrite` change requests and answers (None: no change)."""

    def __init__(self, rewrite: Rewrite | None = None) -> None:
        self.inner = httpx.HTTPTransport()
        self.rewrite = rewrite

    def forward(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        return response

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        return self.rewrite(request, self.forward) if self.rewrite else self.forward(request)

    def close(self) -> None:
        self.inner.close()


@pytest.fixture(scope="module")
def endpoint() -> Iterator[ReferenceEndpoint]:
    with ReferenceEndpoint() as running:
        yield running


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def receiver(clock: Clock) -> Iterator[CallbackReceiver]:
    running = CallbackReceiver(clock).start()
    yield running
    running.stop()


@pytest.fixture
def make_harness(
    endpoint: ReferenceEndpoint, receiver: CallbackReceiver, clock: Clock
) -> Iterator[Callable[..., Harness]]:
    """A Harness on the embedded endpoint, built the way conformance/run/run.py builds one."""
    clients: list[CallsClient] = []

    def make(rewrite: Rewrite | None = None) -> Harness:
        settings = Settings(
            base_url=endpoint.base_url,
            account_sid=endpoint.account_sid,
            auth_token=endpoint.auth_token,
            signing_key=endpoint.signing_key,
            from_number=endpoint.from_number,
            to_number=endpoint.to_number,
            deadline=LIVE_DEADLINE,
            reference=True,
        )
        verifier = Verifier(Ledger(load_catalog(), "signalwire", frozenset(CAPABILITIES)))
        client = CallsClient(
            endpoint.base_url,
            endpoint.account_sid,
            endpoint.auth_token,
            clock=clock,
            timeout=5.0,
            transport=Tamper(rewrite),
        )
        client.observers.append(verifier.observe)
        clients.append(client)
        numbers = {"busy": BUSY_NUMBER, "failed": FAILED_NUMBER, "no-answer": NO_ANSWER_NUMBER}
        return Harness(settings, client, verifier, clock, numbers, receiver)

    yield make
    for client in clients:
        client.observers.clear()
        client.end_created_calls()
        client.close()


def outcomes(harness: Harness) -> dict[str, str]:
    return {r.requirement.id: r.outcome.label for r in harness.verifier.ledger.results()}


LIFECYCLE = (
    "LIFE-TRANSITIONS",
    "LIFE-ENDED-FINAL",
    "LIFE-REACHES-END",
    "UPDATE-CANCEL-QUEUED",
    "UPDATE-CANCEL-IN-PROGRESS",
    "UPDATE-COMPLETE-IN-PROGRESS",
    "UPDATE-COMPLETE-NOT-ANSWERED",
    "UPDATE-ENDED-CALL",
    "UPDATE-REDIRECT",
    "DELETE-ENDED",
    "DELETE-UNFINISHED",
)


def test_every_lifecycle_scenario_passes_on_the_reference_endpoint(
    make_harness: Callable[..., Harness],
) -> None:
    harness = make_harness()
    names = {
        name: item
        for name, item in SCENARIOS.items()
        if set(item.requirements) & set(LIFECYCLE) and name != "state-machine"
    }
    results = run_scenarios(harness, names)
    assert {n: (r.failures, r.not_judged, r.error) for n, r in results.items()} == dict.fromkeys(
        names, ([], None, None)
    )
    assert {i: outcomes(harness)[i] for i in LIFECYCLE} == dict.fromkeys(LIFECYCLE, "passed")


def test_the_state_machine_passes_on_the_reference_endpoint_and_judges_what_it_sees(
    make_harness: Callable[..., Harness],
) -> None:
    harness = make_harness()
    started = time.monotonic()
    run_machine(harness)
    assert time.monotonic() - started < 30
    results = {r.requirement.id: r for r in harness.verifier.ledger.results()}
    judged = {i: results[i].outcome.label for i in LIFECYCLE if results[i].observations}
    assert set(judged.values()) == {"passed"}, {i: results[i].message for i in judged}
    assert {"LIFE-TRANSITIONS", "LIFE-ENDED-FINAL"} <= set(judged)
    # At least a few of the update and delete rules were decisive somewhere in the run.
    assert len({i for i in judged if i.startswith(("UPDATE-", "DELETE-"))}) >= 3, judged
    assert MACHINE_SETTINGS.derandomize and MACHINE_SETTINGS.database is None


# ---------------------------------------------------------------- the same against endpoints that break one rule

CALL_PATH = "/Calls/"


def _sid(request: httpx.Request) -> str | None:
    path = request.url.path
    return path.split(CALL_PATH, 1)[1].removesuffix(".json") if CALL_PATH in path else None


def _form(request: httpx.Request) -> dict[str, str]:
    return dict(parse_qsl(request.content.decode()))


def _json(response: httpx.Response) -> dict[str, object]:
    body = response.json() if response.content else {}
    return body if isinstance(body, dict) else {}


def _with(response: httpx.Response, **changes: object) -> httpx.Response:
    return httpx.Response(response.status_code, json={**_json(response), **changes})


def _again(request: httpx.Request, method: str, form: dict[str, str] | None = None) -> httpx.Request:
    headers = {"Authorization": request.headers["Authorization"]}
    return httpx.Request(method, request.url, headers=headers, data=form)


def _is_update(request: httpx.Request, **form: str) -> bool:
    return (
        request.method == "POST"
        and _sid(request) is not None
        and all(_form(request).get(k) == v for k, v in form.items())
    )


def _ended(body: dict[str, object]) -> bool:
    return body.get("status") in ("canceled", "completed", "busy", "failed", "no-answer")


def ended_flips() -> Rewrite:
    """A fetch of a call already seen ended shows another end."""
    seen: set[str] = set()

    def rewrite(request: httpx.Request, forward: Forward) -> httpx.Response:
        response = forward(request)
        sid = _sid(request)
        if request.method != "GET" or sid is None or not _ended(_json(response)):
            return response
        if sid not in seen:
            seen.add(sid)
            return response
        return _with(response, status="failed" if _json(response)["status"] != "failed" else "completed")

    return rewrite


def create_says_in_progress(request: httpx.Request, forward: Forward) -> httpx.Response:
    response = forward(request)
    return (
        _with(response, status="in-progress")
        if request.method == "POST" and _sid(request) is None
        else response
    )


def never_ends(request: httpx.Request, forward: Forward) -> httpx.Response:
    response = forward(request)
    return (
        _with(response, status="ringing", end_time=None)
        if request.method == "GET" and _ended(_json(response))
        else response
    )


def ignore(**form: str) -> Rewrite:
    """Updates with `form` answer 200 with the call as it is, and change nothing."""

    def rewrite(request: httpx.Request, forward: Forward) -> httpx.Response:
        if _is_update(request, **form):
            return forward(_again(request, "GET"))
        return forward(request)

    return rewrite


def cancel_ends_in_progress(request: httpx.Request, forward: Forward) -> httpx.Response:
    response = forward(request)
    if _is_update(request, Status="canceled") and response.status_code == 400:
        return _with(forward(_again(request, "POST", {"Status": "completed"})), status="canceled")
    return response


def ended_update_accepted(request: httpx.Request, forward: Forward) -> httpx.Response:
    response = forward(request)
    if request.method == "POST" and response.status_code == 400:
        current = forward(_again(request, "GET"))
        return current if _ended(_json(current)) else response
    return response


def redirect_ends_call(request: httpx.Request, forward: Forward) -> httpx.Response:
    response = forward(request)
    if _is_update(request) and "Url" in _form(request) and response.is_success:
        forward(_again(request, "POST", {"Status": "completed"}))
    return response


def delete_unfinished_accepted(request: httpx.Request, forward: Forward) -> httpx.Response:
    response = forward(request)
    if request.method == "DELETE" and response.status_code == 400:
        forward(_again(request, "POST", {"Status": "completed"}))
        response = forward(_again(request, "DELETE"))
    return response


def delete_ended_keeps(request: httpx.Request, forward: Forward) -> httpx.Response:
    if request.method == "DELETE":
        return httpx.Response(204, request=request)
    return forward(request)


@pytest.mark.parametrize(
    ("rewrite", "scenario", "requirement"),
    [
        pytest.param(ended_flips(), "natural-end", "LIFE-ENDED-FINAL", id="ended-call-changes"),
        pytest.param(create_says_in_progress, "natural-end", "LIFE-TRANSITIONS", id="illegal-path"),
        pytest.param(never_ends, "natural-end", "LIFE-REACHES-END", id="never-ends"),
        pytest.param(ignore(Status="canceled"), "cancel-queued", "UPDATE-CANCEL-QUEUED", id="cancel-ignored"),
        pytest.param(
            cancel_ends_in_progress,
            "cancel-in-progress",
            "UPDATE-CANCEL-IN-PROGRESS",
            id="cancel-ends-in-progress",
        ),
        pytest.param(
            ignore(Status="completed"),
            "complete-in-progress",
            "UPDATE-COMPLETE-IN-PROGRESS",
            id="complete-ignored",
        ),
        pytest.param(
            ignore(Status="completed"),
            "complete-not-answered",
            "UPDATE-COMPLETE-NOT-ANSWERED",
            id="complete-not-answered-ignored",
        ),
        pytest.param(ended_update_accepted, "update-ended", "UPDATE-ENDED-CALL", id="ended-update-accepted"),
        pytest.param(redirect_ends_call, "redirect", "UPDATE-REDIRECT", id="redirect-ends-call"),
        pytest.param(
            delete_unfinished_accepted,
            "delete-unfinished",
            "DELETE-UNFINISHED",
            id="delete-unfinished-accepted",
        ),
        pytest.param(delete_ended_keeps, "delete-ended", "DELETE-ENDED", id="delete-ended-keeps"),
    ],
)
def test_each_scenario_fails_an_endpoint_that_breaks_its_rule(
    make_harness: Callable[..., Harness], rewrite: Rewrite, scenario: str, requirement: str
) -> None:
    harness = make_harness(rewrite)
    result = run_scenarios(harness, {scenario: SCENARIOS[scenario]})[scenario]
    assert result.error is None and result.not_judged is None
    assert requirement in {f.requirement for f in result.failures}
    assert outcomes(harness)[requirement] == "failed"


def test_the_state_machine_fails_an_endpoint_whose_ended_calls_change(
    make_harness: Callable[..., Harness],
) -> None:
    harness = make_harness(ended_flips())
    run_machine(harness)
    assert outcomes(harness)["LIFE-ENDED-FINAL"] == "failed"
