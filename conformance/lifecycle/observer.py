"""What the suite saw of one call over time, and the judgments over it (pure: no I/O).

A `CallRecord` keeps every snapshot of a call the suite received, in the order the answers arrived:
from create, fetch and update answers (authoritative: the endpoint's state at that moment) and from
list answers (which may lag behind a fetch). The judgments raise `Violation` and are meant for
`Verifier.verify`; they raise `NotApplicable` when the record holds nothing they could judge.
Scenarios and the state machine share them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from conformance.checks.values import parse_time
from conformance.core.failures import Violation
from conformance.core.signals import NotApplicable
from conformance.core.statuses import ENDED, STATUSES, first_illegal_step, reachable

__all__ = [
    "FINAL_FIELDS",
    "CallRecord",
    "Snapshot",
    "check_ended_final",
    "check_list_agrees",
    "check_path",
    "check_reached_end",
]

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


def check_path(record: CallRecord) -> None:
    """LIFE-TRANSITIONS: the authoritative statuses form a path in the allowed graph's closure.

    Statuses outside the enumeration are left to the status check (CALL-STATUS-ENUM).
    """
    statuses = [s for s in record.statuses if s in STATUSES]
    if len(statuses) < 2:
        raise NotApplicable
    step = first_illegal_step(statuses)
    if step is not None:
        raise Violation(
            f"call {record.sid} went from {step[0]} to {step[1]}",
            received=" -> ".join(statuses),
            expected=f"from {step[0]}: one of {sorted(reachable(step[0])) or 'nothing (ended)'}",
        )


def check_ended_final(record: CallRecord) -> None:
    """LIFE-ENDED-FINAL: after the first ended snapshot, no answer shows another state or other final fields.

    A list answer may lag (show an earlier, active state: `check_list_agrees` judges that); a list that
    shows the call ended must show the same final fields.
    """
    first = record.first_ended()
    if first is None:
        raise NotApplicable
    later = record.snapshots[record.snapshots.index(first) + 1 :]
    judged = False
    expected = first.final()
    for snapshot in later:
        if not snapshot.authoritative and not snapshot.ended:
            continue
        judged = True
        received = snapshot.final()
        if received != expected:
            moved = {k: snapshot.fields[k] for k in FINAL_FIELDS if received[k] != expected[k]}
            raise Violation(
                f"ended call {record.sid} changed after it was seen {first.status} "
                f"(a later {snapshot.source} answer)",
                received=moved,
                expected={k: first.fields[k] for k in moved},
            )
    if not judged:
        raise NotApplicable


def check_list_agrees(record: CallRecord) -> None:
    """LIFE-TRANSITIONS: each list snapshot fits between the authoritative snapshots around it.

    Its status equals the one fetched just before, is a legal step on from it, or is older by a legal
    step (a list may lag); and the status fetched next is the list's status or reachable from it.
    """
    judged = False
    for index, snapshot in enumerate(record.snapshots):
        if snapshot.authoritative or snapshot.status not in STATUSES:
            continue
        shown = snapshot.status
        before = next((s for s in reversed(record.snapshots[:index]) if s.authoritative), None)
        after = next((s for s in record.snapshots[index + 1 :] if s.authoritative), None)
        if before is not None and before.status in STATUSES and not _comparable(before.status, shown):
            raise Violation(
                f"a list showed call {record.sid} {shown} right after a {before.source} showed "
                f"{before.status}",
                received=shown,
                expected=f"{before.status}, a status reachable from it, or one it is reachable from",
            )
        if (
            after is not None
            and after.status in STATUSES
            and not (after.status == shown or after.status in reachable(shown))
        ):
            raise Violation(
                f"a list showed call {record.sid} {shown}, but a later {after.source} showed {after.status}",
                received=after.status,
                expected=f"{shown} or a status reachable from it",
            )
        judged = True
    if not judged:
        raise NotApplicable


def _comparable(a: str, b: str) -> bool:
    return a == b or b in reachable(a) or a in reachable(b)


def check_reached_end(record: CallRecord, deadline: float) -> None:
    """LIFE-REACHES-END: an ended status was seen within `deadline` seconds of the call's creation."""
    first = record.first_ended()
    if first is None or first.at - record.created_at > deadline:
        late = f" (first seen {first.status} after {first.at - record.created_at:.1f} s)" if first else ""
        raise Violation(
            f"call {record.sid} did not end within {deadline:g} s{late}",
            received=" -> ".join(record.statuses) or "no status",
            expected="an ended status",
        )
