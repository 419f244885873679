"""GET /Calls: envelope, newest first, paging by token, filters and their errors."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from conformance.reference import BUSY_NUMBER, ReferenceEndpoint

from .conftest import Api

ENVELOPE = {"uri", "first_page_uri", "next_page_uri", "previous_page_uri", "page", "page_size", "calls"}


@pytest.fixture(scope="module")
def populated() -> Iterator[tuple[ReferenceEndpoint, list[str]]]:
    """A fresh endpoint holding 23 calls (7 of them to the busy number), oldest first."""
    with ReferenceEndpoint() as running:
        api = Api(running)
        sids = [
            api.create_call(To=BUSY_NUMBER if index % 3 == 0 else running.to_number)["sid"]
            for index in range(23)
        ]
        for sid in sids:
            api.wait(sid, lambda call: call["status"] in ("busy", "completed"))
        api.http.close()
        yield running, sids


@pytest.fixture
def plist(populated: tuple[ReferenceEndpoint, list[str]]) -> Iterator[Api]:
    client = Api(populated[0])
    yield client
    client.http.close()


def walk(api: Api, first: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Follow next_page_uri from the first page; returns the pages (bounded)."""
    pages = [api.http.get(first, params=params).json()]
    while pages[-1]["next_page_uri"] and len(pages) < 100:
        pages.append(api.http.get(pages[-1]["next_page_uri"]).json())
    return pages


def test_envelope_and_newest_first(plist: Api, populated: tuple[ReferenceEndpoint, list[str]]) -> None:
    response = plist.http.get(plist.calls_path())
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == ENVELOPE
    assert (
        body["page"] == 0
        and body["page_size"] == 50
        and body["next_page_uri"] is None
        and body["previous_page_uri"] is None
    )
    assert [call["sid"] for call in body["calls"]] == list(reversed(populated[1]))
    assert body["uri"] == plist.calls_path()
    assert body["first_page_uri"] == plist.calls_path() + "?Page=0&PageSize=50"


@pytest.mark.parametrize("size", [1, 5, 7, 23, 1000])
def test_paging_walks_every_call_once(
    plist: Api, populated: tuple[ReferenceEndpoint, list[str]], size: int
) -> None:
    pages = walk(plist, plist.calls_path(), {"PageSize": size})
    sids = [call["sid"] for page in pages for call in page["calls"]]
    assert sids == list(reversed(populated[1]))
    for number, page in enumerate(pages):
        assert page["page"] == number and page["page_size"] == size and len(page["calls"]) <= size
        assert (page["previous_page_uri"] is None) == (number == 0)
    assert pages[-1]["next_page_uri"] is None
    if len(pages) > 1:
        token = parse_qs(urlsplit(pages[1]["uri"]).query)["PageToken"][0]
        assert token == "PA" + pages[0]["calls"][-1]["sid"]


def test_previous_page_uri_leads_back(plist: Api) -> None:
    pages = walk(plist, plist.calls_path(), {"PageSize": 5})
    back = plist.http.get(pages[2]["previous_page_uri"]).json()
    assert [call["sid"] for call in back["calls"]] == [call["sid"] for call in pages[1]["calls"]]
    assert back["page"] == 1


def test_paging_is_stable_while_calls_are_created(
    plist: Api, populated: tuple[ReferenceEndpoint, list[str]]
) -> None:
    to = plist.endpoint.to_number
    before = [
        call["sid"]
        for call in plist.http.get(plist.calls_path(), params={"PageSize": 1000, "To": to}).json()["calls"]
    ]
    first = plist.http.get(plist.calls_path(), params={"PageSize": 4, "To": to}).json()
    new = plist.create_call()["sid"]
    rest = walk(plist, first["next_page_uri"])
    assert [call["sid"] for page in [first, *rest] for call in page["calls"]] == before
    plist.wait_ended(new)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"To": BUSY_NUMBER}, 8),
        ({"Status": "busy"}, 8),
        ({"Status": "busy", "To": "+12025550100"}, 0),
        ({"From": "+12025550199", "Status": "busy"}, 8),
        ({"From": "+19999999999"}, 0),
    ],
)
def test_filters_are_honoured_across_pages(plist: Api, params: dict[str, str], expected: int) -> None:
    pages = walk(plist, plist.calls_path(), {**params, "PageSize": 3})
    calls = [call for page in pages for call in page["calls"]]
    assert len(calls) == expected and len({call["sid"] for call in calls}) == len(calls)
    for call in calls:
        for key, value in params.items():
            assert call[key.lower()] == value
    for page in pages[1:]:
        query = parse_qs(urlsplit(page["uri"]).query)
        assert all(query[key] == [value] for key, value in params.items())


def test_unencoded_plus_in_a_to_filter(plist: Api) -> None:
    raw = plist.http.get(plist.calls_path() + "?To=+12025550101&PageSize=1000").json()
    assert raw["calls"] and all(call["to"] == BUSY_NUMBER for call in raw["calls"])


def test_time_filters(plist: Api) -> None:
    first = plist.http.get(plist.calls_path(), params={"PageSize": 1000}).json()["calls"]
    start = first[-1]["start_time"]
    day = "2000-01-01"
    assert plist.http.get(plist.calls_path(), params={"StartTime>": day, "PageSize": 1000}).json()["calls"]
    assert plist.http.get(plist.calls_path(), params={"StartTime<": day}).json()["calls"] == []
    assert plist.http.get(plist.calls_path(), params={"EndTime": day}).json()["calls"] == []
    assert plist.http.get(plist.calls_path(), params={"StartTime>": start, "PageSize": 1000}).json()["calls"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"PageSize": "0"}, 54454),
        ({"PageSize": "1001"}, 54454),
        ({"PageSize": "ten"}, 54454),
        ({"Page": "-1"}, 10000),
        ({"Page": "x"}, 10000),
        ({"Page": "1"}, 54453),
        ({"Page": "1", "PageToken": "PAnot-a-sid"}, 21481),
        ({"PageToken": "garbage"}, 21481),
        ({"Status": "active"}, 10000),
        ({"StartTime": "yesterday"}, 10000),
        ({"EndTime>": "2024-02-30"}, 10000),
    ],
)
def test_bad_list_parameters_answer_400(plist: Api, params: dict[str, str], code: int) -> None:
    response = plist.http.get(plist.calls_path(), params=params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code and body["status"] == 400


def test_a_token_of_another_account_is_invalid(
    plist: Api, populated: tuple[ReferenceEndpoint, list[str]]
) -> None:
    endpoint = populated[0]
    other = endpoint.other_account
    response = plist.http.get(
        f"/api/laml/2010-04-01/Accounts/{other.sid}/Calls.json",
        params={"Page": 1, "PageToken": "PA" + populated[1][0]},
        auth=(other.sid, other.auth_token),
    )
    assert response.status_code == 400 and response.json()["code"] == 21481
