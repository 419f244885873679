"""The run's verdict and exit status (interface.md): conformant, partial, not-conformant or not-carried-out.

| verdict | when | exit |
|---|---|---|
| conformant | every applicable MUST requirement was judged and passed (waived ones aside) | 0 |
| partial | no MUST requirement failed, but some applicable ones were skipped, or nothing was judged | 0 (1 strict) |
| not-conformant | a MUST requirement failed (waived ones aside) | 1 |
| not-carried-out | the run itself could not be carried out | 2 |

A run not carried out reports every requirement it would have judged as *skipped*, with the reason, so that no
report shows a judgment of a run that did not happen.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from conformance.core.outcomes import Outcome, Result

__all__ = ["VERDICTS", "Verdict", "decide", "not_carried_out"]

VERDICTS = ("conformant", "partial", "not-conformant", "not-carried-out")


@dataclasses.dataclass(frozen=True)
class Verdict:
    """The verdict, its exit status and its one-line reason; `unjudged` lists the applicable MUST requirements
    that were skipped."""

    name: str
    exit_status: int
    reason: str
    unjudged: tuple[str, ...] = ()
    strict: bool = False

    @property
    def title(self) -> str:
        return self.name.upper()

    def line(self) -> str:
        """The terminal's last line."""
        return f"calls-conformance verdict: {self.title}: {self.reason} (exit {self.exit_status})"


def decide(results: Sequence[Result], *, reason: str | None = None, strict: bool = False) -> Verdict:
    """The verdict of `results`; `reason` (the run could not be carried out) decides it alone."""
    if reason is not None:
        return Verdict("not-carried-out", 2, reason, strict=strict)
    failed = [r.requirement.id for r in results if r.must_failed]
    unjudged = tuple(
        r.requirement.id for r in results if r.outcome is Outcome.SKIPPED and r.requirement.level == "MUST"
    )
    waived = sum(r.outcome is Outcome.WAIVED for r in results)
    aside = f"; {waived} waived" if waived else ""
    if failed:
        named = ", ".join(failed[:5]) + (f" and {len(failed) - 5} more" if len(failed) > 5 else "")
        return Verdict(
            "not-conformant", 1, f"{len(failed)} MUST requirement(s) failed: {named}{aside}", unjudged, strict
        )
    judged = [r for r in results if r.outcome in (Outcome.PASSED, Outcome.FAILED, Outcome.WAIVED)]
    if unjudged or not judged:
        what = (
            f"{len(unjudged)} applicable MUST requirement(s) not judged" if unjudged else "nothing was judged"
        )
        hint = "" if strict else " (CALLS_STRICT=1 fails such a run)"
        return Verdict("partial", 1 if strict else 0, f"{what}{aside}{hint}", unjudged, strict)
    return Verdict("conformant", 0, f"every applicable MUST requirement passed{aside}", (), strict)


def not_carried_out(results: Sequence[Result], reason: str) -> list[Result]:
    """`results` of a run that could not be carried out: all but the disabled ones skipped, with the reason (a
    failure seen before the run stopped is named in the message, never reported as a verdict)."""
    out = []
    for result in results:
        if result.outcome is Outcome.DISABLED:
            out.append(result)
            continue
        message = f"the run could not be carried out: {reason}"
        if result.outcome is Outcome.FAILED:
            first = (result.message.splitlines() or [""])[0]
            message += f" (before it stopped, this requirement had failed: {first})"
        out.append(Result(result.requirement, Outcome.SKIPPED, message, result.observations, result.failures))
    return out
