"""The fault registry's shape: one table, one mechanism a row, a Behaviour whose defaults are the contract."""

from __future__ import annotations

import ast
import asyncio
import dataclasses
import re
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from conformance.reference import FAULTS, PROFILES, ReferenceConfig, ReferenceEndpoint, create_app
from conformance.reference.faults import Behaviour, FaultSet, OutputFaults
from conformance.reference.faults.behaviour import changed_fields
from conformance.reference.faults.middleware import (
    OutputHook,
    content_type_html,
    create_201,
    fetch_203,
    plain_text_404,
)

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "conformance" / "reference"
CATALOG = ROOT / "spec" / "requirements.yaml"
BEHAVIOURAL = sorted(name for name, fault in FAULTS.items() if fault.behaviour is not None)
OUTPUT = sorted(name for name, fault in FAULTS.items() if fault.on_output is not None)


def _behaviour_of(name: str) -> Behaviour:
    behaviour = FAULTS[name].behaviour
    assert behaviour is not None
    return behaviour


def test_registry_entries_are_well_formed() -> None:
    for name, fault in FAULTS.items():
        assert fault.name == name and re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", name)
        assert fault.breaks and all(re.fullmatch(r"[A-Z0-9]+(-[A-Z0-9]+)+", rid) for rid in fault.breaks)
        assert fault.description.strip()
        assert len(fault.mechanisms) == 1, (name, fault.mechanisms)


@pytest.mark.skipif(not CATALOG.exists(), reason="the requirement catalog is not in this checkout")
def test_every_broken_requirement_is_in_the_catalog() -> None:
    catalog = set(re.findall(r"^\s*-\s*id:\s*([A-Z0-9-]+)\s*$", CATALOG.read_text(), flags=re.MULTILINE))
    missing = {rid for fault in FAULTS.values() for rid in fault.breaks} - catalog
    assert not missing


def test_unknown_fault_names_are_rejected_with_the_valid_ones() -> None:
    with pytest.raises(ValueError, match=r"valid names: .*call-alias-to"):
        ReferenceEndpoint(faults=["call-alias-to", "nope"])


def test_the_correct_endpoint_is_the_default_behaviour_with_no_rewrites() -> None:
    clean = FaultSet()
    assert clean.behaviour == Behaviour()
    assert clean.outputs == ()
    assert not [layer for layer in create_app().user_middleware if layer.cls is OutputFaults]


def test_a_profile_changes_only_its_decisions_and_every_fault_names_its_profiles() -> None:
    twilio = FaultSet(profile=PROFILES["twilio"]).behaviour
    assert changed_fields(twilio) == {"cancel_in_progress": "ignore"} == dict(PROFILES["twilio"].decisions)
    assert changed_fields(FaultSet(profile=PROFILES["signalwire"]).behaviour) == {}
    assert all(fault.profiles and set(fault.profiles) <= set(PROFILES) for fault in FAULTS.values())
    with pytest.raises(ValueError, match="create-200 applies to twilio"):
        FaultSet(["create-200"])


@pytest.mark.parametrize("name", BEHAVIOURAL)
def test_a_behavioural_fault_changes_only_its_own_fields(name: str) -> None:
    own = changed_fields(_behaviour_of(name))
    assert own, f"{name}: its Behaviour is the correct one"
    for profile in FAULTS[name].profiles:
        correct = changed_fields(FaultSet(profile=PROFILES[profile]).behaviour)
        assert changed_fields(FaultSet([name], PROFILES[profile]).behaviour) == {**correct, **own}


def test_no_two_faults_change_the_same_field_and_every_field_has_a_fault() -> None:
    changed = [field for name in BEHAVIOURAL for field in changed_fields(_behaviour_of(name))]
    assert len(changed) == len(set(changed))
    assert set(changed) == {field.name for field in dataclasses.fields(Behaviour)}


