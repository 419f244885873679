"""How a run ends on paper: from what the ledger saw (or nothing, when the run never started) to the verdict and
the reports, written in every case so that a CI artefact never shows an older run's verdict.

Used by the run at its end, and by the `calls-conformance` command when pytest stopped before the suite could
write anything (a usage error of pytest's own).
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from conformance.core.catalog import Catalog, load_catalog
from conformance.core.outcomes import Ledger, Result
from conformance.core.redaction import strip_userinfo
from conformance.core.settings import PROFILES, raw_setting
from conformance.core.verdict import Verdict, decide, not_carried_out
from conformance.core.waivers import Waiver, WaiverStatus, apply_waivers, today
from conformance.reports.facts import Facts
from conformance.reports.writer import append_step_summary, write_reports

__all__ = [
    "DEFAULT_REPORT_DIR",
    "Conclusion",
    "conclude",
    "raw_report_dir",
    "raw_secrets",
    "raw_target",
    "suite_version",
    "utc_now",
    "write_conclusion",
]

DEFAULT_REPORT_DIR = Path("reports")


def utc_now() -> str:
    """The time now, ISO 8601 in UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def suite_version() -> str:
    """The installed calls-conformance's version (package metadata)."""
    try:
        return importlib.metadata.version("calls-conformance")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


class Conclusion:
    """The final results (waivers applied, or all skipped when the run was not carried out) and the verdict."""

    def __init__(self, results: list[Result], verdict: Verdict, waivers: Sequence[WaiverStatus]) -> None:
        self.results = results
        self.verdict = verdict
        self.waivers = tuple(waivers)


def conclude(
    judged: Sequence[Result] | None,
    *,
    reason: str | None,
    strict: bool,
    waivers: Sequence[Waiver] = (),
    catalog: Catalog | None = None,
    profile: str = "signalwire",
) -> Conclusion:
    """The conclusion of a run: `judged` is the ledger's results (None: the run never started)."""
    if judged is None:
        judged = Ledger(catalog or load_catalog(), profile, frozenset()).results()
        reason = reason or "the run never started"
    if reason is not None:
        results = not_carried_out(judged, reason)
        return Conclusion(results, decide(results, reason=reason, strict=strict), ())
    results, statuses = apply_waivers(judged, waivers, today())
    return Conclusion(results, decide(results, strict=strict), statuses)


def write_conclusion(
    directory: Path,
    conclusion: Conclusion,
    facts: Facts,
    secrets: Iterable[str],
    environ: Mapping[str, str] = os.environ,
) -> list[Path]:
    """Write the reports to `directory`, or to the default one when that cannot be written; under GitHub Actions
    (GITHUB_STEP_SUMMARY set), append the matrix to the step summary too."""
    secrets = tuple(secrets)
    _step_summary(environ.get("GITHUB_STEP_SUMMARY"), conclusion, facts, secrets)
    try:
        return write_reports(directory, conclusion.results, conclusion.verdict, facts, secrets)
    except OSError:
        if directory == DEFAULT_REPORT_DIR:
            raise
        return write_reports(DEFAULT_REPORT_DIR, conclusion.results, conclusion.verdict, facts, secrets)


def _step_summary(path: str | None, conclusion: Conclusion, facts: Facts, secrets: Sequence[str]) -> None:
    """The matrix appended to GitHub's step summary; a summary that cannot be written costs the run nothing."""
    if not path:
        return
    try:
        append_step_summary(Path(path), conclusion.results, conclusion.verdict, facts, secrets)
    except OSError as exc:
        print(f"calls-conformance: step summary not written ({path}): {exc}", file=sys.stderr)


# ---------------------------------------------------------------------- settings as given, when unresolved
def raw_report_dir(options: Mapping[str, Any], environ: Mapping[str, str]) -> Path:
    """Where reports go, read without resolving the other settings (the default when unset)."""
    value, _ = raw_setting("report_dir", options, environ)
    return Path(value) if value else DEFAULT_REPORT_DIR


def raw_target(options: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, str]:
    """The target as given (for the reports of a run whose settings could not be resolved)."""
    base_url, _ = raw_setting("base_url", options, environ)
    profile, _ = raw_setting("profile", options, environ)
    return {
        "base_url": strip_userinfo(base_url or ""),
        "profile": profile if profile in PROFILES else "signalwire",
        "mode": "external" if base_url else "embedded",
    }


def raw_secrets(options: Mapping[str, Any], environ: Mapping[str, str]) -> tuple[str, ...]:
    """The credentials as given, so that even a run that never started shows none."""
    values = (raw_setting(name, options, environ)[0] for name in ("auth_token", "signing_key"))
    return tuple(value for value in values if value)
