"""Calls the suite creates or finds, observed through their life: every Call object passes every Call check."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from conformance.checks import answers
from conformance.core.bodies import json_field
from conformance.core.signals import NotJudged
from conformance.core.terms import ENDING_OUTCOMES
from conformance.harness.harness import Harness
from conformance.plan.conditions import Needs
from conformance.suite.helpers import known_call_sids, poll_until_ended

CALL_OBJECT = (
    "CALL-FIELDS",
    "CALL-TYPES",
    "CALL-EXTRA-FIELDS",
    "CALL-STATUS-ENUM",
    "CALL-DIRECTION-ENUM",
    "CALL-ANSWERED-BY-ENUM",
    "CALL-ALWAYS-NULL",
    "CALL-SUBRESOURCE-URIS",
    "CALL-DATE-FORMAT",
    "CALL-PRICE-UNIT",
    "CALL-SID-FORMAT",
    "CALL-ACCOUNT-SID",
    "CALL-URI",
    "CALL-ALIAS-TO",
    "CALL-ALIAS-FROM",
    "CALL-FORMATTED-TO-NUMBER",
    "CALL-FORMATTED-FROM-NUMBER",
    "CALL-MEDIA-ORDER",
    "CALL-MEDIA-LOST",
    "CALL-MOS-RANGE",
)
TIME_FIELDS = (
    "TIME-UPDATED-AFTER-CREATED",
    "TIME-START-AFTER-CREATED",
    "TIME-START-NULL-WHILE-QUEUED",
    "TIME-END-NULL-WHILE-ACTIVE",
    "TIME-END-SET-WHEN-ENDED",
    "TIME-END-AFTER-START",
    "TIME-DURATION-UNANSWERED-ZERO",
    "TIME-DURATION-BOUNDED",
)


def _targets(to_number: str | None, outcomes: Mapping[str, str]) -> list[tuple[str | None, str]]:
    """(To, LaML): a call that stays up a second is seen in progress; the endpoint's other outcomes if it has any."""
    ending = (to for outcome, to in outcomes.items() if outcome in ENDING_OUTCOMES)
    return [(to_number, "pause-1"), *((to, "hangup") for to in ending)]


# Each target, and one call canceled at once.
LIFE_CALLS = Needs(calls=lambda conditions: len(_targets(conditions.to_number, conditions.outcomes)) + 1)


@pytest.mark.requirements("CREATE-2XX", "CREATE-STATUS-CODE", *CALL_OBJECT, *TIME_FIELDS)
@pytest.mark.needs(LIFE_CALLS)
def test_created_calls_through_their_life(calls_harness: Harness) -> None:
    """Create calls (one per outcome the endpoint offers), then fetch each until it ends."""
    calls_harness.require("create")
    sids = []
    for to, scenario in _targets(calls_harness.settings.to_number, calls_harness.to_numbers):
        response = calls_harness.client.create_call(calls_harness.create_form(to, scenario=scenario))
        calls_harness.answer(answers.valid_create_accepted, response, "a valid create")
        calls_harness.answer(answers.create_code_is_the_profiles, response, "a valid create")
        sid = json_field(response, "sid")
        if response.is_success and isinstance(sid, str):
            sids.append(sid)
    # One call canceled at once: on any endpoint, a call that was never answered (duration 0).
    response = calls_harness.client.create_call(calls_harness.create_form())
    canceled = json_field(response, "sid") if response.is_success else None
    if isinstance(canceled, str):
        calls_harness.client.update_call(canceled, {"Status": "canceled"})
        sids.append(canceled)
    poll_until_ended(calls_harness, sids)
    calls_harness.client.list_calls(PageSize=50)


@pytest.mark.requirements("CREATE-FORM-ARRAYS")
@pytest.mark.needs(Needs(calls=1, tier="coverage"))
def test_repeated_status_callback_events_accepted(calls_harness: Harness) -> None:
    """StatusCallbackEvent sent as repeated keys is accepted."""
    calls_harness.require("create")
    form = calls_harness.create_form(
        StatusCallback=(calls_harness.settings.callback_url or "http://127.0.0.1:9") + "/status",
        StatusCallbackEvent=["initiated", "ringing", "answered", "completed"],
    )
    response = calls_harness.client.create_call(form)
    calls_harness.answer(
        answers.repeated_keys_accepted, response, "a create with repeated StatusCallbackEvent keys"
    )


@pytest.mark.requirements(*CALL_OBJECT, *TIME_FIELDS)
def test_existing_calls(calls_harness: Harness) -> None:
    """The account's most recent calls, listed and fetched (read-only runs see Call objects this way)."""
    sids = known_call_sids(calls_harness)
    if not sids:
        raise NotJudged("the account has no calls to observe")
    for sid in sids:
        calls_harness.client.fetch_call(sid)
