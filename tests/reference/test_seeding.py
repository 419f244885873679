"""An endpoint whose accounts already hold calls from before it started (`seed_calls`): every status, older
dates (some in the same second), other numbers and directions; each a correct Call; listed newest first and
paged with each call once, whatever order they were made in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from conformance.checks import REGISTRY
from conformance.checks.context import CheckContext
from conformance.checks.values import parse_time
from conformance.core.failures import Violation
from conformance.core.signals import NotApplicable
from conformance.reference import ReferenceEndpoint
from conformance.reference.__main__ import main
from conformance.reference.call_store import STATUSES

from .conftest import Api

SEEDED = 200


@pytest.fixture(scope="module", params=["signalwire", "twilio"])
def seeded(request: pytest.FixtureRequest) -> Iterator[Api]:
    with ReferenceEndpoint(seed_calls=SEEDED, profile=request.param) as endpoint:
        api = Api(endpoint)
        yield api
        api.http.close()


def _all(api: Api, **filters: Any) -> list[dict[str, Any]]:
    return api.http.get(api.calls_path(), params={"PageSize": 1000, **filters}).json()["calls"]


def test_the_accounts_hold_calls_of_every_status_and_other_numbers(seeded: Api) -> None:
    calls = _all(seeded)
    assert len(calls) == SEEDED * 4 // 5
    assert {c["status"] for c in calls} == set(STATUSES)
    assert {c["direction"] for c in calls} == {"inbound", "outbound-api"}
    assert any(c["to"].startswith("sip:") for c in calls) and any(
        c["from"].startswith("client:") for c in calls
    )
    created = [c["date_created"] for c in calls]
    assert len(set(created)) < len(created)  # some were made in the same second
    other = httpx.get(
        seeded.endpoint.base_url + f"/Accounts/{seeded.endpoint.other_account.sid}/Calls.json",
        auth=(seeded.endpoint.other_account.sid, seeded.endpoint.other_account.auth_token),
        trust_env=False,
    )
    assert len(other.json()["calls"]) == SEEDED // 5


def test_every_seeded_call_is_a_correct_call(seeded: Api) -> None:
    profile = seeded.endpoint.profile.name
    ctx = CheckContext(profile=profile, account_sid=seeded.account)
    broken = []
    for call in _all(seeded):
        for check in (c for c in REGISTRY.values() if c.kind.name == "call"):
            try:
                check.fn(ctx, call)
            except NotApplicable:
                continue
            except Violation as violation:
                broken.append((check.requirement, call["status"], violation.title))
    assert broken == []


def test_pages_hold_each_call_once_newest_first(seeded: Api) -> None:
    whole = [c["sid"] for c in _all(seeded)]
    walked: list[str] = []
    page = seeded.http.get(seeded.calls_path(), params={"PageSize": 7}).json()
    while True:
        walked += [c["sid"] for c in page["calls"]]
        if page["next_page_uri"] is None:
            break
        page = seeded.http.get(page["next_page_uri"]).json()
    assert walked == whole
    dates = [parse_time(c["date_created"]) for c in _all(seeded)]
    assert dates == sorted(dates, reverse=True)


def test_filters_find_the_seeded_calls(seeded: Api) -> None:
    assert {c["to"] for c in _all(seeded, To="sip:alice@example.com")} == {"sip:alice@example.com"}
    assert {c["status"] for c in _all(seeded, Status="no-answer")} == {"no-answer"}


def test_a_negative_seed_is_refused() -> None:
    with pytest.raises(ValueError, match="seed_calls"):
        ReferenceEndpoint(seed_calls=-1)
    assert main(["--seed-calls", "-1"]) == 2
