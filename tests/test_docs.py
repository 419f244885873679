"""The documentation stays true: the reference pages generated from the code are current (docs/generate.py), every
page is in the site's navigation, the links of the Markdown files outside the site lead somewhere, and the README
keeps the quickstart, the verdict table and the sessions CI relies on. `nox -s docs` builds the site itself
(`mkdocs build --strict`: broken links and anchors inside docs/)."""

from __future__ import annotations

import ast
import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from conformance.core.verdict import VERDICTS
from tests.conftest import ROOT

DOCS = ROOT / "docs"
# Markdown read on GitHub, outside the MkDocs site (whose links mkdocs build --strict checks).
OUTSIDE_THE_SITE = ("README.md", "CONTRIBUTING.md", "ARCHITECTURE.md", "benchmarks/README.md")
LINK = re.compile(r"\]\(([^)\s]+)\)")


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    """docs/generate.py, imported from its path (docs/ is no package)."""
    spec = importlib.util.spec_from_file_location("docs_generate", DOCS / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_pages_are_current(generator: ModuleType) -> None:
    stale = generator.stale(DOCS)
    assert stale == [], f"stale: {stale}; the code changed: regenerate them with `python docs/generate.py`"


def test_a_stale_or_missing_page_is_named(tmp_path: Path, generator: ModuleType) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs)
    generator.write(docs)  # the copy as the code gives it, whatever the checkout holds
    (docs / "reference" / "faults.md").write_text("# Faults\n\nan older list\n", encoding="utf-8")
    (docs / "reference" / "settings.md").unlink()
    process = subprocess.run(
        [sys.executable, str(DOCS / "generate.py"), "--check", "--docs", str(docs)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert process.returncode == 1
    named = [line.split(" is stale")[0] for line in process.stderr.splitlines() if " is stale" in line]
    assert sorted(named) == sorted(str(docs / "reference" / page) for page in ("faults.md", "settings.md"))
    assert "python docs/generate.py" in process.stderr
    # and regenerating is the one command that fixes them
    generator.write(docs)
    assert generator.stale(docs) == []


def test_every_generated_page_says_how_to_regenerate_it(generator: ModuleType) -> None:
    for path in generator.PAGES:
        assert (DOCS / path).read_text(encoding="utf-8").startswith(generator.BANNER), path


def _nav_pages(node: object) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [page for item in node for page in _nav_pages(item)]
    if isinstance(node, dict):
        return [page for item in node.values() for page in _nav_pages(item)]
    return []


def test_every_page_is_in_the_navigation_and_every_entry_is_a_page() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    nav = _nav_pages(config["nav"])
    pages = sorted(str(path.relative_to(DOCS)) for path in DOCS.rglob("*.md"))
    assert sorted(nav) == pages


@pytest.mark.parametrize("name", OUTSIDE_THE_SITE)
def test_relative_links_outside_the_site_lead_to_files(name: str) -> None:
    document = ROOT / name
    targets = [t for t in LINK.findall(document.read_text(encoding="utf-8")) if "://" not in t]
    targets = [t.split("#")[0] for t in targets if not t.startswith(("#", "mailto:"))]
    assert targets, f"{name} links to nothing in the repository"
    missing = [t for t in targets if not (document.parent / t).exists()]
    assert missing == []


def test_the_readme_keeps_the_quickstart_ci_relies_on() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "python3 -m pip install nox && python3 -m nox -s conformance" in readme
    assert "python3 -m nox -s tests" in readme and "\npython3 -m nox -s tests\n" in ci
    assert "\npython3 -m nox -s docs" in ci


def test_the_readme_s_verdict_table_names_every_verdict_once() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([a-z-]+)` \|.*\| (\d)[^|]*\|$", readme, flags=re.MULTILINE)
    assert [verdict for verdict, _ in rows] == list(VERDICTS)
    assert dict(rows) == {"conformant": "0", "partial": "0", "not-conformant": "1", "not-carried-out": "2"}


def test_the_readme_stays_short() -> None:
    """A first-time reader's page: what it is, the quickstart, the verdicts, where to go next; the rest is in docs/."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150


def _sessions() -> list[str]:
    """The nox sessions noxfile.py defines (its `@nox.session` functions; `name=` where given)."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    names = []
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            if isinstance(decorator, ast.Call) and ast.unparse(decorator.func) == "nox.session":
                named = [k.value.value for k in decorator.keywords if k.arg == "name"]  # type: ignore[attr-defined]
                names.append(named[0] if named else node.name)
    return names


def test_every_nox_session_is_in_the_commands_reference() -> None:
    commands = (DOCS / "reference" / "commands.md").read_text(encoding="utf-8")
    sessions = _sessions()
    assert {"conformance", "tests", "docs"} <= set(sessions)
    assert [name for name in sessions if f"| `{name}" not in commands] == []
