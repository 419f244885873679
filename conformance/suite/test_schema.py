"""Schemathesis-generated requests for every operation; answers judged against the profile's spec."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, cast

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

from conformance.checks.context import GeneratedContext
from conformance.checks.kinds import GENERATED
from conformance.checks.subjects import GeneratedExchange
from conformance.core.signals import CallBudgetExhausted
from conformance.core.spec import load_spec
from conformance.harness.harness import Harness
from conformance.plan.conditions import Needs
from conformance.suite import helpers

if TYPE_CHECKING:
    from schemathesis.specs.openapi.schemas import OpenApiSchema

OPERATIONS = ("listCalls", "createCall", "fetchCall", "updateCall", "deleteCall")
EXAMPLES = {"positive": 12, "negative": 12}
# The seed of every generated request. Derandomized, Hypothesis would seed its draws with the source of the test
# function, so that renaming a variable in it would change every request and make the committed cassettes stale;
# a fixed seed keeps them valid across such edits. This one is the digest of that source when the cassettes were
# recorded (commit 3649b75), so the draws are those the cassettes hold. Changing it means recording them again.
SEED = 33641264607115963558423907633706621974691244255225370463925548838160188377734594496078394080561348511178454064241413


@functools.cache
def _schema(profile: str) -> OpenApiSchema:
    schema = schemathesis.openapi.from_dict(load_spec(profile))
    # The suite sends the run's credentials itself; credential errors are judged by test_errors.py.
    schema.config.generation.update(with_security_parameters=False)
    return schema


def _send(calls_harness: Harness, case: schemathesis.Case):
    """Serialise the case exactly as Schemathesis would and send it through the suite's client."""
    client = calls_harness.client
    kwargs = case.as_transport_kwargs(base_url=client.base_url)
    prepared = requests.Request(
        method=kwargs["method"],
        url=kwargs["url"],
        params=kwargs.get("params"),
        headers=kwargs.get("headers"),
        data=kwargs.get("data"),
        json=kwargs.get("json"),
        cookies=kwargs.get("cookies"),
    ).prepare()
    headers = {
        k: v for k, v in prepared.headers.items() if k.lower() not in ("content-length", "authorization")
    }
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    # A prepared request always has its method and URL.
    return client.request(
        cast("str", prepared.method), cast("str", prepared.url), headers=headers, content=body
    )


def _case(operation_id: str, mode: str) -> object:
    """One operation and mode; generated creates dial what they draw, so only the embedded endpoint gets them."""
    creates = Needs(
        ("generated-creates",), EXAMPLES[mode], "probes", partial=True, if_accepted=mode == "negative"
    )
    marks = pytest.mark.needs(creates) if operation_id == "createCall" else ()
    return pytest.param(operation_id, mode, marks=marks, id=f"{operation_id}-{mode}")


@pytest.mark.requirements(
    "SCHEMA-RESPONSE",
    "SCHEMA-STATUS-CODE",
    "SCHEMA-CONTENT-TYPE",
    "ERR-NO-5XX",
    "ERR-JSON-BODY",
    "ERR-INVALID-PARAMS",
    "ERR-INVALID-PARAMS-EXTENDED",
)
@pytest.mark.parametrize(
    ("operation_id", "mode"), [_case(o, m) for o in OPERATIONS for m in ("positive", "negative")]
)
def test_generated_requests(calls_harness: Harness, operation_id: str, mode: str) -> None:
    """Generated requests to one operation get documented, schema-conformant answers; invalid ones are refused."""
    if operation_id == "createCall":
        calls_harness.require("generated-creates")
    operation = _schema(calls_harness.profile).find_operation_by_id(operation_id)
    strategy = operation.as_strategy(
        generation_mode=schemathesis.GenerationMode(mode),
        path_parameters={"AccountSid": calls_harness.client.account_sid},
    )
    # Only calls this run created may be updated or deleted; others are never touched. The first ones: they
    # are made one after another, so they are the same calls in every run (scenarios create concurrently),
    # and a replay asks what the recording asked.
    own = calls_harness.client.created
    # The contract holds invalid *create and update* parameters to 4xx; other operations' invalid
    # input is judged by the response checks only (a lenient list filter is not a violation).
    judged_negative = mode == "negative" and operation_id in ("createCall", "updateCall")
    context = GeneratedContext(calls_harness.profile, judges_invalid_input=judged_negative)
    fresh_call_sid = functools.partial(helpers.fresh_call_sid, calls_harness)

    # Verdicts go to the verifier, never to Hypothesis: what reaches it is a harness error, not worth shrinking.
    # fmt: off
    @settings(max_examples=EXAMPLES[mode], deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), phases=(Phase.explicit, Phase.generate))
    @seed(SEED)
    @given(data=st.data())
    def exercise(data: st.DataObject) -> None:
        case = data.draw(strategy)
        if "Sid" in (case.path_parameters or {}) and mode == "positive":
            case.path_parameters["Sid"] = data.draw(st.sampled_from([*own[:5], fresh_call_sid(calls_harness.profile)]))
        if operation_id == "createCall":
            try:
                calls_harness.client.reserve_call()
            except CallBudgetExhausted:
                return
        response = _send(calls_harness, case)
        if operation_id == "createCall":
            calls_harness.client.note_created(response)
        calls_harness.verifier.run(GENERATED, context, GeneratedExchange(case, response), response=response)
    # fmt: on

    exercise()
