"""The plan: what a run with given conditions does before it dials anything, made by the code the run obeys.

Every suite test and scenario is a `Consumer`: the actor its creates count for, the requirements it judges and
its `Needs`. `make_plan` decides, from the run's `Conditions`, which consumers run (each has the capabilities it
needs), how many calls each may create (the budget is spent tier by tier: `conformance.plan.conditions.TIERS`), and so
which requirements the run judges and why the others are skipped. `calls-conformance plan` prints it and connects
to nothing; a run makes the same plan at its start, admits each part by it and the client holds each part to its
allowance, so the plan says what the run does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable, Sequence
from typing import Any

from conformance.core.catalog import Catalog
from conformance.core.outcomes import Ledger, Result
from conformance.plan.conditions import TIERS, Conditions, Needs, hold_seconds

__all__ = ["Consumer", "Part", "Plan", "creates_refused", "full_coverage", "make_plan"]

# Providers' own default for how long a call rings (SignalWire and Twilio: Timeout=60).
DEFAULT_RING = 60


@dataclasses.dataclass(frozen=True)
class Consumer:
    """A suite test or scenario as the plan sees it; `label` is how the plan names it."""

    actor: str
    label: str
    requirements: tuple[str, ...]
    needs: Needs = dataclasses.field(default_factory=Needs)


@dataclasses.dataclass(frozen=True)
class Part:
    """A consumer and the plan's decision: the calls it creates at most for full coverage, the calls the budget
    gives it, and why it does not run (None: it runs)."""

    consumer: Consumer
    calls: int
    allowance: int
    refusal: str | None = None
    for_lack_of_calls: bool = False

    @property
    def runs(self) -> bool:
        return self.refusal is None

    @property
    def certain(self) -> bool:
        """It runs and surely exercises its requirements: not the random steps of the "depth" tier, nor an optional
        part given fewer calls than it asks (it judges only what the account already holds)."""
        needs = self.consumer.needs
        return self.runs and needs.tier != "depth" and not (needs.optional and self.allowance < self.calls)


@dataclasses.dataclass
class Plan:
    """The decisions for one run: its parts in the order the budget serves them, and each requirement's fate."""

    conditions: Conditions
    parts: list[Part]
    full_coverage: int
    judged: list[str]
    maybe: dict[str, str]
    skipped: dict[str, str]
    disabled: dict[str, str]
    unjudged_for_lack_of_calls: list[str]

    @property
    def allowances(self) -> dict[str, int]:
        """Calls each actor may create (an actor absent here may create none)."""
        return {part.consumer.actor: part.allowance for part in self.parts if part.runs}

    @property
    def calls(self) -> int:
        """The most calls the run creates."""
        return sum(part.allowance for part in self.parts if part.runs)

    def missing(self, capability: str) -> str | None:
        """Why the run lacks `capability` (None: it has it); lacking "create", what full coverage needs."""
        return _figured(self.conditions.missing(capability), self.conditions, self.full_coverage)

    def refusal(self, actor: str) -> str | None:
        """Why the part acting as `actor` does not run (None: it runs, or the plan does not know it)."""
        return next((p.refusal for p in self.parts if p.consumer.actor == actor), None)

    def budget_line(self) -> str:
        """How many calls the run creates, and how many full coverage needs."""
        budget = self.conditions.max_calls
        given = "unlimited (embedded endpoint)" if budget is None else f"CALLS_MAX_CALLS={budget}"
        accepted = sum(p.calls for p in self.parts if p.consumer.needs.if_accepted and not p.refusal)
        accepted += sum(p.calls for p in self.parts if p.consumer.needs.if_accepted and p.for_lack_of_calls)
        text = f"calls: at most {self.calls} created ({given}); full coverage needs {self.full_coverage}"
        if accepted:
            text += f", {accepted} of them only if the endpoint accepts invalid creates"
        return text

    def lines(self) -> list[str]:
        """The plan as a reader sees it before a paid run."""
        lines = [self.budget_line(), *self._numbers(), self._longest()]
        creating = [p for p in self.parts if p.runs and p.calls]
        lines.append(
            "parts that create calls, in the order the budget serves them (tier, calls given/asked):"
        )
        for part in creating:
            calls = f"{part.allowance}/{part.calls}" if part.allowance != part.calls else str(part.calls)
            lines.append(f"  {part.consumer.needs.tier:<8} {calls:>5}  {part.consumer.label}")
        read_only = sum(1 for p in self.parts if p.runs and not p.calls)
        lines.append(f"parts that create no call: {read_only}")
        refused = [p for p in self.parts if not p.runs]
        if refused:
            lines.append("parts skipped:")
            lines += [f"  {p.consumer.label}: {p.refusal}" for p in refused]
        lines.append(
            f"requirements: {len(self.judged)} judged, {len(self.maybe)} perhaps, {len(self.skipped)} skipped, "
            f"{len(self.disabled)} disabled (profile {self.conditions.profile})"
        )
        lines += [f"  perhaps {rid}: {reason}" for rid, reason in self.maybe.items()]
        lines += [f"  skipped {rid}: {reason}" for rid, reason in self.skipped.items()]
        if self.unjudged_for_lack_of_calls:
            lines.append(f"unjudged for lack of calls: {', '.join(self.unjudged_for_lack_of_calls)}")
        return lines

    def _numbers(self) -> list[str]:
        conditions, running = self.conditions, [p for p in self.parts if p.runs and p.allowance]
        if not running:
            return ["numbers: none dialled (no call is created)"]
        needs = {c for p in running for c in p.consumer.needs.capabilities}
        to = [conditions.to_number, *conditions.to_alternates[: "second-to" in needs]]
        to += [n for n in conditions.outcomes.values() if n not in to]
        sent_from = [conditions.from_number, *conditions.from_alternates[: "second-from" in needs]]
        return [f"numbers: calls to {', '.join(to)}; from {', '.join(sent_from)}"]

    def _longest(self) -> str:
        conditions = self.conditions
        ringing = f"ringing up to the endpoint's default Timeout ({DEFAULT_RING} s on SignalWire and Twilio)"
        if conditions.missing("hold"):
            return f"longest a call stays up: {ringing}, then it ends once answered (no document holds it)"
        hold = hold_seconds(conditions.deadline)
        return (
            f"longest a call stays up: {ringing}, then {hold} s connected (a held call's document pauses "
            f"{hold} s, then hangs up; the run ends every call it created before it exits)"
        )

    def calls_section(self, created: int, refused: int, results: Sequence[Result]) -> dict[str, Any]:
        """What the reports say about calls: the budget, what full coverage needs, what was created and refused,
        and the requirements skipped because the budget gave their parts no (or too few) calls; when the endpoint
        refused every create the run sent, those are listed as what they are: unjudged because creates fail."""
        short = [
            r.requirement.id
            for r in results
            if r.outcome.label == "skipped"
            and ("for lack of calls" in r.message or "the plan gives it" in r.message)
        ]
        stopped = creates_refused(created, refused)
        return {
            "max_calls": self.conditions.max_calls,
            "full_coverage": self.full_coverage,
            "planned": self.calls,
            "created": created,
            "refused": refused,
            "unjudged_for_lack_of_calls": [] if stopped else short,
            "unjudged_because_creates_refused": short if stopped else [],
        }

    def explained(self, results: Sequence[Result], created: int, refused: int) -> list[Result]:
        """The results, each skip "for lack of calls" also saying, when the endpoint refused every create the run
        sent, that more calls would not have judged it."""
        stopped = creates_refused(created, refused)
        if stopped is None:
            return list(results)
        return [
            dataclasses.replace(r, message=f"{r.message}; {stopped}")
            if r.outcome.label == "skipped" and "for lack of calls" in r.message
            else r
            for r in results
        ]

    def as_dict(self) -> dict[str, Any]:
        """The plan as data (plan.json, and the reports' `calls` section)."""
        return {
            "max_calls": self.conditions.max_calls,
            "planned_calls": self.calls,
            "full_coverage": self.full_coverage,
            "parts": [
                {
                    "actor": p.consumer.actor,
                    "tier": p.consumer.needs.tier,
                    "calls": p.calls,
                    "allowance": p.allowance,
                    "refusal": p.refusal,
                    "requirements": list(p.consumer.requirements),
                }
                for p in self.parts
            ],
            "judged": list(self.judged),
            "maybe": dict(self.maybe),
            "skipped": dict(self.skipped),
            "disabled": dict(self.disabled),
            "unjudged_for_lack_of_calls": list(self.unjudged_for_lack_of_calls),
        }


