"""Checks of what the suite saw of one call over time (`CallRecord`): the statuses take legal steps and lists agree
with fetches (LIFE-TRANSITIONS), an ended call never changes (LIFE-ENDED-FINAL), a call that hangs up by itself
ends within the deadline (LIFE-REACHES-END).

The natural-end scenario runs them once its calls have ended; the state machine runs all but the last after every
step (its calls may be kept up on purpose, so it never judges LIFE-REACHES-END).
"""

from __future__ import annotations

from conformance.checks.call_records import FINAL_FIELDS, CallRecord
from conformance.checks.context import LifecycleContext
from conformance.checks.kinds import CALL_HISTORY
from conformance.checks.registry import applicable
from conformance.core.failures import Violation
from conformance.core.signals import NotApplicable
from conformance.core.statuses import STATUSES, first_illegal_step, reachable

__all__: list[str] = []


@CALL_HISTORY("LIFE-TRANSITIONS")
def statuses_take_legal_steps(ctx: LifecycleContext, record: CallRecord) -> None:
    """The authoritative statuses form a path in the allowed graph's closure.

    Statuses outside the enumeration are left to the status check (CALL-STATUS-ENUM).
    """
    statuses = [s for s in record.statuses if s in STATUSES]
    applicable(len(statuses) >= 2)
    step = first_illegal_step(statuses)
    if step is not None:
        raise Violation(
            f"call {record.sid} went from {step[0]} to {step[1]}",
            received=" -> ".join(statuses),
            expected=f"from {step[0]}: one of {sorted(reachable(step[0])) or 'nothing (ended)'}",
        )


@CALL_HISTORY("LIFE-TRANSITIONS")
def lists_agree_with_fetches(ctx: LifecycleContext, record: CallRecord) -> None:
    """Each list snapshot fits between the authoritative snapshots around it.

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
    applicable(judged)


def _comparable(a: str, b: str) -> bool:
    return a == b or b in reachable(a) or a in reachable(b)


@CALL_HISTORY("LIFE-ENDED-FINAL")
def ended_call_never_changes(ctx: LifecycleContext, record: CallRecord) -> None:
    """After the first ended snapshot, no answer shows another state or other final fields.

    A list answer may lag (show an earlier, active state: `lists_agree_with_fetches` judges that); a list that
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
    applicable(judged)


@CALL_HISTORY("LIFE-REACHES-END")
def call_ends_within_deadline(ctx: LifecycleContext, record: CallRecord) -> None:
    """An ended status was seen within the deadline of the call's creation (for a call that hangs up by itself:
    every record this check is given must be one)."""
    first = record.first_ended()
    if first is None or first.at - record.created_at > ctx.deadline:
        late = f" (first seen {first.status} after {first.at - record.created_at:.1f} s)" if first else ""
        raise Violation(
            f"call {record.sid} did not end within {ctx.deadline:g} s{late}",
            received=" -> ".join(record.statuses) or "no status",
            expected="an ended status",
        )
