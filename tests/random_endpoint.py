"""A mock Calls endpoint that answers every request with a random documented status of its operation and the
spec's example body for that status (seeded): whatever it answers, the suite must judge, never error.

It authenticates like a real endpoint would for the run's credentials (they never get 401 or 403, so the run
starts); every other answer is drawn from what the spec documents for the operation.
"""

from __future__ import annotations

import base64
import random
import threading
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from conformance.core.spec import load_spec

__all__ = ["ACCOUNT", "TOKEN", "random_endpoint"]

ACCOUNT = "6f1d2c3b-4a59-4e68-9d7c-8b1a2f3e4d5c"
TOKEN = "random-endpoint-token-8e2f"
_PREFIX = "/api/laml/2010-04-01/Accounts/{account}/Calls"


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        target: Any = spec
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def _example(spec: dict[str, Any], response: dict[str, Any]) -> Any:
    """The first example the spec gives for a response's JSON body (None: no body)."""
    content = _resolve(spec, response).get("content", {}).get("application/json")
    if content is None:
        return None
    if "example" in content:
        return content["example"]
    schema = _resolve(spec, content.get("schema", {}))
    while "examples" not in schema and schema.get("anyOf"):
        schema = _resolve(spec, schema["anyOf"][0])
    return schema.get("examples", [{}])[0]


def _documented(spec: dict[str, Any]) -> dict[str, list[tuple[int, Any]]]:
    """operationId -> [(status, example body)] for every documented status."""
    found: dict[str, list[tuple[int, Any]]] = {}
    for item in spec["paths"].values():
        for method, operation in _resolve(spec, item).items():
            if method in ("get", "post", "delete"):
                found[operation["operationId"]] = [
                    (int(status), _example(spec, answer))
                    for status, answer in operation["responses"].items()
                    if status.isdigit()
                ]
    return found


def random_endpoint(seed: int = 8) -> Starlette:
    """The app; draws come from one seeded random source."""
    documented = _documented(load_spec("signalwire"))
    draws = random.Random(seed)
    lock = threading.Lock()
    expected = "Basic " + base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()

    async def answer(request: Request) -> Response:
        await request.body()
        sid = request.path_params.get("sid")
        operation = {
            ("GET", False): "listCalls",
            ("POST", False): "createCall",
            ("GET", True): "fetchCall",
            ("POST", True): "updateCall",
            ("DELETE", True): "deleteCall",
        }.get((request.method, sid is not None), "listCalls")
        trusted = request.headers.get("authorization") == expected
        choices = [c for c in documented[operation] if not (trusted and c[0] in (401, 403))]
        with lock:
            status, body = draws.choice(choices)
        if body is None:
            return Response(status_code=status)
        return JSONResponse(body, status_code=status)

    calls = _PREFIX.format(account="{account}")
    methods = ["GET", "POST", "DELETE"]
    # One call's path first: "{sid}" takes a `.json` suffix along; the list's path takes one or none.
    routes = [
        Route(calls + "/{sid}", answer, methods=methods),
        Route(calls + "{suffix:path}", answer, methods=methods),
    ]
    return Starlette(routes=routes)
