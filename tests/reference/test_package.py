"""The reference endpoint as a program apart: what it imports, how its modules are named, its public surface."""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

import conformance.reference as reference

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "conformance" / "reference"
SUITE = ROOT / "conformance"
SHARED = "conformance.common"
# Module names the suite has or has announced; the reference endpoint's must differ from each.
SUITE_NAMES = frozenset({
    "app", "callbacks", "listing", "outcomes", "responses", "server", "store", "lifecycle", "actions",
    "captures", "catalog", "client", "context", "deck", "drift", "failures", "graph", "machine", "observer",
    "plugin", "redact", "report", "runner", "scenarios", "scrub", "session", "settings", "spec", "verifier",
    "values", "helpers", "run", "handle", "polling", "bodies", "clock", "actors", "ledger", "embedded",
    "seam",
})  # fmt: skip
MODULES = sorted(PACKAGE.rglob("*.py"))
WARN_LINES, MAX_LINES = 400, 500


def _dotted(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported(path: Path) -> set[str]:
    """The absolute names of the modules ``path`` imports (relative imports resolved)."""
    package = _dotted(path) if path.name == "__init__.py" else _dotted(path).rsplit(".", 1)[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                names.add(".".join([*base, node.module] if node.module else base))
            else:
                names.add(node.module or "")
    return names


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_imports_only_itself_and_the_shared_layer(path: Path) -> None:
    ours = [name for name in _imported(path) if name == "conformance" or name.startswith("conformance.")]
    assert [name for name in ours if not name.startswith(("conformance.reference", SHARED))] == []


def test_module_names_do_not_echo_the_suites() -> None:
    suite = {p.stem for p in SUITE.rglob("*.py") if not p.is_relative_to(PACKAGE)} | {
        p.name for p in SUITE.rglob("*") if p.is_dir() and not p.is_relative_to(PACKAGE)
    }
    ours = {p.stem for p in MODULES} | {p.name for p in PACKAGE.rglob("*") if p.is_dir()}
    assert (ours - {"__init__", "__main__", "__pycache__"}) & (suite | SUITE_NAMES) == set()


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_every_module_is_small_documented_and_exports_exactly_what_it_defines(path: Path) -> None:
    text = path.read_text()
    lines = len(text.splitlines())
    # About 400 lines is a warning (a concept may be that long, and two halves of one are worse); past 500, a
    # module surely holds two concepts.
    if lines > WARN_LINES:
        warnings.warn(f"{path.name} has {lines} lines: is it one concept?", stacklevel=1)
    assert lines <= MAX_LINES
    assert "from __future__ import annotations" in text
    module = importlib.import_module(_dotted(path))
    assert module.__doc__ and module.__doc__.strip()
    exported = set(module.__all__)
    assert len(exported) == len(module.__all__) and all(hasattr(module, name) for name in exported)
    defined = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and (inspect.isfunction(value) or inspect.isclass(value))
        and value.__module__ == module.__name__
    }
    assert defined <= exported


def test_public_surface_is_exact() -> None:
    exported = set(reference.__all__)
    assert exported == {
        name
        for name in vars(reference)
        if not name.startswith("_")
        and name not in {"annotations"}
        and not isinstance(getattr(reference, name), type(reference))
    }


def test_importing_the_endpoint_loads_nothing_of_the_suite() -> None:
    code = "import sys, conformance.reference; print(' '.join(sorted(sys.modules)))"
    loaded = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    ours = [name for name in loaded.stdout.split() if name.startswith("conformance.")]
    assert ours and [name for name in ours if not name.startswith(("conformance.reference", SHARED))] == []
