"""Per-requirement outcomes: a lattice where the worst observation wins, and the ledger that collects them."""

from __future__ import annotations

import dataclasses
import enum
import threading
from collections.abc import Collection, Mapping

from conformance.core.catalog import Catalog, Requirement

__all__ = ["MESSAGES_KEPT", "Ledger", "Outcome", "Result"]

# How many occurrences of a requirement's failure the reports keep in full; the rest are counted.
MESSAGES_KEPT = 10


class Outcome(enum.IntEnum):
    """Ordered so that max() of two observations is the one that stands.

    WAIVED is never observed: a waiver (`conformance.core.waivers`) turns a failure into it once the run is over.
    """

    DISABLED = 0
    SKIPPED = 1
    PASSED = 2
    FAILED = 3
    WAIVED = 4

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclasses.dataclass
class Result:
    """What the run concluded about one requirement.

    `messages` keeps the first MESSAGES_KEPT failure messages (or the one message of another outcome);
    `failures` counts every failure observed.
    """

    requirement: Requirement
    outcome: Outcome
    message: str = ""
    observations: int = 0
    failures: int = 0
    messages: list[str] = dataclasses.field(default_factory=list)
    note: str = ""

    @property
    def warned(self) -> bool:
        return self.outcome is Outcome.FAILED and self.requirement.level == "SHOULD"

    @property
    def must_failed(self) -> bool:
        return self.outcome is Outcome.FAILED and self.requirement.level == "MUST"


class Ledger:
    """Collects observations during a run; `results()` gives one Result per catalog requirement.

    `selected` (None: all) are the requirements the run judges; the others are disabled (--calls-only).
    `reasons` say why the run lacks a capability (the run's conditions); a default reason stands in otherwise.
    """

    def __init__(
        self,
        catalog: Catalog,
        profile: str,
        capabilities: frozenset[str],
        selected: Collection[str] | None = None,
        reasons: Mapping[str, str] | None = None,
    ) -> None:
        self.catalog = catalog
        self.profile = profile
        self.capabilities = capabilities
        self.reasons = dict(reasons or {})
        self.selected = frozenset(selected) if selected is not None else None
        self._lock = threading.Lock()
        self._results: dict[str, Result] = {}

    def disabled_reason(self, requirement_id: str) -> str | None:
        """Why a requirement is not judged in this run at all (profile, exclusion, selection), else None."""
        requirement = self.catalog[requirement_id]
        if requirement.excluded:
            return f"not checked by this suite: {requirement.excluded}"
        if not requirement.applies_to(self.profile):
            return f"not part of the {self.profile} profile"
        if self.selected is not None and requirement_id not in self.selected:
            return "not selected in this run (--calls-only)"
        return None

    def missing_capability(self, requirement_id: str) -> str | None:
        """The capability this run lacks for the requirement, described, else None."""
        for need in self.catalog[requirement_id].needs:
            if reason := self.missing_capability_named(need):
                return reason
        return None

    def missing_capability_named(self, capability: str) -> str | None:
        """Why the run lacks `capability`, or None when it has it."""
        if capability in self.capabilities:
            return None
        return self.reasons.get(capability) or _CAPABILITY_REASONS.get(
            capability, f"the run lacks {capability}"
        )

    def record(self, requirement_id: str, outcome: Outcome, message: str = "") -> int:
        """Add one observation; failure messages are kept up to MESSAGES_KEPT. Returns how many failures of
        the requirement the run has seen (this one included)."""
        requirement = self.catalog[requirement_id]
        with self._lock:
            result = self._results.setdefault(requirement_id, Result(requirement, Outcome.DISABLED))
            result.observations += 1
            if outcome is Outcome.FAILED:
                result.failures += 1
                if len(result.messages) < MESSAGES_KEPT:
                    result.messages.append(message)
            if outcome > result.outcome:
                result.outcome, result.message = outcome, message
            elif outcome is result.outcome and not result.message:
                result.message = message
            return result.failures

    def results(self) -> list[Result]:
        """One Result per requirement, in catalog order, disabled and unexercised ones included."""
        results = []
        for requirement in self.catalog:
            reason = self.disabled_reason(requirement.id)
            if reason:
                results.append(Result(requirement, Outcome.DISABLED, reason))
                continue
            with self._lock:
                seen = self._results.get(requirement.id)
            if seen is None or seen.outcome is Outcome.DISABLED:
                reason = self.missing_capability(requirement.id) or "not exercised in this run"
                results.append(Result(requirement, Outcome.SKIPPED, reason))
            else:
                result = dataclasses.replace(seen, messages=list(seen.messages))
                if result.outcome is Outcome.FAILED:
                    result.message = _failure_message(result)
                results.append(result)
        return results


def _failure_message(result: Result) -> str:
    """Every kept occurrence, in order, then how many there were in all."""
    text = "\n\n".join(result.messages) or result.message
    if result.failures > 1:
        kept = len(result.messages)
        shown = f"; the first {kept} are shown" if kept < result.failures else ""
        text += f"\n\n({result.failures} occurrences in all{shown})"
    return text


_CAPABILITY_REASONS = {
    "create": "the run may not create calls (CALLS_MAX_CALLS=0)",
    "callbacks": "no callback receiver the endpoint can reach (set CALLS_CALLBACK_URL)",
}
