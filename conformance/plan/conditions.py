"""What a run has to work with, known before it acts (`Conditions`), and what one suite test or scenario needs of
it (`Needs`: capabilities, and how many calls it creates at most).

The plan (`conformance.plan.plan`) and the run read the same conditions and the same declarations: the plan decides
from them which parts run and how many calls each may create, and the run admits and limits each part by that
very plan (the client refuses a part's create beyond its allowance), so the plan cannot drift from the run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from conformance.core.terms import CAPABILITIES

if TYPE_CHECKING:
    from conformance.core.settings import Settings

__all__ = ["TIERS", "Conditions", "Needs", "hold_seconds"]

# The order the call budget is spent in: the lifecycle, update and callback scenarios and the create test; then
# parts judging requirements no other part judges (listing, arrays, the update probes' call); then the invalid
# and generated creates; last the state machine, which judges again what the scenarios judge.
TIERS = ("core", "coverage", "probes", "depth")


def hold_seconds(deadline: float) -> int:
    """How long a held call's LaML document keeps it connected (`<Pause>`), unless the run ends it sooner."""
    return min(3600, max(60, int(4 * deadline)))


@dataclasses.dataclass(frozen=True)
class Conditions:
    """The run's situation: profile, endpoint kind, budget, numbers, and whether callbacks can reach the suite.

    `outcomes` are To numbers by the outcome they give (the embedded endpoint's busy, failed and no-answer);
    `callbacks` says why the endpoint cannot reach the callback receiver (None: it can, or the plan assumes the
    pre-flight will pass).
    """

    profile: str
    embedded: bool
    max_calls: int | None
    deadline: float
    to_number: str
    from_number: str
    to_alternates: tuple[str, ...] = ()
    from_alternates: tuple[str, ...] = ()
    outcomes: Mapping[str, str] = dataclasses.field(default_factory=dict)
    callbacks: str | None = None
    # A call goes through its life in a fraction of a second (the embedded endpoint at its fast timings).
    quick_calls: bool = False

    @classmethod
    def of(cls, settings: Settings, outcomes: Mapping[str, str], callbacks: str | None) -> Conditions:
        return cls(
            profile=settings.profile,
            embedded=settings.embedded,
            quick_calls=settings.quick_calls,
            max_calls=settings.max_calls,
            deadline=settings.deadline,
            to_number=settings.to_number or "",
            from_number=settings.from_number or "",
            to_alternates=settings.to_alternates,
            from_alternates=settings.from_alternates,
            outcomes=dict(outcomes),
            callbacks=callbacks,
        )

    def missing(self, capability: str) -> str | None:
        """Why the run lacks `capability`, or None when it has it."""
        if capability not in CAPABILITIES:
            raise ValueError(f"unknown capability {capability!r}")
        reasons: dict[str, Callable[[], str | None]] = {
            "create": lambda: (
                "the run may not create calls (CALLS_MAX_CALLS=0)" if self.max_calls == 0 else None
            ),
            "callbacks": lambda: self.callbacks,
            "hold": lambda: (
                f"keeping a call in progress needs the endpoint to fetch the receiver's LaML documents: "
                f"{self.callbacks}"
                if self.callbacks
                else None
            ),
            "busy-number": lambda: (
                None
                if "busy" in self.outcomes
                else "no To number known to answer busy (only the embedded endpoint has one)"
            ),
            "second-to": lambda: (
                None
                if self.to_alternates
                else "telling calls apart by To needs a second number: CALLS_TO_NUMBER=FIRST,SECOND"
            ),
            "second-from": lambda: (
                None
                if self.from_alternates
                else "telling calls apart by From needs a second number the account may call from: "
                "CALLS_FROM_NUMBER=FIRST,SECOND"
            ),
            "generated-creates": lambda: (
                None
                if self.embedded
                else "generated creates would dial arbitrary numbers: run only against the embedded endpoint"
            ),
        }
        return reasons[capability]()


@dataclasses.dataclass(frozen=True)
class Needs:
    """What one suite test or scenario needs of the run.

    `calls` is the most calls it creates (a number, or a function of the conditions: the same one its code
    iterates over); `tier` is when the budget serves it (`TIERS`); `partial` parts still judge with fewer calls
    than `calls`, but at least one (the state machine); `optional` parts run without calls too, judging what
    the account already holds (listing); `if_accepted` parts create a call only when the endpoint wrongly
    accepts an invalid create (it must still be budgeted: an accepted one dials). A part creating calls needs
    "create", unless it is `optional`.
    """

    capabilities: tuple[str, ...] = ()
    calls: int | Callable[[Conditions], int] = 0
    tier: str = "core"
    partial: bool = False
    if_accepted: bool = False
    optional: bool = False

    def __post_init__(self) -> None:
        unknown = [c for c in self.capabilities if c not in CAPABILITIES]
        if unknown or self.tier not in TIERS:
            raise ValueError(f"unknown capabilities {unknown} or tier {self.tier!r}")
        if self.calls != 0 and "create" not in self.capabilities:
            object.__setattr__(self, "capabilities", ("create", *self.capabilities))

    def count(self, conditions: Conditions) -> int:
        """The most calls this part creates under `conditions`."""
        return self.calls(conditions) if callable(self.calls) else self.calls

    def missing(self, conditions: Conditions) -> str | None:
        """The reason for the first capability (in `CAPABILITIES` order) the run lacks, else None."""
        for capability in CAPABILITIES:
            if self.optional and capability == "create":
                continue
            if capability in self.capabilities and (reason := conditions.missing(capability)):
                return reason
        return None
