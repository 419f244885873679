"""What happens to a call, decided by its To number, and the media figures of answered calls.

The 555-01XX numbers are fictional (reserved for fiction in the NANP).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from .call_store import Media

__all__ = [
    "ANSWER_NUMBER",
    "BUSY_NUMBER",
    "FAILED_NUMBER",
    "FROM_NUMBER",
    "HOLD_NUMBER",
    "MACHINE_NUMBER",
    "NO_ANSWER_NUMBER",
    "OTHER_FROM_NUMBER",
    "RING_NUMBER",
    "Outcome",
    "answered_by_for",
    "media_for",
    "outcome_for",
    "sip_code_for",
]

FROM_NUMBER = "+12025550199"
OTHER_FROM_NUMBER = "+12025550198"  # a second From, for telling calls apart by From (LIST-FILTER-FROM)
ANSWER_NUMBER = "+12025550100"
BUSY_NUMBER = "+12025550101"
FAILED_NUMBER = "+12025550102"
NO_ANSWER_NUMBER = "+12025550103"
HOLD_NUMBER = "+12025550104"
MACHINE_NUMBER = "+12025550105"
RING_NUMBER = "+12025550106"  # rings for its whole Timeout, then no-answer: a phone nobody picks up


@dataclass(frozen=True)
class Outcome:
    """How ringing ends: ``answered`` (then talk, or ``hold`` until ended through the API) or an end status."""

    after_ringing: str  # "in-progress", "busy", "failed" or "no-answer"
    hold: bool = False
    rings_out: bool = (
        False  # rings for the create's whole Timeout (not the timings' ring_for) before no-answer
    )


_OUTCOMES: dict[str, Outcome] = {
    BUSY_NUMBER: Outcome("busy"),
    FAILED_NUMBER: Outcome("failed"),
    NO_ANSWER_NUMBER: Outcome("no-answer"),
    RING_NUMBER: Outcome("no-answer", rings_out=True),
    HOLD_NUMBER: Outcome("in-progress", hold=True),
}
_ANSWERED = Outcome("in-progress")

_SIP_CODES = {"completed": "200", "busy": "486", "no-answer": "480", "failed": "500", "canceled": "487"}


def outcome_for(to: str) -> Outcome:
    """The outcome of ringing ``to``: the test numbers above, anything else is answered."""
    return _OUTCOMES.get(to, _ANSWERED)


def answered_by_for(to: str, machine_detection: str) -> str | None:
    """``answered_by`` once answered: null without MachineDetection, else human or a machine value."""
    if machine_detection not in ("Enable", "DetectMessageEnd"):
        return None
    if to != MACHINE_NUMBER:
        return "human"
    return "machine_start" if machine_detection == "Enable" else "machine_end_beep"


def sip_code_for(status: str) -> str | None:
    """The final SIP response code reported for an ended call."""
    return _SIP_CODES.get(status)


def media_for(seconds: float, rng: random.Random | None = None) -> Media:
    """Plausible media statistics for a call that was connected ``seconds`` long."""
    rng = rng or random.Random()
    rtt_min = rng.randint(10, 40)
    rtt_max = rtt_min + rng.randint(5, 60)
    jitter_min = rng.randint(0, 3)
    jitter_max = jitter_min + rng.randint(1, 10)
    packets = max(1, int(seconds * 50))  # 20 ms ptime
    return Media(
        mos=round(rng.uniform(3.8, 4.5), 1),
        rtt_min=rtt_min,
        rtt_avg=(rtt_min + rtt_max) // 2,
        rtt_max=rtt_max,
        jitter_min=jitter_min,
        jitter_avg=(jitter_min + jitter_max) // 2,
        jitter_max=jitter_max,
        lost=rng.randint(0, 3),
        packets_in=packets,
        packets_out=packets,
    )
