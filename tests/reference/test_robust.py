"""Bad input never gets a 5xx: random paths, methods, query strings, bodies and content types."""

from __future__ import annotations

import json
from urllib.parse import quote

import httpx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conformance.reference import ReferenceEndpoint

from .conftest import Api

PARAM_NAMES = [
    "To", "From", "Url", "Method", "FallbackUrl", "StatusCallback", "StatusCallbackEvent", "StatusCallbackMethod",
    "Timeout", "Record", "SendDigits", "MachineDetection", "MachineDetectionTimeout", "RecordingChannels",
    "RecordingStatusCallbackEvent", "MaxPricePerMinute", "ApplicationSid", "Status", "Page", "PageSize",
    "PageToken", "StartTime<", "EndTime>", "ParentCallSid", "Trim",
]  # fmt: skip
TEXT = st.characters(blacklist_categories=("Cs",))  # lone surrogates cannot be encoded by any client
VALUES = st.one_of(
    st.text(TEXT, max_size=40),
    st.sampled_from(
        [
            "+12025550100",
            "+12025550199",
            "http://127.0.0.1:9/x",
            "GET",
            "POST",
            "true",
            "completed",
            "canceled",
            "0",
            "-1",
            "1e9",
            "PA",
            "PAx",
        ]
    ),
    st.integers(-(10**12), 10**12).map(str),
)
PAIRS = st.lists(st.tuples(st.sampled_from(PARAM_NAMES) | st.text(TEXT, max_size=10), VALUES), max_size=8)
CONTENT_TYPES = st.sampled_from(
    [
        "application/x-www-form-urlencoded",
        "application/json",
        "text/plain",
        "multipart/form-data; boundary=zz",
        "application/xml",
        "",
        "application/x-www-form-urlencoded; charset=latin-1",
    ]
)
BODIES = st.one_of(
    PAIRS.map(lambda pairs: str(httpx.QueryParams(pairs)).encode()),
    st.binary(max_size=300),
    st.dictionaries(
        st.sampled_from(PARAM_NAMES),
        st.one_of(VALUES, st.lists(VALUES, max_size=3), st.booleans(), st.none(), st.floats()),
    ).map(
        lambda data: json.dumps(data).encode()  # NaN and Infinity included, as sloppy clients send them
    ),
    st.sampled_from([b"{", b"[]", b'{"To": {"a": 1}}', b"%", b"a=%ff%fe", b"&&&==&", b"\x00\x01"]),
)


def _paths(account: str, other: str, sid: str) -> st.SearchStrategy[str]:
    prefixes = st.sampled_from(["/api/laml/2010-04-01", "/2010-04-01", "", "/api/laml"])
    accounts = st.sampled_from([account, other, "x", ""]) | st.text(
        st.characters(blacklist_characters="/?#", blacklist_categories=("Cs",)), max_size=12
    )
    sids = st.sampled_from([None, sid, "nope", "..", ".json"]) | st.text(
        st.characters(blacklist_characters="/?#", blacklist_categories=("Cs",)), min_size=1, max_size=12
    )
    suffixes = st.sampled_from(["", ".json", ".xml", "/", "/Recordings.json"])

    def build(prefix: str, acct: str, call: str | None, suffix: str) -> str:
        acct, call = quote(acct, safe=""), quote(call, safe=".") if call else call
        path = f"{prefix}/Accounts/{acct}/Calls"
        return (path + (f"/{call}" if call else "") + suffix).replace("//", "/")

    return st.builds(build, prefixes, accounts, sids, suffixes)


def test_no_5xx_for_any_request(endpoint: ReferenceEndpoint, api: Api) -> None:
    sid = api.create_call()["sid"]
    client = httpx.Client(base_url=endpoint.origin, timeout=10, trust_env=False)
    good = (endpoint.account_sid, endpoint.auth_token)

    @settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(
        method=st.sampled_from(["GET", "POST", "DELETE", "PUT", "PATCH", "HEAD"]),
        path=_paths(endpoint.account_sid, endpoint.other_account.sid, sid),
        query=PAIRS,
        body=BODIES,
        content_type=CONTENT_TYPES,
        authenticated=st.booleans() | st.just(True),
    )
    def probe(
        method: str,
        path: str,
        query: list[tuple[str, str]],
        body: bytes,
        content_type: str,
        authenticated: bool,
    ) -> None:
        headers = {"Content-Type": content_type} if content_type else {}
        response = client.request(
            method,
            path,
            params=query,
            content=body if method in ("POST", "PUT", "PATCH") else None,
            headers=headers,
            auth=good if authenticated else None,
        )
        assert response.status_code < 500, (method, path, query, body, response.text)
        if response.status_code >= 400 and method != "HEAD":
            assert response.headers["content-type"] == "application/json", (
                method,
                path,
                query,
                response.status_code,
                response.text,
            )
            payload = response.json()
            if "errors" in payload:
                assert all(int(item["code"]) > 0 and item["message"] for item in payload["errors"])
            else:
                assert payload["status"] == response.status_code and isinstance(payload["code"], int)

    try:
        probe()
    finally:
        client.close()
    api.update(sid, Status="completed")
