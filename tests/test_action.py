"""action.yml, the composite GitHub Action, checked by its structure (GitHub is not reachable from here).

Every input it uses is declared and every declared input is used; its steps are well formed; each of the suite's
settings has an input passed as its CALLS_ variable, secrets only through the environment; the reports are
uploaded even when the run fails; and the run step, executed by bash with a stand-in `calls-conformance`, passes
the extra arguments and ends with the suite's own exit status, which it also gives as an output.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from conformance.core.settings import SETTINGS
from tests.conftest import ROOT, clean_environ

ACTION: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text())
STEPS: list[dict[str, Any]] = ACTION["runs"]["steps"]
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}")
SECRETS = ("auth-token", "signing-key")


def _expressions(node: Any) -> list[str]:
    if isinstance(node, dict):
        return [e for value in node.values() for e in _expressions(value)]
    if isinstance(node, list):
        return [e for value in node for e in _expressions(value)]
    return [m.strip() for m in EXPRESSION.findall(node)] if isinstance(node, str) else []


def _step(step_id: str) -> dict[str, Any]:
    return next(s for s in STEPS if s.get("id") == step_id)


def test_the_action_is_a_composite_with_described_inputs() -> None:
    assert ACTION["name"] and ACTION["description"]
    assert ACTION["runs"]["using"] == "composite"
    for name, spec in ACTION["inputs"].items():
        assert re.fullmatch(r"[a-z][a-z0-9-]*", name), name
        assert spec["description"] and "default" in spec and spec.get("required") is False, name


def test_every_input_used_is_declared_and_every_declared_input_is_used() -> None:
    used = {m.group(1) for e in _expressions(ACTION) for m in re.finditer(r"\binputs\.([a-z0-9-]+)", e)}
    assert used == set(ACTION["inputs"])


def test_the_steps_are_well_formed() -> None:
    ids = [s["id"] for s in STEPS if "id" in s]
    assert len(ids) == len(set(ids))
    for step in STEPS:
        assert step.get("name"), step
        assert ("uses" in step) != ("run" in step), step
        if "run" in step:
            assert step["shell"] == "bash", step
        else:
            assert re.fullmatch(r"[\w-]+/[\w-]+@v\d+", step["uses"]), step
    referenced = {m for e in _expressions(ACTION) for m in re.findall(r"\bsteps\.([\w-]+)\.outputs", e)}
    assert referenced <= set(ids)
    for output in ACTION["outputs"].values():
        assert output["description"] and EXPRESSION.fullmatch(output["value"])


def test_every_setting_has_an_input_passed_as_its_variable() -> None:
    env = _step("run")["env"]
    for setting in SETTINGS:
        name = setting.option.removeprefix("--calls-")
        assert env.get(setting.env) == f"${{{{ inputs.{name} }}}}", setting.env


def test_secrets_reach_the_suite_only_through_the_environment() -> None:
    for step in STEPS:
        for field in ("run", "with"):
            text = str(step.get(field, ""))
            assert not any(f"inputs.{secret}" in text for secret in SECRETS), step["name"]


def test_the_reports_are_uploaded_even_when_the_run_fails() -> None:
    upload = next(s for s in STEPS if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert STEPS.index(upload) > STEPS.index(_step("run"))
    assert upload["if"] == "always()"
    assert upload["with"]["path"] == "${{ inputs.report-dir }}"
    assert _step("run")["env"]["CALLS_REPORT_DIR"] == "${{ inputs.report-dir }}"


@pytest.mark.parametrize("status", [0, 1, 2])
def test_the_run_step_ends_with_the_suite_s_exit_status(tmp_path: Path, status: int) -> None:
    """The step's script, run by bash as the runner would, with a stand-in command on PATH."""
    stand_in = tmp_path / "bin" / "calls-conformance"
    stand_in.parent.mkdir()
    stand_in.write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > "{tmp_path}/args"\nexit {status}\n')
    stand_in.chmod(0o755)
    output = tmp_path / "output"
    (tmp_path / "CB-x").touch()  # a glob of the arguments would match it
    env = clean_environ({"GITHUB_OUTPUT": str(output), "PYTEST_ARGS": "--calls-only CB-* -x"})
    env["PATH"] = f"{stand_in.parent}{os.pathsep}{env['PATH']}"
    script = _step("run")["run"]
    process = subprocess.run(["bash", "-e", "-c", script], cwd=tmp_path, env=env, timeout=30, check=False)
    assert process.returncode == status
    assert output.read_text() == f"exit-status={status}\n"
    assert (tmp_path / "args").read_text().split() == ["--calls-only", "CB-*", "-x"]
