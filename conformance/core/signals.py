"""Signals that something was not judged: a check with nothing to judge (`NotApplicable`, nothing recorded), and a
test or scenario that could not judge its requirements here, with the reason (`NotJudged`; `NotAdmitted` when the
plan does not run it; `CallBudgetExhausted` when no call may be created any more). They are recorded as *skipped*
(`conformance.pytest.outcomes`), never as a verdict on the endpoint.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["CallBudgetExhausted", "NotAdmitted", "NotApplicable", "NotJudged"]


class NotApplicable(Exception):
    """Raised by a check whose subject carries nothing it could judge; nothing is recorded."""


class NotJudged(Exception):
    """The requirements named (none: those of the test or scenario that raised it) could not be judged here.

    The message names them before the reason when there is one ("UPDATE-REDIRECT: the call was never …").
    """

    def __init__(self, reason: str, requirements: Sequence[str] = ()) -> None:
        self.reason = reason
        self.requirements = tuple(requirements)
        named = f"{', '.join(self.requirements)}: " if len(self.requirements) == 1 else ""
        super().__init__(f"{named}{reason}")


class NotAdmitted(NotJudged):
    """The plan does not run this test or scenario (a capability the run lacks, or no calls left for it): its
    requirements already carry the plan's reason, so nothing more is recorded."""


class CallBudgetExhausted(NotJudged):
    """No call may be created any more (CALLS_MAX_CALLS reached, or the run is ending): not judged."""
