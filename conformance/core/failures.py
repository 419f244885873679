"""The suite's typed outcomes: what a check or a test can end in besides passing.

- `Violation` (raised by a check) becomes a `ConformanceFailure` of the check's requirement, recorded once
  by the verifier; a conformance failure is an `AssertionError`, so pytest shows it as *failed*.
- `NotApplicable`: a check found nothing to judge; nothing is recorded.
- `NotJudged`: a test or scenario could not judge its requirements here (a capability the run lacks, a
  state the endpoint never reached, the call budget spent: `CallBudgetExhausted`), and why; they are
  recorded as skipped. `NotAdmitted`: the plan does not run it (its requirements carry the plan's reason).
- `HarnessError` and its kinds: the run itself could not be carried out (exit status 2, one line).
- `ConformanceFailure` shows what was judged (`conformance.core.evidence`): the request and answer, or the callback.

They become pytest outcomes in one place, `conformance.pytest.outcomes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from conformance.core.evidence import Evidence

__all__ = [
    "CallBudgetExhausted",
    "CallsLeftUp",
    "ConfigError",
    "ConformanceFailure",
    "CredentialsRefused",
    "EndpointUnavailable",
    "EndpointUnreachable",
    "FailureGroup",
    "HarnessError",
    "Interrupted",
    "NotAdmitted",
    "NotApplicable",
    "NotJudged",
    "RecordingRefused",
    "StaleCassettes",
    "SuiteTestsErrored",
    "UsageProblem",
    "Violation",
    "combine_failures",
]


class ConformanceFailure(AssertionError):
    """The endpoint broke a requirement; pytest reports it as *failed*.

    `evidence` is what lets a reader see it again (the exchange or callback judged); `occurrence` counts the
    failures of the requirement in the run (1: the first); `first` says whether this is the first one a reader
    is shown (a test's, a scenario's or a warning), and `first_in` where that one is, so that later occurrences
    can be shown as one line referring to it.
    """

    def __init__(
        self,
        requirement: str,
        title: str,
        *,
        received: Any = None,
        expected: Any = None,
        detail: str | None = None,
        evidence: Evidence | None = None,
    ) -> None:
        self.requirement = requirement
        self.title = title
        self.received = received
        self.expected = expected
        self.detail = detail
        self.evidence = evidence
        self.occurrence = 1
        self.first = True
        self.first_in: str | None = None
        super().__init__(self.describe())

    def describe(self) -> str:
        """The full block: title, Received / Expected, detail, and the evidence (request, answer, curl)."""
        lines = [f"[{self.requirement}] {self.title}"]
        if self.received is not None:
            lines.append(f"  Received: {_short(self.received)}")
        if self.expected is not None:
            lines.append(f"  Expected: {_short(self.expected)}")
        if self.detail:
            lines += [f"  {line}" for line in self.detail.strip().splitlines() if line.strip()]
        if self.evidence is not None:
            lines += [f"  {line}" for line in self.evidence.lines()]
        return "\n".join(lines)

    def line(self) -> str:
        """One line for a later occurrence: the title, and where the first one (with its request) was shown."""
        where = f", in {self.first_in}" if self.first_in else ""
        return (
            f"[{self.requirement}] {self.title} (occurrence {self.occurrence} of this requirement; "
            f"the first{where}, shows the request)"
        )

    def shown(self) -> str:
        """What a test's report shows: the full block for a requirement's first failure, else one line."""
        return self.describe() if self.first else self.line()


class Violation(Exception):
    """Raised by a check function; the verifier turns it into a ConformanceFailure of the check's requirement.

    `detail` is free text shown as it is (say, a validator's own message); `evidence` names the exchange or
    callback judged when the check knows it better than the verifier does.
    """

    def __init__(
        self,
        title: str,
        *,
        received: Any = None,
        expected: Any = None,
        detail: str | None = None,
        evidence: Evidence | None = None,
    ) -> None:
        super().__init__(title)
        self.title = title
        self.received = received
        self.expected = expected
        self.detail = detail
        self.evidence = evidence


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


class HarnessError(Exception):
    """The run itself could not be carried out (not a verdict on the endpoint); `reason` is its one line."""

    prefix = ""

    @property
    def reason(self) -> str:
        return f"{self.prefix}: {self}" if self.prefix else str(self)


class ConfigError(HarnessError):
    """A setting is missing or malformed, or the run's inputs (a recording, a fault name) are unusable."""

    prefix = "configuration"


class UsageProblem(HarnessError):
    """The suite was asked for something it cannot do: a --calls-only pattern that selects nothing, a waiver
    file that is malformed or names an unknown requirement."""

    prefix = "usage"


class Interrupted(HarnessError):
    """The run was stopped before its end (Ctrl-C, or pytest stopped it)."""


class EndpointUnavailable(HarnessError):
    """The endpoint refused the connection, hung past the timeout, or broke the transport during the run."""

    prefix = "endpoint unavailable"


class EndpointUnreachable(EndpointUnavailable):
    """The endpoint could not be reached at all when the run started."""

    prefix = "endpoint unreachable"


class CredentialsRefused(HarnessError):
    """The endpoint answered the run's first request 401 or 403."""

    def __init__(self, status: int) -> None:
        super().__init__(f"the endpoint rejected CALLS_ACCOUNT_SID / CALLS_AUTH_TOKEN ({status})")


class StaleCassettes(HarnessError):
    """A replay asked for something the cassettes do not hold, or left recorded interactions unused."""


class RecordingRefused(HarnessError):
    """A recording was not kept: a file would have shown a credential."""


class CallsLeftUp(HarnessError):
    """The run could not end calls it created."""

    def __init__(self, sids: Sequence[str]) -> None:
        self.sids = tuple(sids)
        super().__init__(f"could not end calls the run created: {', '.join(self.sids)}")


class SuiteTestsErrored(HarnessError):
    """Suite tests errored: a bug of the suite, or a replay the cassettes could not answer."""

    def __init__(self, nodeids: Sequence[str]) -> None:
        self.nodeids = tuple(nodeids)
        super().__init__(f"{len(self.nodeids)} suite test(s) errored: {', '.join(self.nodeids[:3])}")


def _short(value: Any, limit: int = 300) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class FailureGroup(ConformanceFailure):
    """Several failures of one test, reported together: each first occurrence in full, later ones as a line."""

    def __init__(self, failures: Sequence[ConformanceFailure]) -> None:
        self.failures = tuple(failures)
        first = self.failures[0]
        super().__init__(first.requirement, first.title, received=first.received, expected=first.expected)

    def describe(self) -> str:
        """Per requirement, in the order they first failed here: its first failure here as `shown()`, and how
        many more this test saw."""
        by_requirement: dict[str, list[ConformanceFailure]] = {}
        for failure in getattr(self, "failures", ()):
            by_requirement.setdefault(failure.requirement, []).append(failure)
        lines = []
        for failures in by_requirement.values():
            lines.append(failures[0].shown())
            if len(failures) > 1:
                lines.append(
                    f"  (and {len(failures) - 1} more failure(s) of {failures[0].requirement} in this test)"
                )
        return "\n".join(lines)


def combine_failures(failures: Sequence[ConformanceFailure]) -> ConformanceFailure:
    """One failure reporting several (a test's): each shown once, its first occurrence in full."""
    return FailureGroup(failures)
