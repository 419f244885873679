"""What the terminal says at the end of a run: the verdict table, the waivers, the cassettes, and, last of all,
the verdict line (with the one-line reason of a run that could not be carried out)."""

from __future__ import annotations

from conformance.report import verdict_lines
from conformance.run import Run

__all__ = ["final_line", "summary_lines"]


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
    if run.suite is not None:
        client = run.suite.client
        lines.append(
            f"HTTP exchanges: {client.exchanges}; calls created: {len(client.created)}; reports: {where}"
        )
    return lines


def _cassettes(run: Run) -> list[str]:
    note = [run.cassette_note] if run.cassette_note else []
    if run.cassettes is None or run.suite is None:
        return note
    return [*note, *run.cassettes.lines(run.results() or [])]
