"""The package works wherever it is installed, and stays out of the way of other pytest sessions.

The wheel is built from the checkout and installed into a fresh venv, offline: the wheel itself with no index,
its dependencies seen through a `.pth` line naming the site-packages of the interpreter running these tests
(installed already; their `.pth` files, this checkout's editable finder among them, are not read from there).
`calls-conformance` then runs from a temporary directory, far from the checkout, and an unrelated test file
passes with the plugin loaded, which imports none of the suite's heavy modules in such a session.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, clean_environ

# What the plugin may not import in a session that collects no suite test (each root and all below it).
HEAVY = (
    "conformance.run.run", "conformance.core.catalog", "conformance.core.spec", "conformance.reference", "conformance.suite",
    "conformance.harness.client", "hypothesis.strategies", "starlette", "uvicorn", "vcr", "httpx", "jsonschema", "yaml",
    "phonenumbers",
)  # fmt: skip
# An unrelated test: it writes the names of the modules its session imported to the file MODULES names.
TINY = """
import os, sys

def test_tiny():
    with open(os.environ["MODULES"], "w") as out:
        out.write("\\n".join(sorted(sys.modules)))
    assert 1 + 1 == 2
"""


def _run(
    command: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env or clean_environ(), capture_output=True, text=True, timeout=300, check=False
    )


def _heavy(modules: set[str]) -> set[str]:
    return {m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)}


def test_every_package_folder_is_listed() -> None:
    declared = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    folders = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "conformance").rglob("__init__.py")
    }
    assert declared == folders | {"conformance._spec"}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel built from the checkout; returns its bin/ folder."""
    tmp = tmp_path_factory.mktemp("install")
    build = _run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-index", "--no-deps", "--no-build-isolation",
         "-w", str(tmp / "dist"), str(ROOT)],
        cwd=tmp,
    )  # fmt: skip
    assert build.returncode == 0, build.stderr
    (wheel,) = (tmp / "dist").glob("calls_conformance-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert {"conformance/_spec/calls.yaml", "conformance/_spec/requirements.yaml"} <= names
    assert "conformance/_spec/profiles/twilio.yaml" in names
    venv = tmp / "venv"
    assert _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=tmp).returncode == 0
    python = venv / "bin" / "python"
    install = _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-index", "--no-deps",
         str(wheel)],
        cwd=tmp,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], cwd=tmp)
    Path(site.stdout.strip(), "_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return venv / "bin"


def test_the_installed_package_runs_the_suite_from_anywhere(installed: Path, tmp_path: Path) -> None:
    where = _run(
        [str(installed / "python"), "-c", "import conformance; print(conformance.__file__)"], tmp_path
    )
    assert where.stdout.startswith(str(installed.parent)), where.stdout + where.stderr
    run = _run([str(installed / "calls-conformance")], cwd=tmp_path)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert run.stdout.rstrip().splitlines()[-1].startswith("calls-conformance verdict: CONFORMANT")
    assert (tmp_path / "reports" / "conformance.json").is_file()
    assert (tmp_path / "reports" / "report.html").is_file()


def test_the_reference_endpoint_runs_from_the_installed_package(installed: Path, tmp_path: Path) -> None:
    shown = _run([str(installed / "python"), "-m", "conformance.reference", "--help"], cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "--port" in shown.stdout


def _tiny_session(
    python: Path, tmp_path: Path, *args: str
) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    (tmp_path / "test_tiny.py").write_text(TINY)
    modules = tmp_path / f"modules{len(args)}.txt"
    env = clean_environ({"MODULES": str(modules)})
    env.pop("PYTEST_ADDOPTS", None)
    command = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *args, "test_tiny.py"]
    run = _run(command, cwd=tmp_path, env=env)
    return run, set(modules.read_text().split()) if modules.exists() else set()


def _added_by_plugin(python: Path, tmp_path: Path) -> set[str]:
    """The modules a session of the unrelated test imports with the plugin and not without it."""
    run, loaded = _tiny_session(python, tmp_path)
    assert run.returncode == 0 and "1 passed" in run.stdout, run.stdout + run.stderr
    assert "conformance.pytest.plugin" in loaded  # the plugin is loaded: it is inert, not absent
    without, bare = _tiny_session(python, tmp_path, "-p", "no:calls_conformance")
    assert without.returncode == 0, without.stdout + without.stderr
    assert "conformance.pytest.plugin" not in bare
    return loaded - bare


def test_an_unrelated_test_file_passes_and_the_plugin_imports_nothing_heavy(
    installed: Path, tmp_path: Path
) -> None:
    """Other plugins (Schemathesis's, Hypothesis's) import what they import; the suite's adds only a few of its
    own light modules: the settings' table and what it names."""
    added = _added_by_plugin(installed / "python", tmp_path)
    assert {m.split(".")[0] for m in added} == {"conformance"}
    assert _heavy(added) == set()


def test_the_checkout_s_own_interpreter_loads_the_plugin_inertly_too(tmp_path: Path) -> None:
    added = _added_by_plugin(Path(sys.executable), tmp_path)
    assert {m.split(".")[0] for m in added} == {"conformance"}
    assert _heavy(added) == set()
