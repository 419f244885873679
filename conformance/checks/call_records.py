"""What the suite saw of one call over time: the subject of the call-history checks (`call_history.py`).

A `CallRecord` keeps every snapshot of a call the suite received, in the order the answers arrived:
from create, fetch and update answers (authoritative: the endpoint's state at that moment) and from
list answers (which may lag behind a fetch). The lifecycle's `Story` fills one per call it works with.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from conformance.checks.values import parse_time
from conformance.core.statuses import ENDED

__all__ = ["FINAL_FIELDS", "CallRecord", "Snapshot"]

# The fields of an ended call that must never move again (LIFE-ENDED-FINAL).
FINAL_FIELDS = ("status", "start_time", "end_time", "duration", "date_created")
SOURCES = ("create", "fetch", "update", "list")


@dataclasses.dataclass(frozen=True)
class Snapshot:
    """One Call object as an answer showed it: where it came from, when, its status and final fields."""

    source: str
    at: float
    status: str
    fields: Mapping[str, Any]

    @classmethod
    def of(cls, source: str, body: Mapping[str, Any], at: float) -> Snapshot | None:
        """The snapshot of a Call body that arrived `at` (the run's clock), or None when it carries no string status."""
        if source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}")
        status = body.get("status")
        if not isinstance(status, str):
            return None
        fields = {name: body.get(name) for name in FINAL_FIELDS}
        return cls(source, at, status, fields)

    @property
    def authoritative(self) -> bool:
        """Create, fetch and update answers show the state now; a list may lag."""
        return self.source != "list"

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    def final(self) -> dict[str, Any]:
        """The final fields, normalised so that equal instants and equal numbers compare equal."""
        return {name: _normal(name, value) for name, value in self.fields.items()}


def _normal(name: str, value: Any) -> Any:
    if name == "duration" and isinstance(value, str | int | float) and not isinstance(value, bool):
        try:
            return float(value)
        except ValueError:
            return value
    moment = parse_time(value) if name != "status" else None
    return moment if moment is not None else value


@dataclasses.dataclass
class CallRecord:
    """Every snapshot of one call, in arrival order, and what the suite did to it.

    `long`: its document keeps it in progress until the suite ends it (so it cannot end by itself
    during a story). `deleted_as`: the status it had when a delete of it was answered 2xx. Times are the
    run's clock: `created_at` when the create's answer arrived, each snapshot's `at` when its answer did.
    """

    sid: str
    created_at: float = 0.0
    long: bool = False
    deleted_as: str | None = None
    snapshots: list[Snapshot] = dataclasses.field(default_factory=list)

    def observe(self, source: str, body: Any, at: float) -> Snapshot | None:
        """Add the snapshot of `body` (arrived `at`) when it is this call's object; returns it."""
        if not isinstance(body, Mapping) or body.get("sid") != self.sid:
            return None
        snapshot = Snapshot.of(source, body, at)
        if snapshot is not None:
            self.snapshots.append(snapshot)
        return snapshot

    @property
    def statuses(self) -> list[str]:
        """The authoritative statuses, in order."""
        return [s.status for s in self.snapshots if s.authoritative]

    @property
    def status(self) -> str | None:
        """The last authoritative status seen, None before any."""
        statuses = self.statuses
        return statuses[-1] if statuses else None

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    def first_ended(self) -> Snapshot | None:
        return next((s for s in self.snapshots if s.ended), None)
