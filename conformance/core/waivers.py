"""Waivers (`CALLS_WAIVERS`): known deviations a team accepts for a while, so CI stays green on them and red on
anything new.

The file is a YAML list of `{id, reason, until}` (`until` an ISO date, optional; the waiver applies through that
day, UTC). Once the run is over, a waived requirement that failed reports *waived* and fails nothing; one that
passed keeps *passed* with a warning that its waiver is no longer needed; an expired waiver no longer applies,
and says so. A malformed file, a malformed date or an id not in the catalog is a usage error.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

from conformance.core.catalog import Catalog
from conformance.core.errors import UsageProblem
from conformance.core.outcomes import Outcome, Result

__all__ = ["Waiver", "WaiverStatus", "apply_waivers", "load_waivers", "today"]

_FIELDS = {"id", "reason", "until"}


@dataclasses.dataclass(frozen=True)
class Waiver:
    """One accepted deviation: the requirement, why, and until when (None: no end)."""

    id: str
    reason: str
    until: dt.date | None = None

    def expired(self, on: dt.date) -> bool:
        return self.until is not None and on > self.until

    def describe(self) -> str:
        return f"{self.reason}" + (f" (until {self.until.isoformat()})" if self.until else "")


@dataclasses.dataclass(frozen=True)
class WaiverStatus:
    """What became of one waiver in a run: applied, not-needed, expired or unused (its requirement not judged)."""

    waiver: Waiver
    status: str
    note: str

    def as_dict(self) -> dict[str, Any]:
        until = self.waiver.until.isoformat() if self.waiver.until else None
        return {
            "id": self.waiver.id,
            "reason": self.waiver.reason,
            "until": until,
            "status": self.status,
            "note": self.note,
        }


def today() -> dt.date:
    """The date waivers are judged on (UTC)."""
    return dt.datetime.now(dt.UTC).date()


def load_waivers(path: Path, catalog: Catalog) -> tuple[Waiver, ...]:
    """The waivers in `path`; UsageProblem when the file is unreadable or malformed, or names an unknown id."""
    where = f"CALLS_WAIVERS {path}"
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageProblem(f"{where}: cannot be read ({exc.__class__.__name__})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        raise UsageProblem(f"{where}: not valid YAML{at}") from None
    except ValueError as exc:  # YAML reads YYYY-MM-DD as a date, and refuses one that does not exist
        raise UsageProblem(f"{where}: a value is not a date ({exc})") from None
    if document is None:
        return ()
    if not isinstance(document, list):
        raise UsageProblem(f"{where}: must be a YAML list of {{id, reason, until}}")
    waivers = tuple(_waiver(entry, f"{where}, entry {n}", catalog) for n, entry in enumerate(document, 1))
    ids = [w.id for w in waivers]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise UsageProblem(f"{where}: {', '.join(twice)} waived twice")
    return waivers


def _waiver(entry: Any, where: str, catalog: Catalog) -> Waiver:
    if not isinstance(entry, dict):
        raise UsageProblem(f"{where}: must be a mapping with id, reason and until")
    unknown = sorted(set(map(str, entry)) - _FIELDS)
    if unknown:
        raise UsageProblem(f"{where}: unknown key(s) {', '.join(unknown)} (expected id, reason, until)")
    requirement, reason = entry.get("id"), entry.get("reason")
    if not isinstance(requirement, str) or requirement not in catalog:
        raise UsageProblem(f"{where}: id {requirement!r} is not a requirement of the catalog")
    if not isinstance(reason, str) or not reason.strip():
        raise UsageProblem(f"{where}: {requirement} needs a reason")
    return Waiver(
        requirement, " ".join(reason.split()), _date(entry.get("until"), f"{where} ({requirement})")
    )


def _date(value: Any, where: str) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        raise UsageProblem(f"{where}: until must be a date (YYYY-MM-DD), not a date and time")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise UsageProblem(f"{where}: until {value!r} is not a date (YYYY-MM-DD)") from None


def apply_waivers(
    results: Sequence[Result], waivers: Sequence[Waiver], on: dt.date
) -> tuple[list[Result], list[WaiverStatus]]:
    """The results with every waiver applied, and what became of each waiver."""
    by_id = {w.id: w for w in waivers}
    out: list[Result] = []
    statuses: list[WaiverStatus] = []
    for result in results:
        waiver = by_id.get(result.requirement.id)
        if waiver is None:
            out.append(result)
            continue
        result, status = _apply(result, waiver, on)
        out.append(result)
        statuses.append(status)
    return out, statuses


def _apply(result: Result, waiver: Waiver, on: dt.date) -> tuple[Result, WaiverStatus]:
    if waiver.expired(on):
        note = f"its waiver expired on {waiver.until}: it no longer applies"
        judged = dataclasses.replace(result, note=note) if result.outcome is Outcome.FAILED else result
        return judged, WaiverStatus(waiver, "expired", f"expired on {waiver.until}: no longer applies")
    if result.outcome is Outcome.FAILED:
        note = f"waived: {waiver.describe()}"
        return dataclasses.replace(result, outcome=Outcome.WAIVED, note=note), WaiverStatus(
            waiver, "applied", note
        )
    if result.outcome is Outcome.PASSED:
        note = "passed: its waiver is no longer needed"
        return dataclasses.replace(result, note=note), WaiverStatus(waiver, "not-needed", note)
    return result, WaiverStatus(
        waiver, "unused", f"{result.requirement.id} was {result.outcome.label} in this run"
    )
