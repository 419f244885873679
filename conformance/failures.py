"""The suite's typed outcomes: what a check or a test can end in besides passing.

- `Violation` (raised by a check) becomes a `ConformanceFailure` of the check's requirement, recorded once
  by the verifier; a conformance failure is an `AssertionError`, so pytest shows it as *failed*.
- `NotApplicable`: a check found nothing to judge; nothing is recorded.
- `NotJudged`: a test or scenario could not judge its requirements here (a capability the run lacks, a
  state the endpoint never reached, the call budget spent: `CallBudgetExhausted`), and why; they are
  recorded as skipped.
- `HarnessError` and its kinds: the run itself could not be carried out (exit status 2, one line).

They become pytest outcomes in one place, `conformance.pytest_outcomes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = [
    "CallBudgetExhausted",
    "CallsLeftUp",
    "ConfigError",
    "ConformanceFailure",
    "CredentialsRefused",
    "EndpointUnavailable",
    "EndpointUnreachable",
    "HarnessError",
    "NotApplicable",
    "NotJudged",
    "RecordingRefused",
    "StaleCassettes",
    "SuiteTestsErrored",
    "Violation",
    "combine_failures",
]


class ConformanceFailure(AssertionError):
    """The endpoint broke a requirement; pytest reports it as *failed*."""

    def __init__(self, requirement: str, title: str, *, received: Any = None, expected: Any = None) -> None:
        self.requirement = requirement
        self.title = title
        self.received = received
        self.expected = expected
        super().__init__(self.describe())

    def describe(self) -> str:
        """Title with the Received / Expected lines, as one short message."""
        lines = [f"[{self.requirement}] {self.title}"]
        if self.received is not None:
            lines.append(f"  Received: {_short(self.received)}")
        if self.expected is not None:
            lines.append(f"  Expected: {_short(self.expected)}")
        return "\n".join(lines)


class Violation(Exception):
    """Raised by a check function; the verifier turns it into a ConformanceFailure of the check's requirement."""

    def __init__(self, title: str, *, received: Any = None, expected: Any = None) -> None:
        super().__init__(title)
        self.title = title
        self.received = received
        self.expected = expected


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


def combine_failures(failures: Sequence[ConformanceFailure]) -> ConformanceFailure:
    """One failure reporting several: the first's requirement, every message."""
    if len(failures) == 1:
        return failures[0]
    first = failures[0]
    rest = "\n".join(f.describe() for f in failures[1:])
    return ConformanceFailure(
        first.requirement, f"{first.title}\n  …\n{rest}", received=first.received, expected=first.expected
    )