def make_plan(
    conditions: Conditions,
    consumers: Iterable[Consumer],
    catalog: Catalog,
    selected: Collection[str] | None = None,
) -> Plan:
    """Decide which consumers run and with how many calls, and so which requirements are judged.

    The budget is spent tier by tier (`TIERS`); within a tier, the part judging the most requirements no part
    already given its calls judges, per call, comes first (ties: collection order).
    """
    consumers = list(consumers)
    counted = [(c, c.needs.count(conditions), c.needs.missing(conditions)) for c in consumers]
    create = conditions.missing("create")
    full = full_coverage(conditions, consumers)
    budget = _Budget(conditions, full)
    for consumer, calls, missing in counted:  # parts that need no call, or cannot run at all, first
        if missing is not None:
            budget.refuse(consumer, calls, _figured(missing, conditions, full) or missing)
        elif calls == 0 or (consumer.needs.optional and create):
            budget.give(consumer, calls, 0)
    for tier in TIERS:
        pending = [
            (i, c, calls)
            for i, (c, calls, missing) in enumerate(counted)
            if missing is None and c.needs.tier == tier and not budget.decided(c)
        ]
        while pending:
            best = max(pending, key=lambda p: (budget.gain(p[1]) / max(1, p[2]), -p[0]))
            pending.remove(best)
            budget.spend(best[1], best[2])
    return _fates(conditions, budget.parts, full, catalog, selected)


