"""Two providers compared through their recordings: the requirements whose verdicts differ, then the answers to the
same requests, and the callbacks of the same calls, field by field.

Built on the drift machinery (`exchanges.py`, `differences.py`): requests pair up by actor and what was asked
(with sids numbered and the `.json` suffix, which one profile's paths carry, left aside); answers are compared
by status code (per operation), then field by field (added, removed, of another JSON type, of another value),
each change said once per subject: the Call object (in any answer that shows one, a list's items included),
the list envelope, the error body of an operation, each kind of callback. What always differs between two
providers is counted, not shown: sids, dates, tokens, hosts and the API's base path; measurements and timing;
answers to repeated requests; requests only one recording asked (some forms differ with the profile); and
requests that are not the same requests although they look alike: the generated ones (drawn from each
profile's own spec, so the calls they touch were not in the same state) and the session's (the preflight, and
ending the run's calls, which depends on how each call went).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conformance.cassettes.differences import Tally, body_fields, field_changes, volatile
from conformance.cassettes.exchanges import Exchanges, callbacks, exchanges, manifest

__all__ = ["MAX_LINES", "compare_recordings"]

MAX_LINES = 40
KINDS = ("status code", "type", "field", "value")
_SUFFIX = re.compile(r"\.json(?=$|[?#&\s\"])")
_OPERATIONS = {
    ("POST", False): "create",
    ("GET", False): "list",
    ("GET", True): "fetch",
    ("POST", True): "update",
    ("DELETE", True): "delete",
}
_ITEMS = "calls[]."
# Actors whose requests are not compared (see the module's docstring).
NOT_COMPARED = ("session", "test_schema.py::test_generated_requests")
_LINK_NUMBER = re.compile(r"(?<=/)[0-9]+(?=$|[/?#])")


def _without_suffix(text: str) -> str:
    return _SUFFIX.sub("", text)


def _same(bases: list[str]) -> Callable[[Any], Any]:
    """What two providers' values look like once what always differs is taken out."""
    ordered = sorted((b for b in bases if b), key=len, reverse=True)

    def same(value: Any) -> Any:
        value = volatile(value)
        if not isinstance(value, str):
            return value
        for base in ordered:
            value = value.replace(base + "/", "{base}/")
        if value.startswith(("http://", "https://")):  # a documentation link: one change, whatever the code
            value = _LINK_NUMBER.sub("{code}", value)
        return _without_suffix(value)

    return same


def _operation(key: tuple[str, ...]) -> str:
    """The operation a request asked for: create, list, fetch, update or delete (a callback: its kind)."""
    if key[0] == "callbacks":
        return key[2].split(" #")[0]
    path = key[2].split("?")[0]
    one_call = path.startswith("/Calls/")
    return _OPERATIONS.get((key[1], one_call), f"{key[1]} {path}")


def _subjects(operation: str, code: int | None, body: Any) -> dict[str, dict[str, Any]]:
    """An answer's fields by what they belong to: the Call, the list envelope, an error body, or a callback."""
    fields = body_fields(body)
    if code is None:
        return {operation: fields}
    if code >= 400:
        return {f"error body ({operation})": fields}
    if operation != "list":
        return {"Call": fields}
    calls = {name.removeprefix(_ITEMS): v for name, v in fields.items() if name.startswith(_ITEMS)}
    envelope = {name: v for name, v in fields.items() if not name.startswith(_ITEMS)}
    return {"Call": calls, "list envelope": envelope}


def _compare(old: Exchanges, new: Exchanges, tally: Tally, same: Callable[[Any], Any]) -> None:
    """Add to `tally` how the answers to the requests both recordings asked differ, each change once per
    subject (with how often it was seen)."""
    for key in sorted(set(old) | set(new)):
        if key not in old or key not in new or key[0].startswith(NOT_COMPARED):
            tally.unpaired += 1
            continue
        tally.repeats += max(len(old[key]), len(new[key])) - 1
        (old_code, old_body), (new_code, new_body) = old[key][-1], new[key][-1]
        operation = _operation(key)
        if old_code != new_code:
            tally.add(
                "status code", f"{operation}: {_answer(old_code, old_body)} → {_answer(new_code, new_body)}"
            )
            continue
        before, after = _subjects(operation, old_code, old_body), _subjects(operation, new_code, new_body)
        for subject in sorted(set(before) | set(after)):
            changes = field_changes(before.get(subject, {}), after.get(subject, {}), tally, same=same)
            for kind, change in changes:
                tally.add(kind, f"{subject}: {change}")


def _answer(code: int | None, body: Any) -> str:
    """A status code, with the error code its body carries (`400 (code 10000)`)."""
    error = body.get("code") if isinstance(body, dict) else None
    errors = body.get("errors") if isinstance(body, dict) else None
    if error is None and isinstance(errors, list) and errors and isinstance(errors[0], dict):
        error = errors[0].get("code")
    return f"{code}" + (f" (code {error})" if error is not None else "")


def _section(title: str, lines: list[str], limit: int) -> list[str]:
    shown = lines[:limit] + ([f"… and {len(lines) - limit} more"] if len(lines) > limit else [])
    return [f"{title}: {len(lines)}", *(f"  {line}" for line in shown)]


def _verdicts(first: dict[str, Any], second: dict[str, Any]) -> list[str]:
    old, new = first.get("verdict", {}), second.get("verdict", {})
    return [
        f"{requirement}: {old.get(requirement, 'absent')} → {new.get(requirement, 'absent')}"
        for requirement in sorted(set(old) | set(new))
        if old.get(requirement) != new.get(requirement)
    ]


def _who(directory: Path, recording: dict[str, Any]) -> str:
    mode = "embedded" if recording.get("embedded") else "external"
    return f"{directory} ({recording.get('profile', '?')} profile, {mode}, base path {recording.get('base_path')})"


def compare_recordings(first: Path, second: Path, limit: int = MAX_LINES) -> list[str]:
    """The comparison of the recording in `first` with the one in `second`, as a reader wants it."""
    a, b = manifest(first), manifest(second)
    missing = [str(d) for d, m in ((first, a), (second, b)) if not m]
    if missing:
        return [f"compare: no recording in {' or '.join(missing)} (run.json is missing): record one first"]
    same = _same([a.get("base_path", ""), b.get("base_path", "")])
    answers, calls = Tally(KINDS), Tally(KINDS)
    for name in sorted({p.name for p in (*first.glob("*.yaml"), *second.glob("*.yaml"))}):
        pair = exchanges(first / name, _without_suffix), exchanges(second / name, _without_suffix)
        _compare(*pair, answers, same)
    _compare(callbacks(first), callbacks(second), calls, same)
    ignored = (
        f"ignored: {answers.volatile + calls.volatile} differences in sids, dates, tokens, hosts and base paths; "
        f"{answers.timing + calls.timing} in measurements and timing (media figures, durations, calls still "
        f"active, times not yet set); {answers.repeats + calls.repeats} answers to repeated requests (a poll is "
        f"compared by its last answer); {answers.unpaired} requests and {calls.unpaired} callbacks not compared "
        f"(asked by one recording only, generated from each profile's spec, or the session's own)"
    )
    return [
        f"compare {_who(first, a)}",
        f"   with {_who(second, b)}",
        *_section("requirements whose verdicts differ", _verdicts(a, b), limit),
        *_section(
            "answers that differ (what: change, and how many answers showed it)", answers.lines(), limit
        ),
        *_section("callbacks and document requests that differ", calls.lines(), limit),
        ignored,
    ]
