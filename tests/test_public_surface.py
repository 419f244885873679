"""Every module of the suite says what it is (a docstring) and what it offers (an exact `__all__`).

Exempt from listing: check functions and scenarios (reached through their registries), the plugin's hooks
(pytest finds them by name), and the suite's test modules (pytest collects them). The reference endpoint
and the shared layer are checked on their own side.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from types import ModuleType

import pytest

import conformance
from conformance.checks import REGISTRY
from conformance.lifecycle import (  # noqa: F401  (registers the scenarios)
    callback_scenarios,
    fallback_scenarios,
    scenarios,
    status_callback_update,
)
from conformance.lifecycle.runner import SCENARIOS

SKIPPED_PREFIXES = ("conformance.reference", "conformance.common", "conformance.suite.test_")


def _suite_modules() -> list[str]:
    names = [info.name for info in pkgutil.walk_packages(conformance.__path__, "conformance.")]
    return sorted(name for name in names if not name.startswith(SKIPPED_PREFIXES))


def _registered() -> set[object]:
    return {check.fn for check in REGISTRY.values()} | {item.fn for item in SCENARIOS.values()}


def _defined_here(module: ModuleType) -> list[str]:
    registered = _registered()
    return [
        name
        for name, value in vars(module).items()
        if not name.startswith(("_", "pytest_"))
        and (inspect.isfunction(value) or inspect.isclass(value))
        and value.__module__ == module.__name__
        and value not in registered
    ]


@pytest.mark.parametrize("name", _suite_modules())
def test_module_has_a_docstring_and_an_exact_public_surface(name: str) -> None:
    module = importlib.import_module(name)
    assert (module.__doc__ or "").strip(), f"{name} has no docstring"
    exported = getattr(module, "__all__", None)
    assert isinstance(exported, list), f"{name} has no __all__"
    assert [n for n in exported if not hasattr(module, n)] == [], f"{name}.__all__ names what it lacks"
    assert [n for n in _defined_here(module) if n not in exported] == [], (
        f"{name} defines more than __all__ says"
    )
    assert len(set(exported)) == len(exported), f"{name}.__all__ repeats a name"
