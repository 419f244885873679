"""Many concurrent creates and updates never lose or corrupt a call."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx

from conformance.reference import HOLD_NUMBER, ReferenceEndpoint

from .conftest import Api


def test_200_concurrent_creates(endpoint: ReferenceEndpoint) -> None:
    async def run() -> tuple[list[httpx.Response], dict[str, dict]]:
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(
            base_url=endpoint.base_url,
            auth=(endpoint.account_sid, endpoint.auth_token),
            limits=limits,
            timeout=30,
            trust_env=False,
        ) as client:
            path = f"/Accounts/{endpoint.account_sid}/Calls.json"
            responses = await asyncio.gather(
                *(
                    client.post(
                        path,
                        data={
                            "To": f"+1202555{1000 + index:04d}",
                            "From": endpoint.from_number,
                            "Url": "http://127.0.0.1:9/",
                        },
                    )
                    for index in range(200)
                )
            )
            listed: dict[str, dict] = {}
            page = (await client.get(path, params={"PageSize": 1000})).json()
            listed.update({call["sid"]: call for call in page["calls"]})
            return responses, listed

    responses, listed = asyncio.run(run())
    assert all(response.status_code == 200 for response in responses)
    created = {response.json()["sid"]: response.json() for response in responses}
    assert len(created) == 200
    assert set(created) <= set(listed)
    for sid, call in created.items():
        assert listed[sid]["to"] == call["to"]  # each call kept its own parameters
        assert listed[sid]["account_sid"] == endpoint.account_sid
    assert Counter(call["to"] for call in created.values()) == Counter(
        f"+1202555{1000 + index:04d}" for index in range(200)
    )


def test_concurrent_updates_of_one_call_end_consistently(endpoint: ReferenceEndpoint, api: Api) -> None:
    sid = api.create_call(To=HOLD_NUMBER)["sid"]
    api.wait_status(sid, "in-progress")

    async def run() -> list[httpx.Response]:
        async with httpx.AsyncClient(
            base_url=endpoint.base_url,
            auth=(endpoint.account_sid, endpoint.auth_token),
            timeout=30,
            trust_env=False,
        ) as client:
            path = f"/Accounts/{endpoint.account_sid}/Calls/{sid}.json"
            bodies = [
                {"Status": "completed"},
                {"Status": "canceled"},
                {"Url": "http://127.0.0.1:9/next"},
            ] * 20
            return await asyncio.gather(*(client.post(path, data=body) for body in bodies))

    responses = asyncio.run(run())
    assert all(response.status_code in (200, 400) for response in responses)
    completions = [
        r
        for r in responses
        if r.status_code == 200
        and r.json()["status"] == "completed"
        and r.request.content == b"Status=completed"
    ]
    assert len(completions) == 1  # exactly one completion won; every later update saw an ended call
    call = api.fetch(sid)
    assert call["status"] == "completed" and call["end_time"] is not None
    assert endpoint.state.store.get(api.account, sid).history == [
        "queued",
        "ringing",
        "in-progress",
        "completed",
    ]
