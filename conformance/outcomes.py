"""Per-requirement outcomes: a lattice where the worst observation wins, and the ledger that collects them."""

from __future__ import annotations

import dataclasses
import enum
import threading

from conformance.catalog import Catalog, Requirement

__all__ = ["Ledger", "Outcome", "Result"]


class Outcome(enum.IntEnum):
    """Ordered so that max() of two observations is the one that stands."""

    DISABLED = 0
    SKIPPED = 1
    PASSED = 2
    FAILED = 3

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclasses.dataclass
class Result:
    """What the run concluded about one requirement."""

    requirement: Requirement
    outcome: Outcome
    message: str = ""
    observations: int = 0
    failures: int = 0

    @property
    def warned(self) -> bool:
        return self.outcome is Outcome.FAILED and self.requirement.level == "SHOULD"


class Ledger:
    """Collects observations during a run; `results()` gives one Result per catalog requirement."""

    def __init__(self, catalog: Catalog, profile: str, capabilities: frozenset[str]) -> None:
        self.catalog = catalog
        self.profile = profile
        self.capabilities = capabilities
        self._lock = threading.Lock()
        self._results: dict[str, Result] = {}

    def disabled_reason(self, requirement_id: str) -> str | None:
        """Why a requirement is not judged in this run at all (profile or exclusion), else None."""
        requirement = self.catalog[requirement_id]
        if requirement.excluded:
            return f"not checked by this suite: {requirement.excluded}"
        if not requirement.applies_to(self.profile):
            return f"not part of the {self.profile} profile"
        return None

    def missing_capability(self, requirement_id: str) -> str | None:
        """The capability this run lacks for the requirement, described, else None."""
        for need in self.catalog[requirement_id].needs:
            if reason := self.missing_capability_named(need):
                return reason
        return None

    def missing_capability_named(self, capability: str) -> str | None:
        """Why the run lacks `capability`, or None when it has it."""
        return None if capability in self.capabilities else _CAPABILITY_REASONS[capability]

    def record(self, requirement_id: str, outcome: Outcome, message: str = "") -> None:
        """Add one observation; a failure's first message is kept, later ones are counted."""
        requirement = self.catalog[requirement_id]
        with self._lock:
            result = self._results.setdefault(requirement_id, Result(requirement, Outcome.DISABLED))
            result.observations += 1
            if outcome is Outcome.FAILED:
                result.failures += 1
            if outcome > result.outcome:
                result.outcome, result.message = outcome, message
            elif outcome is result.outcome and not result.message:
                result.message = message

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
                result = dataclasses.replace(seen)
                if result.failures > 1:
                    result.message += f" (and {result.failures - 1} more)"
                results.append(result)
        return results


_CAPABILITY_REASONS = {
    "create": "the run may not create calls (CALLS_MAX_CALLS=0)",
    "callbacks": "no callback receiver the endpoint can reach (set CALLS_CALLBACK_URL)",
}
