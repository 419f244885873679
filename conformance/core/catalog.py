"""The requirement catalog (spec/requirements.yaml) as typed data."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

import yaml

from conformance.core.terms import CAPABILITIES, LEVELS

# yaml.safe_load's loader, its parser in C when PyYAML was built with libyaml (every run reads the catalog).
SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

__all__ = ["CATALOG_PATH", "Catalog", "Requirement", "load_catalog"]

# spec/requirements.yaml, shipped inside the package as conformance._spec (pyproject.toml).
CATALOG_PATH: Traversable = files("conformance._spec") / "requirements.yaml"


@dataclasses.dataclass(frozen=True)
class Requirement:
    """One requirement: what the endpoint is held to, and where that comes from."""

    id: str
    level: str
    profiles: tuple[str, ...]
    source: str
    sentence: str
    text: str
    needs: tuple[str, ...] = ()
    excluded: str | None = None

    def applies_to(self, profile: str) -> bool:
        return profile in self.profiles


@dataclasses.dataclass(frozen=True)
class Catalog:
    """The requirements in catalog order, addressable by id."""

    requirements: tuple[Requirement, ...]

    def __post_init__(self) -> None:
        ids = [r.id for r in self.requirements]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(f"duplicate requirement ids: {', '.join(duplicates)}")

    def __iter__(self) -> Iterator[Requirement]:
        return iter(self.requirements)

    def __len__(self) -> int:
        return len(self.requirements)

    def __contains__(self, requirement_id: object) -> bool:
        return requirement_id in self._by_id

    def __getitem__(self, requirement_id: str) -> Requirement:
        try:
            return self._by_id[requirement_id]
        except KeyError:
            raise KeyError(f"no requirement {requirement_id!r} in the catalog") from None

    @functools.cached_property
    def _by_id(self) -> dict[str, Requirement]:
        return {r.id: r for r in self.requirements}


def _requirement(entry: dict) -> Requirement:
    level = entry["level"]
    if level not in LEVELS:
        raise ValueError(f"{entry['id']}: level must be one of {LEVELS}, not {level!r}")
    needs = tuple(entry.get("needs", ()))
    unknown = set(needs) - set(CAPABILITIES)
    if unknown:
        raise ValueError(f"{entry['id']}: unknown capabilities {sorted(unknown)}")
    return Requirement(
        id=entry["id"],
        level=level,
        profiles=tuple(entry["profiles"]),
        source=entry["source"],
        sentence=entry["sentence"],
        text=" ".join(str(entry["text"]).split()),
        needs=needs,
        excluded=" ".join(entry["excluded"].split()) if entry.get("excluded") else None,
    )


@functools.cache
def load_catalog(path: Traversable = CATALOG_PATH) -> Catalog:
    """Read and validate the catalog file."""
    document = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    return Catalog(tuple(_requirement(entry) for entry in document["requirements"]))
