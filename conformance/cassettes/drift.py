"""What changed between two recordings, as a reader wants it: the verdict, then fields of the responses.

The recordings are read by `exchanges.py` (requests paired by actor and what was asked, sids numbered) and
compared by `differences.py` (a poll by its last answer, list pages by the fields their calls carry, dates,
sids and tokens counted as ignored, not as changes). Captured callbacks are compared the same way, by call
token, kind and order.
"""

from __future__ import annotations

from pathlib import Path

from conformance.cassettes.differences import Tally, compare_exchanges
from conformance.cassettes.exchanges import callbacks, exchanges, verdicts
from conformance.cassettes.store import MANIFEST

__all__ = ["MAX_LINES", "drift"]

MAX_LINES = 20
KINDS = ("verdict", "status code", "type", "field", "value", "asked")


def drift(previous: Path, current: Path, limit: int = MAX_LINES) -> list[str]:
    """The drift of the recording in `current` against the one in `previous`, as at most `limit` change lines
    under a heading, and a last line saying what was ignored."""
    if not (previous / MANIFEST).exists():
        return [f"drift: no previous recording in {previous} to compare with"]
    tally = Tally(KINDS)
    old, new = verdicts(previous), verdicts(current)
    for requirement in sorted(set(old) | set(new)):
        if old.get(requirement) != new.get(requirement):
            tally.add(
                "verdict",
                f"verdict {requirement}: {old.get(requirement, 'absent')} → {new.get(requirement, 'absent')}",
            )
    for name in sorted({p.name for p in (*previous.glob("*.yaml"), *current.glob("*.yaml"))}):
        compare_exchanges(exchanges(previous / name), exchanges(current / name), tally)
    compare_exchanges(callbacks(previous), callbacks(current), tally)
    lines = tally.lines()
    shown = lines[:limit] + ([f"… and {len(lines) - limit} more"] if len(lines) > limit else [])
    heading = (
        f"drift against the previous recording: {len(lines)} change(s)"
        if lines
        else "drift against the previous recording: no change"
    )
    ignored = (
        f"ignored: {tally.volatile} differences in dates, sids and tokens; {tally.timing} in measurements and "
        f"timing (media figures, durations, calls still active, times not yet set); {tally.repeats} answers to "
        f"repeated requests (a poll is compared by its last answer)"
    )
    return [heading, *(f"  {line}" for line in shown), ignored]
