"""spec-tools/ without the tools: the spec's inherent refusals, the Schemathesis report judge, the Prism log reader.

`nox -s spec-tools` runs Schemathesis and Prism themselves (npm, about half a minute); these tests hold the
pieces that decide its verdict, on synthetic reports and logs.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import sys
import tomllib
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from conformance.core.spec import PROFILES, load_spec

TOOLS = Path(__file__).resolve().parents[1] / "spec-tools"


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"spec_tools_{name}", TOOLS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


st_findings = _load("st_findings")
prism_watch = _load("prism_watch")


def _operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        op["operationId"]: op
        for item in document["components"]["pathItems"].values()
        for method, op in item.items()
        if method in ("get", "post", "delete")
    }


# ---------------------------------------------------------------- the spec's x-inherent-refusals


@pytest.mark.parametrize("profile", PROFILES)
def test_inherent_refusals_are_documented_statuses_and_described(profile: str) -> None:
    document = load_spec(profile)
    operations = _operations(document)
    listed = {name: op.get(st_findings.EXTENSION, []) for name, op in operations.items()}
    assert {name for name, entries in listed.items() if entries} == {
        "listCalls",
        "createCall",
        "updateCall",
        "deleteCall",
    }
    for name, entries in listed.items():
        responses = operations[name]["responses"]
        for entry in entries:
            assert entry["codes"] and entry["statuses"] and len(entry["reason"]) > 40
            assert {str(status) for status in entry["statuses"]} <= set(responses)
            description = responses["400"]["description"]  # the operation's own, beside the shared $ref
            assert all(str(code) in description for code in entry["codes"]), (name, entry["codes"])


def test_the_stateful_refusals_of_the_brief_are_listed() -> None:
    refusals = st_findings.inherent_refusals(load_spec("signalwire"))
    delete = refusals["DELETE /Accounts/{AccountSid}/Calls/{Sid}"]
    update = refusals["POST /Accounts/{AccountSid}/Calls/{Sid}"]
    assert any(r.covers(400, "20009") for r in delete)
    assert any(r.covers(400, "21220") for r in update) and any(r.covers(422, "10000") for r in update)
    assert not refusals["GET /Accounts/{AccountSid}/Calls/{Sid}"]
    assert not any(r.covers(400, "21205") for r in refusals["POST /Accounts/{AccountSid}/Calls"])


def test_the_schemathesis_config_pins_what_the_brief_asks() -> None:
    config = tomllib.loads((TOOLS / "schemathesis.toml").read_text(encoding="utf-8"))
    assert config["base-url"] == "${CALLS_BASE_URL}" and config["seed"] == 7
    assert config["generation"] == {"max-examples": 30, "database": "none"}
    assert config["parameters"] == {"path.AccountSid": "${CALLS_ACCOUNT_SID}"}
    assert config["auth"]["basic"] == {"username": "${CALLS_ACCOUNT_SID}", "password": "${CALLS_AUTH_TOKEN}"}
    assert {"missing_auth", "base_url_mismatch"} <= set(config["warnings"]["fail-on"])
    assert "checks" not in config and "phases" not in config  # default checks, every phase


# ---------------------------------------------------------------- the Schemathesis report judge


def _case(
    case_id: str,
    method: str,
    path: str,
    status: int,
    body: dict[str, Any],
    checks: dict[str, str],
    message: str = "",
) -> dict[str, Any]:
    content = {"$base64": base64.b64encode(json.dumps(body).encode()).decode()}
    return {
        "cases": {case_id: {"value": {"method": method, "path": path}}},
        "checks": {
            case_id: [
                {
                    "name": name,
                    "status": outcome,
                    **(
                        {"failure_info": {"failure": {"title": name, "message": message}}}
                        if outcome != "success"
                        else {}
                    ),
                }
                for name, outcome in checks.items()
            ]
        },
        "interactions": {
            case_id: {
                "request": {"method": method, "uri": f"http://127.0.0.1:1{path}"},
                "response": {"status_code": status, "content": content},
            }
        },
    }


def _report(tmp_path: Path, *recorders: dict[str, Any]) -> Path:
    path = tmp_path / "report.ndjson"
    lines = [{"Initialize": {"seed": 7}}, *({"ScenarioFinished": {"recorder": r}} for r in recorders)]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    return path


DELETE = "/Accounts/{AccountSid}/Calls/{Sid}"
LIST = "/Accounts/{AccountSid}/Calls"


def test_findings_listed_in_the_spec_are_expected_and_others_are_not(tmp_path: Path) -> None:
    report = _report(
        tmp_path,
        _case(
            "a",
            "DELETE",
            DELETE,
            400,
            {"code": 20009, "message": "not ended"},
            {"positive_data_acceptance": "failure"},
        ),
        _case(
            "b",
            "POST",
            LIST,
            400,
            {"errors": [{"code": "21205", "message": "no Url"}]},
            {"positive_data_acceptance": "failure"},
        ),
        _case(
            "c",
            "POST",
            LIST,
            200,
            {"sid": "x"},
            {"negative_data_rejection": "failure"},
            "Invalid data\nExpected: 4xx\nInvalid component: in body - maxPricePerMinute",
        ),
        _case("d", "GET", LIST, 200, {"calls": []}, {"response_schema_conformance": "success"}),
    )
    verdict = st_findings.judge(
        *st_findings.read_report(report), st_findings.inherent_refusals(load_spec("signalwire"))
    )
    assert [f.code for f in verdict.expected] == ["20009"]
    assert [(f.check, f.code) for f in verdict.unexpected] == [
        ("positive_data_acceptance", "21205"),
        ("negative_data_rejection", None),
    ]
    assert not verdict.passed and not verdict.vacuous
    text = "\n".join(verdict.lines())
    assert "1 x DELETE /Accounts/{AccountSid}/Calls/{Sid}: 400 code 20009" in text
    assert "Invalid component: in body - maxPricePerMinute" in text


def test_an_expected_code_on_another_check_or_operation_is_unexpected(tmp_path: Path) -> None:
    report = _report(
        tmp_path,
        _case(
            "a", "GET", DELETE, 400, {"code": 20009, "message": "?"}, {"positive_data_acceptance": "failure"}
        ),
        _case(
            "b",
            "DELETE",
            DELETE,
            400,
            {"code": 20009, "message": "?"},
            {"status_code_conformance": "failure"},
        ),
        _case(
            "c",
            "DELETE",
            DELETE,
            500,
            {"code": 20009, "message": "?"},
            {"positive_data_acceptance": "failure"},
        ),
    )
    verdict = st_findings.judge(
        *st_findings.read_report(report), st_findings.inherent_refusals(load_spec("signalwire"))
    )
    assert not verdict.expected and len(verdict.unexpected) == 3


def test_a_run_that_never_got_past_authentication_is_vacuous(tmp_path: Path) -> None:
    report = _report(
        tmp_path,
        *(
            _case(
                str(i),
                "GET",
                LIST,
                401,
                {"code": 20003, "message": "auth"},
                {"not_a_server_error": "success"},
            )
            for i in range(3)
        ),
    )
    verdict = st_findings.judge(*st_findings.read_report(report), {})
    assert not verdict.passed
    assert any("401/403" in problem for problem in verdict.vacuous)
    assert any("2xx" in problem for problem in verdict.vacuous)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b'{"code": 20009}', "20009"),
        (b'{"errors": [{"code": "21205"}]}', "21205"),
        (b"not json", None),
        (b'{"code": true}', None),
        (b"[1]", None),
    ],
)
def test_error_code_reads_both_shapes(body: bytes, code: str | None) -> None:
    assert st_findings.error_code(body) == code


# ---------------------------------------------------------------- Prism: the document and the log


def test_prism_document_adds_the_base_path_and_the_json_forms() -> None:
    document = load_spec("signalwire")
    copy = prism_watch.prism_document(document, "/api/laml/2010-04-01/")
    assert set(copy["paths"]) == {
        "/api/laml/2010-04-01/Accounts/{AccountSid}/Calls",
        "/api/laml/2010-04-01/Accounts/{AccountSid}/Calls.json",
        "/api/laml/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}",
        "/api/laml/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json",
    }
    ids = [
        op["operationId"]
        for item in copy["paths"].values()
        for op in prism_watch._resolved(copy, item).values()
        if isinstance(op, dict) and "operationId" in op
    ]
    assert len(ids) == len(set(ids)) == 10
    assert set(document["paths"]) == {"/Accounts/{AccountSid}/Calls", "/Accounts/{AccountSid}/Calls/{Sid}"}


def test_prism_document_keeps_json_only_profiles_as_they_are() -> None:
    copy = prism_watch.prism_document(load_spec("twilio"), "/2010-04-01")
    assert set(copy["paths"]) == {
        "/2010-04-01/Accounts/{AccountSid}/Calls.json",
        "/2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json",
    }


PRISM_LOG = """\
[4:01:02 PM] \x1b[90m\u203a\x1b[39m [HTTP SERVER] get /api/x/Calls \x1b[34m\u2139\x1b[39m  info      Request received
[4:01:02 PM] \u203a     [PROXY] \u2139  info      > Forwarding "get" request to http://127.0.0.1:5/api/x/Calls?PageSize=0...
[4:01:02 PM] \u203a     [PROXY] \u2139  info      The upstream call to /api/x/Calls has returned 400
[4:01:02 PM] \u203a     [PROXY] \u2139  info      < Received forward response
[4:01:02 PM] \u203a     [VALIDATOR] \x1b[31m\u2716\x1b[39m  error     Violation: request.query.pagesize Request query parameter pagesize must be >= 1
[4:01:02 PM] \u203a     [PROXY] \u2139  info      The upstream call to /api/x/Calls has returned 200
[4:01:02 PM] \u203a     [PROXY] \u2139  info      < Received forward response
[4:01:02 PM] \u203a     [VALIDATOR] \u2716  error     Violation: request.body.Timeout Request body property Timeout must be <= 600
[4:01:02 PM] \u203a     [PROXY] \u2139  info      The upstream call to /api/x/Calls/1 has returned 200
[4:01:02 PM] \u203a     [VALIDATOR] \u2716  error     Violation: response.body.duration Response body property duration must be integer
"""


def test_prism_log_violations_are_judged_by_the_answer_they_came_with() -> None:
    violations, forwarded = prism_watch.read_violations(PRISM_LOG.splitlines())
    assert forwarded == 3
    assert [(v.location, v.where, v.status) for v in violations] == [
        ("request", ".query.pagesize", 400),
        ("request", ".body.Timeout", 200),
        ("response", ".body.duration", 200),
    ]
    verdict = prism_watch.judge_violations(violations, forwarded)
    assert [v.where for v in verdict.agreed] == [".query.pagesize"]
    assert [v.where for v in verdict.disagreements] == [".body.Timeout", ".body.duration"]
    assert not verdict.passed


def test_a_prism_run_that_forwarded_nothing_fails() -> None:
    verdict = prism_watch.judge_violations([], 0)
    assert not verdict.passed and "forwarded no request" in "\n".join(verdict.lines())
