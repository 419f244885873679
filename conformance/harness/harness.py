"""The `Harness` every suite test and scenario gets: the run's client, verifier, settings, receiver, clock,
plan and progress board, and the few helpers the tests share. It carries no run machinery (the run builds it:
`conformance.run.run`).
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from conformance.checks.context import AnswerContext
from conformance.core.clock import Clock
from conformance.core.signals import NotAdmitted, NotJudged
from conformance.plan.plan import Plan
from conformance.plan.progress import Progress

if TYPE_CHECKING:
    import httpx

    from conformance.core.settings import Settings
    from conformance.harness.client import CallsClient
    from conformance.harness.verifier import Verifier
    from conformance.receiver import CallbackReceiver

__all__ = ["Harness"]


@dataclasses.dataclass
class Harness:
    """What a suite test gets: the client, the verifier, the run's settings and clock (and receiver, if any)."""

    settings: Settings
    client: CallsClient
    verifier: Verifier
    clock: Clock
    to_numbers: dict[str, str] = dataclasses.field(default_factory=dict)
    receiver: CallbackReceiver | None = None
    stopping: threading.Event = dataclasses.field(default_factory=threading.Event)
    metrics: dict[str, Any] = dataclasses.field(default_factory=dict)
    plan: Plan | None = None
    # The embedded endpoint's word that it has nothing more to do for a call (`settled(sid, timeout)`: ended, its
    # documents fetched, its callbacks sent); None for any other endpoint, and in a replay.
    settled: Callable[[str, float], bool] | None = None
    progress: Progress = dataclasses.field(init=False)

    def __post_init__(self) -> None:
        self.progress = Progress(self.clock)

    @property
    def profile(self) -> str:
        return self.settings.profile

    def require(self, capability: str) -> None:
        """NotJudged unless the run has `capability` (`conformance.core.terms.CAPABILITIES`)."""
        reason = self.verifier.ledger.missing_capability_named(capability)
        if reason:
            raise NotJudged(reason)

    def admit(self, needs: Sequence[str] = ()) -> None:
        """NotAdmitted when the run's plan does not run the current actor's part (a capability it lacks, or no
        calls left for it); without a plan, NotJudged for the first of `needs` the run lacks."""
        if self.plan is None:
            for need in needs:
                self.require(need)
            return
        reason = self.plan.refusal(self.clock.current_actor().name)
        if reason:
            raise NotAdmitted(reason)

    def answer(
        self, check: Callable[[AnswerContext, httpx.Response], None], response: httpx.Response, what: str
    ) -> bool:
        """Judge `response`, the answer to a request a test made for a reason (`what`, in words), with the
        registered answer check `check`; True unless it failed."""
        return self.verifier.check(check, AnswerContext(self.profile, what), response, response=response)

    def laml_url(self, scenario: str = "hangup", token: str | None = None) -> str:
        """A LaML document the call runs: `hangup`, or `pause-N` (up N seconds, then hang up); under a receiver
        `token`, the receiver captures each request for it."""
        if self.receiver is not None:
            return self.receiver.laml_url(scenario, token)
        return f"http://127.0.0.1:9/laml/{scenario}"  # nothing listens: the endpoint's fetch fails fast

    def create_form(self, to: str | None = None, *, scenario: str = "hangup", **extra: Any) -> dict[str, Any]:
        """A valid create body: the run's numbers and the LaML document of `scenario` as Url."""
        form: dict[str, Any] = {
            "To": to or self.settings.to_number,
            "From": self.settings.from_number,
            "Url": self.laml_url(scenario),
        }
        form.update(extra)
        return form
