"""What the terminal says: progress while scenarios run (`ProgressLine`); the plan (`plan_lines`); at the end of a
run the verdict table, the waivers, the calls, the cassettes, and, last of all, the verdict line (with the one-line
reason of a run that could not be carried out)."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

from conformance.reports.writer import verdict_lines
from conformance.run.run import Run

__all__ = ["ProgressLine", "Terminal", "final_line", "plan_lines", "summary_lines"]

PREFIX = "calls-conformance: "


class Terminal:
    """pytest's terminal reporter, written to while a test runs: output capturing is suspended around each write
    (as pytest's own live logging does), from any thread, one write at a time."""

    def __init__(self, reporter: Any, capture: Any | None) -> None:
        self.reporter = reporter
        self.capture = capture
        self.tty = bool(getattr(reporter, "isatty", False))
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def _uncaptured(self) -> Iterator[None]:
        with self._lock:
            if self.capture is None:
                yield
                return
            with self.capture.global_and_fixture_disabled():
                yield

    def _newline(self) -> None:
        """Start on a line of its own (after the progress dots of -q too)."""
        self.reporter.ensure_newline()
        writer = getattr(self.reporter, "_tw", None)
        if getattr(writer, "width_of_current_line", 0):
            self.reporter.write("\n")

    def lines(self, lines: list[str]) -> None:
        with self._uncaptured():
            self._newline()
            for line in lines:
                self.reporter.write_line(PREFIX + line)

    def rewrite(self, line: str, *, first: bool = False) -> None:
        with self._uncaptured():
            if first:
                self._newline()
            width = getattr(getattr(self.reporter, "_tw", None), "fullwidth", 80)
            self.reporter.rewrite(line if len(line) < width else line[: width - 2] + "…", erase=True)


class ProgressLine:
    """Progress on the terminal: one line rewritten in place on a terminal; elsewhere (a CI log) a line every
    `every` seconds, and nothing for scenarios that finish sooner."""

    def __init__(self, terminal: Terminal, every: float = 5.0) -> None:
        self.terminal = terminal
        self.every = every
        self._last: float | None = None
        self._shown = False

    def update(self, line: str) -> None:
        now = time.monotonic()
        if self.terminal.tty:
            self.terminal.rewrite(PREFIX + line, first=not self._shown)
            self._shown = True
        elif self._last is None:
            self._last = now
        elif now - self._last >= self.every:
            self.terminal.lines([line])
            self._last = now

    def close(self) -> None:
        if self.terminal.tty and self._shown:
            self.terminal.rewrite("")
            self.terminal.rewrite("")
        self._last, self._shown = None, False


def plan_lines(run: Run) -> list[str]:
    """The plan of a run with the current settings (nothing is contacted), also written to plan.json."""
    plan, callbacks = run.planned()
    target = run.target()
    where = target["base_url"] or "the embedded reference endpoint"
    lines = [f"target: {where} ({target['mode']}, profile {target['profile']})", *callbacks, *plan.lines()]
    directory = run.report_dir()
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "plan.json").write_text(json.dumps(plan.as_dict(), indent=2) + "\n", encoding="utf-8")
    return [*lines, f"written: {directory / 'plan.json'}"]


def summary_lines(run: Run) -> list[str]:
    """The lines of the end-of-run section: the verdict table (or counts), waivers, figures, cassettes."""
    return [*_verdict(run), *_cassettes(run)]


def final_line(run: Run) -> str | None:
    """The verdict, its reason and the exit status, or None when the run did not conclude."""
    return run.conclusion.verdict.line() if run.conclusion is not None else None


def _verdict(run: Run) -> list[str]:
    conclusion = run.conclusion
    if conclusion is None:
        return []
    lines = verdict_lines(conclusion.results, conclusion.verdict, run.secrets())
    lines += [
        f"waiver {w.waiver.id}: {w.status}: {w.note}" for w in conclusion.waivers if w.status != "applied"
    ]
    where = run.report_paths[0].parent if run.report_paths else run.report_dir()
    if where != run.report_dir():
        lines.append(f"reports: {run.report_dir()} could not be written; they are in {where}")
    if run.harness is not None:
        client = run.harness.client
        lines.append(
            f"HTTP exchanges: {client.exchanges}; calls created: {len(client.all_created)}; reports: {where}"
        )
    if run.plan is not None:
        lines.append(run.plan.budget_line())
        calls = run.calls() or {}
        if calls.get("unjudged_for_lack_of_calls"):
            lines.append(f"unjudged for lack of calls: {', '.join(calls['unjudged_for_lack_of_calls'])}")
        if calls.get("unjudged_because_creates_refused"):
            lines.append(
                f"unjudged because the endpoint refused every create ({calls['refused']}; see CREATE-2XX), not "
                f"for lack of calls: {', '.join(calls['unjudged_because_creates_refused'])}"
            )
    return lines


def _cassettes(run: Run) -> list[str]:
    note = [run.cassette_note] if run.cassette_note else []
    if run.cassettes is None or run.harness is None:
        return note
    return [*note, *run.cassettes.lines(run.results() or [])]
