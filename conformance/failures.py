"""The suite's exceptions: a conformance failure is a test failure, anything else is a harness error."""

from __future__ import annotations

from typing import Any

__all__ = [
    "CallBudgetExhausted",
    "ConfigError",
    "ConformanceFailure",
    "EndpointUnavailable",
    "HarnessError",
    "NotApplicable",
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
    """Raised by a check function; the runner turns it into a ConformanceFailure of the check's requirement."""

    def __init__(self, title: str, *, received: Any = None, expected: Any = None) -> None:
        super().__init__(title)
        self.title = title
        self.received = received
        self.expected = expected


class NotApplicable(Exception):
    """Raised by a check whose subject carries nothing it could judge; nothing is recorded."""


class HarnessError(Exception):
    """The run itself could not be carried out (not a verdict on the endpoint)."""


class ConfigError(HarnessError):
    """A setting is missing or malformed."""


class EndpointUnavailable(HarnessError):
    """The endpoint refused the connection, hung past the timeout, or broke the transport."""


class CallBudgetExhausted(Exception):
    """Creating another call would exceed CALLS_MAX_CALLS; the requirement is skipped."""


def _short(value: Any, limit: int = 300) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def combine_failures(failures: list[ConformanceFailure]) -> ConformanceFailure:
    """One failure reporting several: the first's requirement, every message."""
    if len(failures) == 1:
        return failures[0]
    first = failures[0]
    rest = "\n".join(f.describe() for f in failures[1:])
    return ConformanceFailure(first.requirement, f"{first.title}\n  …\n{rest}", received=first.received,
                              expected=first.expected)
