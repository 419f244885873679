"""Verdicts on the endpoint: a check's `Violation`, and the `ConformanceFailure` the verifier makes of it.

- `Violation` (raised by a check) says what is wrong with the subject: a title, Received / Expected, detail.
- `ConformanceFailure` is that violation recorded against its requirement, with what lets a reader see it again
  (`conformance.core.evidence`: the request and answer, or the callback) and where it stands among the
  requirement's failures of the run. It is an `AssertionError`, so pytest shows it as *failed*; it is an
  immutable value, built once with everything it says.
- `FailureGroup` reports several failures of one test together.

What was not judged is a signal (`conformance.core.signals`); what stops the run is an error
(`conformance.core.errors`). They become pytest outcomes in one place, `conformance.pytest.outcomes`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from conformance.core.evidence import Evidence

__all__ = ["ConformanceFailure", "FailureGroup", "Violation", "combine_failures"]


class Violation(Exception):
    """Raised by a check function; the verifier records it as a ConformanceFailure of the check's requirement.

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


class ConformanceFailure(AssertionError):
    """The endpoint broke a requirement; pytest reports it as *failed*. Immutable once built.

    `evidence` is what lets a reader see it again (the exchange or callback judged); `occurrence` counts the
    failures of the requirement in the run (1: the first); `first` says whether this is the first one a reader
    is shown (a test's, a scenario's or a warning), and `first_in` where that one is, so that later occurrences
    can be shown as one line referring to it.
    """

    requirement: str
    title: str
    received: Any
    expected: Any
    detail: str | None
    evidence: Evidence | None
    occurrence: int
    first: bool
    first_in: str | None

    def __init__(
        self,
        requirement: str,
        title: str,
        *,
        received: Any = None,
        expected: Any = None,
        detail: str | None = None,
        evidence: Evidence | None = None,
        occurrence: int = 1,
        first: bool = True,
        first_in: str | None = None,
    ) -> None:
        fields = {
            "requirement": requirement,
            "title": title,
            "received": received,
            "expected": expected,
            "detail": detail,
            "evidence": evidence,
            "occurrence": occurrence,
            "first": first,
            "first_in": first_in,
        }
        for name, value in fields.items():
            object.__setattr__(self, name, value)
        super().__init__(self.describe())
        object.__setattr__(self, "_built", True)

    def __setattr__(self, name: str, value: Any) -> None:
        # pytest and the traceback machinery set dunder attributes (__traceback__, __cause__…) on exceptions.
        if getattr(self, "_built", False) and not name.startswith("__"):
            raise AttributeError(f"a ConformanceFailure is immutable: cannot set {name}")
        object.__setattr__(self, name, value)

    @classmethod
    def of(
        cls, requirement: str, violation: Violation, evidence: Evidence | None = None
    ) -> ConformanceFailure:
        """The failure a check's violation makes of `requirement`, before it is placed among the run's."""
        return cls(
            requirement,
            violation.title,
            received=violation.received,
            expected=violation.expected,
            detail=violation.detail,
            evidence=violation.evidence or evidence,
        )

    def placed(self, occurrence: int, first: bool, first_in: str | None) -> ConformanceFailure:
        """The same failure, placed among the requirement's failures of the run."""
        return ConformanceFailure(
            self.requirement,
            self.title,
            received=self.received,
            expected=self.expected,
            detail=self.detail,
            evidence=self.evidence,
            occurrence=occurrence,
            first=first,
            first_in=first_in,
        )

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


def _short(value: Any, limit: int = 300) -> str:
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class FailureGroup(ConformanceFailure):
    """Several failures of one test, reported together: each first occurrence in full, later ones as a line."""

    failures: tuple[ConformanceFailure, ...]

    def __init__(self, failures: Sequence[ConformanceFailure]) -> None:
        object.__setattr__(self, "failures", tuple(failures))
        first = self.failures[0]
        super().__init__(first.requirement, first.title, received=first.received, expected=first.expected)

    def describe(self) -> str:
        """Per requirement, in the order they first failed here: its first failure here as `shown()`, and how
        many more this test saw."""
        by_requirement: dict[str, list[ConformanceFailure]] = {}
        for failure in self.failures:
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
