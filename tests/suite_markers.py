"""Read the requirement markers of the conformance suite's tests without running them."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import conformance.suite

__all__ = ["literal_requirement_ids", "suite_markers"]

_ID = re.compile(r"""["']([A-Z]+(?:-[A-Z0-9]+)+)["']""")


def suite_markers() -> dict[str, set[str]]:
    """Test name -> the requirement ids its `requirements` marker names."""
    found: dict[str, set[str]] = {}
    for module_info in pkgutil.iter_modules(conformance.suite.__path__):
        if not module_info.name.startswith("test_"):
            continue
        module = importlib.import_module(f"conformance.suite.{module_info.name}")
        for name, fn in vars(module).items():
            if name.startswith("test_") and callable(fn):
                found[f"{module_info.name}::{name}"] = _requirements(getattr(fn, "pytestmark", []))
    return found


def _requirements(marks: list) -> set[str]:
    """Ids named by `requirements` marks, including those on parametrize cases."""
    ids: set[str] = set()
    for mark in marks:
        if mark.name == "requirements":
            ids.update(mark.args)
        elif mark.name == "parametrize":
            for case in mark.args[1]:
                ids |= _requirements(list(getattr(case, "marks", ())))
    return ids


def literal_requirement_ids() -> dict[str, set[str]]:
    """File -> every string literal shaped like a requirement id in the suite's and checks' source."""
    root = Path(conformance.suite.__file__).parent.parent
    result = {}
    for path in [*root.glob("suite/*.py"), *root.glob("checks/*.py"), *root.glob("lifecycle/*.py")]:
        result[path.name] = set(_ID.findall(path.read_text(encoding="utf-8")))
    return result
