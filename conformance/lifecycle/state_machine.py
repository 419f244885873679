"""A Hypothesis state machine over real calls: random sequences of create, fetch, list, wait, cancel,
complete, redirect (Url) and delete, judged as they happen.

Each action is a `Story` action (`story.py`): the call-action checks judge the UPDATE-*/DELETE-* requirement that
the call's status just before makes decisive. After every step the invariants run the call-history checks on every
call seen so far: its statuses take legal steps, list answers agree with fetches, and an ended call never changes.
Verdicts go to the verifier, never to Hypothesis: a failure does not stop or shrink the run (shrinking
would replay real calls), so the run costs at most `max_examples` x `stateful_step_count` steps.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from conformance.checks import call_history
from conformance.checks.call_records import CallRecord
from conformance.checks.context import LifecycleContext
from conformance.checks.registry import check_of
from conformance.core.signals import CallBudgetExhausted
from conformance.core.statuses import ENDED, NOT_ANSWERED, STATUSES
from conformance.harness.harness import Harness
from conformance.lifecycle.story import Story

__all__ = [
    "CALLS_PER_EXAMPLE",
    "EMBEDDED_EXAMPLES",
    "MACHINE_SEED",
    "MACHINE_SETTINGS",
    "LifecycleMachine",
    "machine_calls",
    "machine_for",
    "machine_settings",
    "run_machine",
]

# Deterministic (cassette replay needs the same requests each run), small, no shrinking, no database.
# Hypothesis enables a random subset of the rules in each example (swarm testing) and its first example
# is the simplest one, so three examples rarely cover every action: where calls cost nothing and an example
# takes ~0.1 s (the embedded endpoint at its fast timings) the machine runs EMBEDDED_EXAMPLES. At live-like
# timings an example takes seconds, as on a provider, and the machine runs what it runs on one.
# The seed of the machine's draws: the one derandomized Hypothesis drew from the machine class when the cassettes
# were recorded (its name and signature: its source is not found), so the draws are those the cassettes hold.
# Changing it means recording them again.
MACHINE_SEED = 17511431574188584450292182434096830842032132527727971039884441664253451529059300219335579785285743568486766297746012
MACHINE_SETTINGS = settings(
    max_examples=3,
    stateful_step_count=8,
    deadline=None,
    database=None,
    derandomize=True,
    phases=(Phase.generate,),
    suppress_health_check=list(HealthCheck),
    report_multiple_bugs=False,
    print_blob=False,
)
EMBEDDED_EXAMPLES = 10
CALLS_PER_EXAMPLE = 3
# What a created call does: stays up until ended here, hangs up once answered, or (embedded) never connects.
CALL_BEHAVIOURS = ("long", "short", "busy", "no-answer")


class LifecycleMachine(RuleBasedStateMachine):
    """The model is the `Story`: one `CallRecord` per call, every snapshot the endpoint showed of it."""

    harness: ClassVar[Harness]
    calls = Bundle("calls")

    def __init__(self) -> None:
        super().__init__()
        self.story = Story(self.harness)
        self.exhausted = False
        self.failed: set[tuple[str, str]] = set()

    @property
    def live(self) -> bool:
        """Whether acting still makes sense: the run is not ending and the endpoint still answers."""
        return not (self.harness.stopping.is_set() or self.harness.client.dead)

    # ------------------------------------------------------------------ rules
    @initialize(target=calls)
    def first_call(self) -> Any:
        return self._create("long")

    @precondition(
        lambda self: self.live and not self.exhausted and len(self.story.records) < CALLS_PER_EXAMPLE
    )
    @rule(target=calls, kind=st.sampled_from(CALL_BEHAVIOURS))
    def create(self, kind: str) -> Any:
        return self._create(kind)

    def _create(self, kind: str) -> Any:
        to = self.harness.to_numbers.get(kind)
        try:
            record = self.story.create(long=kind == "long", to=to)
        except CallBudgetExhausted:
            self.exhausted = True
            return multiple()
        return multiple() if record is None else record.sid

    @rule(sid=calls)
    def fetch(self, sid: str) -> None:
        if self.live:
            self.story.fetch(self.story.records[sid])

    @rule()
    def list(self) -> None:
        if self.live:
            self.story.list()

    @precondition(lambda self: self.live)
    @rule(sid=calls)
    def wait(self, sid: str) -> None:
        """Let the call settle: fetch until it is in progress or has ended (a long call then stays up)."""
        record = self.story.records[sid]
        if record.deleted_as is not None or record.status not in NOT_ANSWERED:
            self.story.fetch(record)
            return
        limit = 2.0 if self.harness.settings.embedded else min(10.0, self.story.deadline)
        self.story.poll(
            record, lambda s: s == "in-progress" or s in ENDED or s not in STATUSES, timeout=limit
        )

    @precondition(lambda self: self.live)
    @rule(sid=calls)
    def cancel(self, sid: str) -> None:
        self.story.cancel(self.story.records[sid])

    @precondition(lambda self: self.live)
    @rule(sid=calls)
    def complete(self, sid: str) -> None:
        self.story.complete(self.story.records[sid])

    @precondition(lambda self: self.live)
    @rule(sid=calls)
    def redirect(self, sid: str) -> None:
        self.story.redirect(self.story.records[sid])

    @precondition(lambda self: self.live)
    @rule(sid=calls)
    def delete(self, sid: str) -> None:
        """Deletes ended and unfinished calls alike: the status just before says which answer is due."""
        self.story.delete(self.story.records[sid])

    # ------------------------------------------------------------------ invariants
    @invariant()
    def paths_are_legal(self) -> None:
        self._check_every_call(call_history.statuses_take_legal_steps)

    @invariant()
    def lists_agree_with_fetches(self) -> None:
        self._check_every_call(call_history.lists_agree_with_fetches)

    @invariant()
    def ended_calls_never_change(self) -> None:
        self._check_every_call(call_history.ended_call_never_changes)

    def _check_every_call(self, check: Callable[[LifecycleContext, CallRecord], None]) -> None:
        """Run a call-history check on every call once more, but report each call's failure of a requirement
        only once."""
        requirement = check_of(check).requirement
        for sid, record in self.story.records.items():
            if (requirement, sid) not in self.failed and not self.harness.verifier.check(
                check, self.story.context, record
            ):
                self.failed.add((requirement, sid))

    def teardown(self) -> None:
        """Hang up what is still up, so the next example starts from nothing of this one."""
        if self.live:
            self.story.hang_up_all()


def machine_for(harness: Harness) -> type[LifecycleMachine]:
    """The machine bound to one run's harness (a subclass with `harness` set)."""
    return type("LifecycleMachineOnSuite", (LifecycleMachine,), {"harness": harness})


