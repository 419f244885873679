"""What changed between two recordings, as a reader wants it: the verdict, then fields of the responses.

Exchanges are paired by who asked (the actor) and what was asked, with sids numbered in the order the
actor first used them (`{sid1}`, `{sid2}`, …), so the same story pairs up across recordings although
every sid differs. A request asked several times (a poll) is compared by its last answer, the settled
one. Values that differ in every recording (dates, sids, tokens) are not changes: they are counted and
said to be ignored. List pages are compared by the fields their calls carry, not by which calls they
hold. Captured callbacks are compared the same way, by call token, kind and order.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from conformance.cassettes.scrub import ACTOR_HEADER
from conformance.cassettes.store import CALLBACKS, MANIFEST
from conformance.graph import ACTIVE

__all__ = ["MAX_LINES", "drift"]

MAX_LINES = 20
# Sids (and page tokens) of either form: AB + 32 hex digits, or a UUID with an optional 2-letter prefix.
_SID = re.compile(
    r"\b(?:[A-Z]{2}[0-9a-fA-F]{32}|(?:[A-Z]{2})?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\b"
)
_DATE = re.compile(
    r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}\b"
    r"|\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
)
_TOKEN = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{24}\b")
_ACTIVE_WORD = re.compile(r"\b(?:" + "|".join(sorted(ACTIVE)) + r")\b")
_MISSING = object()


class _Tally:
    """Changes seen (each with how often, by kind: the first kinds are shown first) and what was ignored."""

    KINDS = ("verdict", "status code", "field", "value", "asked")

    def __init__(self) -> None:
        self.changes: dict[str, Counter[str]] = {kind: Counter() for kind in self.KINDS}
        self.volatile = 0  # dates, sids and tokens: they differ every time
        self.timing = (
            0  # measurements, and what depends on the moment asked: a call still active, a time not yet set
        )
        self.repeats = 0  # answers to repeated asks, compared by their last one

    def add(self, kind: str, line: str) -> None:
        self.changes[kind][line] += 1

    def lines(self) -> list[str]:
        return [
            line + (f" (x{count})" if count > 1 else "")
            for kind in self.KINDS
            for line, count in self.changes[kind].items()
        ]


def drift(previous: Path, current: Path, limit: int = MAX_LINES) -> list[str]:
    """The drift of the recording in `current` against the one in `previous`, as at most `limit` change lines
    under a heading, and a last line saying what was ignored."""
    if not (previous / MANIFEST).exists():
        return [f"drift: no previous recording in {previous} to compare with"]
    tally = _Tally()
    for line in _verdict_changes(previous, current):
        tally.add("verdict", line)
    for name in sorted({p.name for p in (*previous.glob("*.yaml"), *current.glob("*.yaml"))}):
        _compare(_exchanges(previous / name), _exchanges(current / name), tally)
    _compare(_callbacks(previous), _callbacks(current), tally)
    lines = tally.lines()
    shown = lines[:limit] + ([f"… and {len(lines) - limit} more"] if len(lines) > limit else [])
    heading = (
        f"drift against the previous recording: {len(lines)} change(s)"
        if lines
        else "drift against the previous recording: no change"
    )
    ignored = (
        f"ignored: {tally.volatile} differences in dates, sids and tokens; {tally.timing} in measurements and "
        f"timing (media figures, durations, calls still active, times not yet set); {tally.repeats} answers to "
        f"repeated requests (a poll is compared by its last answer)"
    )
    return [heading, *(f"  {line}" for line in shown), ignored]


# ---------------------------------------------------------------- reading the recordings


def _verdict_changes(previous: Path, current: Path) -> Iterator[str]:
    old, new = (_verdict(d) for d in (previous, current))
    for requirement in sorted(set(old) | set(new)):
        if old.get(requirement) != new.get(requirement):
            yield f"verdict {requirement}: {old.get(requirement, 'absent')} → {new.get(requirement, 'absent')}"


def _verdict(directory: Path) -> dict[str, str]:
    try:
        return dict(json.loads((directory / MANIFEST).read_text(encoding="utf-8")).get("verdict", {}))
    except (OSError, ValueError):
        return {}


Exchanges = dict[tuple[str, ...], list[tuple[int | None, Any]]]


def _exchanges(path: Path) -> Exchanges:
    """(actor, method, what was asked) -> the answers, in order: (status code, parsed body)."""
    if not path.exists():
        return {}
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    grouped: Exchanges = defaultdict(list)
    numbering: dict[str, dict[str, str]] = defaultdict(dict)
    for interaction in document.get("interactions", []):
        request, response = interaction["request"], interaction["response"]
        actor = (request.get("headers", {}).get(ACTOR_HEADER) or ["?"])[0]
        parts = urlsplit(request["uri"])
        asked = _numbered(
            parts.path[parts.path.find("/Calls") :] if "/Calls" in parts.path else parts.path,
            numbering[actor],
        )
        if parts.query:
            asked += "?" + _numbered(parts.query, numbering[actor])
        body = _text(request.get("body"))
        key = (actor, request["method"], asked, _numbered(body, numbering[actor]))
        grouped[key].append((response["status"]["code"], _json(_text(response["body"]["string"]))))
    return grouped


def _callbacks(directory: Path) -> Exchanges:
    path = directory / CALLBACKS
    if not path.exists():
        return {}
    grouped: Exchanges = defaultdict(list)
    counts: Counter[tuple[str, str]] = Counter()
    for capture in json.loads(path.read_text(encoding="utf-8"))["captures"]:
        counts[(capture["token"], capture["kind"])] += 1
        key = (
            "callbacks",
            capture["method"],
            f"{capture['kind']} callback #{counts[(capture['token'], capture['kind'])]}",
            capture["token"],
        )
        fields: dict[str, Any] = {}
        for name, value in capture["params"]:
            fields.setdefault(name, value)
        grouped[key].append((None, fields))
    return grouped


def _numbered(text: str, numbering: dict[str, str]) -> str:
    def number(match: re.Match[str]) -> str:
        return numbering.setdefault(match.group(0), f"{{sid{len(numbering) + 1}}}")

    return _SID.sub(number, text)


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else ""


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text


# ---------------------------------------------------------------- comparing


def _compare(old: Exchanges, new: Exchanges, tally: _Tally) -> None:
    for key in sorted(set(old) | set(new)):
        what = _describe(key)
        if key not in new:
            tally.add("asked", f"- {what}: no longer asked")
            continue
        if key not in old:
            tally.add("asked", f"+ {what}: newly asked")
            continue
        tally.repeats += max(len(old[key]), len(new[key])) - 1
        (old_code, old_body), (new_code, new_body) = old[key][-1], new[key][-1]
        if old_code != new_code:  # a different answer altogether: its fields would only repeat that
            tally.add("status code", f"{what}: status code {old_code} → {new_code}")
            continue
        for kind, change in _field_changes(_fields(old_body), _fields(new_body), tally):
            tally.add(kind, f"{what}: {change}")


def _describe(key: tuple[str, ...]) -> str:
    actor, method, asked = key[0], key[1], key[2]
    if actor == "callbacks":
        return asked
    return f"{method} …{re.sub(r'{sid[0-9]+}', '{sid}', asked)}"


def _fields(body: Any) -> dict[str, Any]:
    """A body as dotted field names and values; a list of objects as the fields its items carry (no values)."""
    flat: dict[str, Any] = {}

    def walk(value: Any, prefix: str) -> None:
        if isinstance(value, Mapping):
            for name, item in value.items():
                walk(item, f"{prefix}.{name}" if prefix else str(name))
        elif isinstance(value, list) and any(isinstance(item, Mapping) for item in value):
            for item in value:
                for name in item if isinstance(item, Mapping) else {}:
                    flat[f"{prefix}[].{name}"] = _MISSING
        else:
            flat[prefix or "(body)"] = value

    walk(body, "")
    return flat


def _field_changes(
    old: Mapping[str, Any], new: Mapping[str, Any], tally: _Tally
) -> Iterable[tuple[str, str]]:
    for name in sorted(set(old) | set(new)):
        if name not in old:
            yield "field", f"+ field {name}"
        elif name not in new:
            yield "field", f"- field {name}"
        elif old[name] != new[name]:
            if _volatile(old[name]) == _volatile(new[name]):
                tally.volatile += 1
            elif _timing(name, old[name], new[name]):
                tally.timing += 1
            else:
                yield "value", f"{name}: {_show(old[name])} → {_show(new[name])}"


def _volatile(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    return _TOKEN.sub("{token}", _DATE.sub("{date}", _SID.sub("{sid}", value)))


def _timing(name: str, old: Any, new: Any) -> bool:
    """Whether a difference depends on when (or how well) the call went, not on what the endpoint does:
    two numbers (media figures, durations, counters), a time set or not yet, two statuses of a call still
    active. A change of type, of an ended status, or of any other value is a change."""
    if _number(old) and _number(new):
        return True
    if {old, new} & {None} and any(isinstance(v, str) and _DATE.fullmatch(v) for v in (old, new)):
        return True
    if name.lower() in ("status", "callstatus"):
        return old in ACTIVE and new in ACTIVE
    # A message naming the status the call had at that moment (e.g. "not finished (ringing)").
    return (
        isinstance(old, str)
        and isinstance(new, str)
        and _ACTIVE_WORD.sub("", old) == _ACTIVE_WORD.sub("", new)
    )


def _number(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", value) is not None


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:59] + "…"