def test_faults_switched_on_together_merge_their_behaviour() -> None:
    merged = FaultSet(["unknown-sid-400", "list-oldest-first", "call-alias-to"]).behaviour
    assert changed_fields(merged) == {"unknown_sid_status": 400, "list_order": "oldest-first"}


def test_status_update_decisions_read_their_fields() -> None:
    correct = Behaviour()
    decisions = {
        (status, answered): correct.status_update(status, answered=answered)
        for status in ("canceled", "completed")
        for answered in (False, True)
    }
    assert decisions == {
        ("canceled", False): "end",
        ("canceled", True): "refuse",
        ("completed", False): "end",
        ("completed", True): "end",
    }
    assert Behaviour(cancel_in_progress="end").status_update("canceled", answered=True) == "end"
    assert Behaviour(complete_unanswered="ignore").status_update("completed", answered=False) == "ignore"


@pytest.mark.parametrize("name", OUTPUT)
def test_an_output_fault_wraps_the_app_only_when_on(name: str) -> None:
    app = create_app(ReferenceConfig(PROFILES[FAULTS[name].profiles[0]], faults=frozenset({name})))
    layers = [layer for layer in app.user_middleware if layer.cls is OutputFaults]
    assert len(layers) == 1 and layers[0].kwargs["hooks"] == (FAULTS[name].on_output,)


def _toy(hooks: tuple[OutputHook, ...], *paths: str) -> list[httpx.Response]:
    """GET ``paths`` from a two-route app behind ``OutputFaults``: a fetch-like JSON path and a JSON 404."""

    async def fetched(request: Request) -> Response:
        return JSONResponse({"sid": "x"})

    async def missing(request: Request) -> Response:
        return JSONResponse({"status": 404}, status_code=404, headers={"X-Kept": "yes"})

    routes = [Route("/2010-04-01/Accounts/{a}/Calls/{s}", fetched), Route("/nowhere", missing)]
    transport = httpx.ASGITransport(app=OutputFaults(Starlette(routes=routes), hooks))

    async def get() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=transport, base_url="http://toy") as client:
            return [await client.get(path) for path in paths]

    return asyncio.run(get())


def test_output_rewrites_change_status_type_and_body_and_keep_the_rest() -> None:
    hooks = (plain_text_404, content_type_html, fetch_203, create_201)
    fetch, gone = _toy(hooks, "/2010-04-01/Accounts/a/Calls/s.json", "/nowhere")
    assert (fetch.status_code, fetch.json()) == (203, {"sid": "x"})
    assert fetch.headers["content-type"] == "text/html; charset=utf-8"
    assert fetch.headers["content-length"] == str(len(fetch.content))
    assert (gone.status_code, gone.text) == (404, "Not Found")
    assert gone.headers["content-type"] == "text/plain; charset=utf-8"
    assert gone.headers["content-length"] == "9" and gone.headers["x-kept"] == "yes"


def test_without_hooks_the_middleware_passes_answers_through() -> None:
    (fetch,) = _toy((), "/2010-04-01/Accounts/a/Calls/s")
    assert (fetch.status_code, fetch.headers["content-type"]) == (200, "application/json")


def test_other_scopes_pass_the_middleware_untouched() -> None:
    seen: list[Scope] = []

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        seen.append(scope)

    async def nothing() -> Message:
        return {}

    async def ignore(message: Message) -> None:
        return None

    scope: Scope = {"type": "lifespan"}
    asyncio.run(OutputFaults(app, (plain_text_404,))(scope, nothing, ignore))
    assert seen == [scope]


def _code_strings(path: Path) -> set[str]:
    """String constants of a module's code (docstrings left out)."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    }


def test_no_fault_name_is_tested_outside_the_fault_modules() -> None:
    for path in sorted(PACKAGE.rglob("*.py")):
        if "faults" in path.relative_to(PACKAGE).parts:
            continue
        text = path.read_text()
        assert not re.search(r"\bin (self\.)?(state\.)?faults\b", text), path
        assert not _code_strings(path) & set(FAULTS), path
