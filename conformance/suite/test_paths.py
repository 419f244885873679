"""Path forms: with and without the `.json` suffix."""

from __future__ import annotations

import pytest

from conformance.core.bodies import json_object
from conformance.core.failures import Violation
from conformance.core.signals import NotJudged
from conformance.harness.harness import Harness
from conformance.suite.helpers import known_call_sids


@pytest.mark.requirements("PATH-JSON-SUFFIX")
def test_json_suffix_optional(calls_harness: Harness) -> None:
    """List and fetch answer alike with and without `.json`."""
    if calls_harness.profile != "signalwire":
        raise NotJudged("only the signalwire profile serves both path forms")
    client = calls_harness.client
    plain = client.request("GET", client.calls_url(suffix=False), params={"PageSize": 1})
    suffixed = client.request("GET", client.calls_url(suffix=True), params={"PageSize": 1})
    calls_harness.verifier.expect(
        "PATH-JSON-SUFFIX",
        plain.status_code // 100 == suffixed.status_code // 100 == 2,
        "list answers differ between path forms",
        received={"plain": plain.status_code, ".json": suffixed.status_code},
        expected="2xx both",
        response=suffixed if plain.is_success else plain,
    )
    for sid in known_call_sids(calls_harness, limit=1):

        def same_call(sid: str = sid) -> None:
            answers = [client.request("GET", client.calls_url(sid, suffix=s)) for s in (False, True)]
            sids = [(json_object(r) or {}).get("sid") if r.is_success else r.status_code for r in answers]
            if sids != [sid, sid]:
                raise Violation(
                    "fetch answers differ between path forms",
                    received=dict(zip(("plain", ".json"), sids, strict=True)),
                    expected=sid,
                )

        calls_harness.verifier.verify("PATH-JSON-SUFFIX", same_call)
