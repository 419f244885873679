"""What the reports say about a run besides its requirements: its target, the suite's version, when it ran, the
waivers and the call budget."""

from __future__ import annotations

import dataclasses
from typing import Any

from conformance.core.waivers import WaiverStatus

__all__ = ["Facts"]


@dataclasses.dataclass(frozen=True)
class Facts:
    """What the reports say about the run besides its requirements."""

    target: dict[str, str]
    version: str
    started: str
    finished: str
    waivers: tuple[WaiverStatus, ...] = ()
    # The call budget: max, full coverage, planned, created, unjudged for lack of calls (`Plan.calls_section`).
    calls: dict[str, Any] | None = None
