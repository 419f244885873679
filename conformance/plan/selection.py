"""`--calls-only`: requirement ids and glob patterns (`CB-*`) naming what a run judges.

A pattern matches ids as `fnmatch` does, case-sensitively. A pattern that matches no requirement of the
catalog, or a selection that leaves no suite test to run, is a usage error (`UsageProblem`): a run never
silently judges nothing.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence

from conformance.core.catalog import Catalog
from conformance.core.errors import UsageProblem

__all__ = ["select_requirements", "select_tests"]


def select_requirements(patterns: Sequence[str], catalog: Catalog) -> frozenset[str] | None:
    """The requirement ids the patterns match (None: no pattern, everything); UsageProblem for a pattern that
    matches none."""
    if not patterns:
        return None
    ids = [r.id for r in catalog]
    selected: set[str] = set()
    for pattern in patterns:
        matched = fnmatch.filter(ids, pattern) if _is_glob(pattern) else [i for i in ids if i == pattern]
        if not matched:
            raise UsageProblem(f"--calls-only {pattern}: matches no requirement of the catalog")
        selected.update(matched)
    return frozenset(selected)


def select_tests(
    tests: Iterable[tuple[str, Sequence[str]]], selected: frozenset[str] | None, catalog: Catalog
) -> list[str]:
    """The node ids of the suite tests that exercise a selected requirement; UsageProblem when there is none."""
    tests = list(tests)
    if selected is None:
        return [nodeid for nodeid, _ in tests]
    kept = [nodeid for nodeid, requirements in tests if selected & set(requirements)]
    if not kept:
        named = sorted(f"{i} (not checked by this suite)" if catalog[i].excluded else i for i in selected)
        raise UsageProblem(f"--calls-only selects no suite test: no test exercises {', '.join(named[:5])}")
    return kept


def _is_glob(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[")
