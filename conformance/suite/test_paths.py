"""Path forms: with and without the `.json` suffix."""

from __future__ import annotations

from dataclasses import replace

import pytest

from conformance.checks import paths
from conformance.checks.context import AnswerContext
from conformance.checks.subjects import PathForms
from conformance.core.signals import NotJudged
from conformance.harness.harness import Harness
from conformance.suite.helpers import known_call_sids


@pytest.mark.requirements("PATH-JSON-SUFFIX")
def test_json_suffix_optional(calls_harness: Harness) -> None:
    """List and fetch answer alike with and without `.json`."""
    if calls_harness.profile != "signalwire":
        raise NotJudged("only the signalwire profile serves both path forms")
    client = calls_harness.client
    context = AnswerContext(calls_harness.profile, "a list")
    plain, suffixed = (
        client.request("GET", client.calls_url(suffix=s), params={"PageSize": 1}) for s in (False, True)
    )
    calls_harness.verifier.check(paths.both_path_forms_answer_alike, context, PathForms(plain, suffixed))
    for sid in known_call_sids(calls_harness, limit=1):
        plain, suffixed = (client.request("GET", client.calls_url(sid, suffix=s)) for s in (False, True))
        forms = PathForms(plain, suffixed, sid=sid)
        calls_harness.verifier.check(
            paths.both_path_forms_answer_alike, replace(context, what="a fetch"), forms
        )