def _examples(quick_calls: bool) -> int:
    return EMBEDDED_EXAMPLES if quick_calls else MACHINE_SETTINGS.max_examples


def machine_calls(quick_calls: bool) -> int:
    """The most calls the machine creates (`quick_calls`: on the embedded endpoint at its fast timings): each
    example makes at most CALLS_PER_EXAMPLE."""
    return _examples(quick_calls) * CALLS_PER_EXAMPLE


def machine_settings(harness: Harness) -> settings:
    """MACHINE_SETTINGS, with more examples where calls are quick (the embedded endpoint at its fast timings)."""
    return settings(MACHINE_SETTINGS, max_examples=_examples(harness.settings.quick_calls))


def run_machine(harness: Harness, using: settings | None = None) -> None:
    """Run the machine against the suite's endpoint; verdicts go to the suite's verifier.

    Hypothesis is handed a function making the machine, with MACHINE_SEED, not the class: derandomized, it would
    seed its draws from the source of what it is handed, and finding a class's source parses its whole module,
    which CPython 3.11 does not do safely while another thread parses too (SystemError: AST constructor recursion
    depth mismatch), as the suite's tests running beside the scenarios may."""
    machine = machine_for(harness)

    @seed(MACHINE_SEED)
    def make() -> LifecycleMachine:
        return machine()

    # Hypothesis documents that the factory may be a function; its annotation says a class.
    run_state_machine_as_test(make, settings=using or machine_settings(harness))  # type: ignore[arg-type]