def full_coverage(conditions: Conditions, consumers: Iterable[Consumer]) -> int:
    """The calls full coverage needs: what every part that can run under these settings and this endpoint asks
    for, the budget aside (the same figure whatever CALLS_MAX_CALLS is, read-only included)."""
    unlimited = dataclasses.replace(conditions, max_calls=None)
    return sum(c.needs.count(unlimited) for c in consumers if c.needs.missing(unlimited) is None)


class _Budget:
    """The parts decided so far, the calls left, and the requirements the running parts judge."""

    def __init__(self, conditions: Conditions, full: int) -> None:
        self.left = conditions.max_calls
        self.shortage = (
            f"for lack of calls: CALLS_MAX_CALLS={conditions.max_calls}; full coverage needs {full}"
        )
        self.parts: list[Part] = []
        self.covered: set[str] = set()

    def decided(self, consumer: Consumer) -> bool:
        return any(p.consumer is consumer for p in self.parts)

    def gain(self, consumer: Consumer) -> int:
        return len(set(consumer.requirements) - self.covered)

    def give(self, consumer: Consumer, calls: int, allowance: int) -> None:
        self.parts.append(Part(consumer, calls, allowance))
        self.covered |= set(consumer.requirements)

    def refuse(self, consumer: Consumer, calls: int, reason: str, *, short: bool = False) -> None:
        self.parts.append(Part(consumer, calls, 0, reason, for_lack_of_calls=short))

    def spend(self, consumer: Consumer, calls: int) -> None:
        """All its calls if they are left; what is left to a partial part; none to an optional one (it runs)."""
        left = self.left
        if left is None or calls <= left:
            self.give(consumer, calls, calls)
            self.left = None if left is None else left - calls
        elif consumer.needs.partial and left > 0:
            self.give(consumer, calls, left)
            self.left = 0
        elif consumer.needs.optional:
            self.give(consumer, calls, 0)
        else:
            self.refuse(consumer, calls, self.shortage, short=True)


def creates_refused(created: int, refused: int) -> str | None:
    """What stopped the run's calls when the endpoint refused every create it sent (None: it created some, or
    the run sent none)."""
    if created or not refused:
        return None
    return (
        f"yet the endpoint refused every create this run sent ({refused}; see CREATE-2XX), so more calls would "
        f"not have judged it"
    )


def _figured(reason: str | None, conditions: Conditions, full: int) -> str | None:
    """The reason, with the figure a read-only run needs to know when it is the lack of permission to create."""
    if reason is not None and reason == conditions.missing("create"):
        return f"{reason}; full coverage needs CALLS_MAX_CALLS={full}"
    return reason


def _fates(
    conditions: Conditions, parts: list[Part], full: int, catalog: Catalog, selected: Collection[str] | None
) -> Plan:
    """Each requirement judged (a running part names it), perhaps judged (only the "depth" tier's random steps
    exercise it), skipped (with the most useful reason) or disabled."""
    ledger = Ledger(catalog, conditions.profile, frozenset(), selected)
    judged, maybe, skipped, disabled, short = [], {}, {}, {}, []
    for requirement in catalog:
        rid = requirement.id
        if reason := ledger.disabled_reason(rid):
            disabled[rid] = reason
            continue
        naming = [p for p in parts if rid in p.consumer.requirements]
        running = [p for p in naming if p.runs]
        if any(p.certain for p in running):
            judged.append(rid)
            continue
        reason = _skip_reason(naming, requirement.needs, conditions)
        if running:
            otherwise = f" (otherwise: {reason})" if reason else ""
            maybe[rid] = f"{'; '.join(_uncertain(p, conditions) for p in running)}{otherwise}"
            continue
        skipped[rid] = reason or "no suite test selected in this run judges it"
        if any(p.for_lack_of_calls for p in naming):
            short.append(rid)
    return Plan(conditions, parts, full, judged, maybe, skipped, disabled, short)


def _uncertain(part: Part, conditions: Conditions) -> str:
    """Why a running part may not judge its requirements."""
    label = part.consumer.label
    if part.consumer.needs.tier == "depth":
        return f"exercised only by {label}, whose random steps may not reach it"
    given = conditions.missing("create") or f"it gets {part.allowance} of the {part.calls} calls it asks for"
    return f"{label} creates too few calls: {given}; it judges only if the account's calls already let it"


def _skip_reason(naming: Sequence[Part], needs: Sequence[str], conditions: Conditions) -> str | None:
    """More calls would judge it: say so first; else the refusal of the part that names it first."""
    for part in naming:
        if part.for_lack_of_calls and part.refusal:
            return part.refusal
    for part in naming:
        if part.refusal:
            return part.refusal
    return Needs(tuple(needs)).missing(conditions)
