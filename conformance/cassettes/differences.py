"""Comparing the answers of two recordings field by field, with what always differs counted apart.

A request asked several times (a poll) is compared by its last answer, the settled one. A body is compared as
dotted field names and values; a list of objects (a page's calls) by the fields its items carry, not by which
items it holds. A value whose JSON type changed is a type change. Values that differ in every recording
(dates, sids, tokens, and whatever else the caller's `same` rewrites, such as hosts) are not changes: they
are counted as volatile. Neither are measurements and what depends on the moment asked (media figures,
durations, a call still active, a time not yet set): they are counted as timing.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from conformance.cassettes.exchanges import DATE, SID, TOKEN, Exchanges
from conformance.core.statuses import ACTIVE

__all__ = ["MISSING", "Tally", "body_fields", "compare_exchanges", "describe", "field_changes", "volatile"]

MISSING = object()  # the value of a field that list items carry (compared by presence only)
_ACTIVE_WORD = re.compile(r"\b(?:" + "|".join(sorted(ACTIVE)) + r")\b")
# Numbers that name something rather than measure it: a difference in them is a change, never timing.
_NAMING_NUMBERS = frozenset({"code", "status", "page", "page_size"})


class Tally:
    """Changes seen (each with how often, by kind: the first kinds are shown first) and what was ignored."""

    def __init__(self, kinds: Sequence[str]) -> None:
        self.kinds = tuple(kinds)
        self.changes: dict[str, Counter[str]] = {kind: Counter() for kind in self.kinds}
        self.volatile = 0  # dates, sids, tokens (and hosts, base paths): they differ every time
        self.timing = 0  # measurements, and what depends on the moment asked
        self.repeats = 0  # answers to repeated asks, compared by their last one
        self.unpaired = 0  # requests only one recording asked (a comparison of two providers counts them)

    def add(self, kind: str, line: str) -> None:
        self.changes[kind][line] += 1

    def lines(self) -> list[str]:
        return [
            line + (f" (x{count})" if count > 1 else "")
            for kind in self.kinds
            for line, count in self.changes[kind].items()
        ]


def describe(key: tuple[str, ...]) -> str:
    """A request as a reader names it: `GET …/Calls/{sid}`, or a callback as `status callback #1`."""
    actor, method, asked = key[0], key[1], key[2]
    if actor == "callbacks":
        return asked
    return f"{method} …{re.sub(r'{sid[0-9]+}', '{sid}', asked)}"


def compare_exchanges(old: Exchanges, new: Exchanges, tally: Tally) -> None:
    """Add the differences between the answers of two recordings to `tally`, per request (a request asked by one
    only is a change of the "asked" kind)."""
    for key in sorted(set(old) | set(new)):
        what = describe(key)
        if key not in new or key not in old:
            tally.add("asked", f"- {what}: no longer asked" if key not in new else f"+ {what}: newly asked")
            continue
        tally.repeats += max(len(old[key]), len(new[key])) - 1
        (old_code, old_body), (new_code, new_body) = old[key][-1], new[key][-1]
        if old_code != new_code:  # a different answer altogether: its fields would only repeat that
            tally.add("status code", f"{what}: status code {old_code} → {new_code}")
            continue
        for kind, change in field_changes(body_fields(old_body), body_fields(new_body), tally):
            tally.add(kind, f"{what}: {change}")


def body_fields(body: Any) -> dict[str, Any]:
    """A body as dotted field names and values; a list of objects as the fields its items carry (no values)."""
    flat: dict[str, Any] = {}

    def walk(value: Any, prefix: str) -> None:
        if isinstance(value, Mapping):
            for name, item in value.items():
                walk(item, f"{prefix}.{name}" if prefix else str(name))
        elif isinstance(value, list) and any(isinstance(item, Mapping) for item in value):
            for item in value:
                for name in item if isinstance(item, Mapping) else {}:
                    flat[f"{prefix}[].{name}"] = MISSING
        else:
            flat[prefix or "(body)"] = value

    walk(body, "")
    return flat


def field_changes(
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    tally: Tally,
    *,
    same: Callable[[Any], Any] | None = None,
) -> Iterable[tuple[str, str]]:
    """(kind, change) for each field added, removed, of another JSON type, or of another value."""
    same = same or volatile
    for name in sorted(set(old) | set(new)):
        if name not in old:
            yield "field", f"+ field {name}"
        elif name not in new:
            yield "field", f"- field {name}"
        elif old[name] != new[name]:
            before, after = _json_type(old[name]), _json_type(new[name])
            if before != after and "null" not in (before, after):
                yield "type", f"{name}: {before} → {after}"
            elif same(old[name]) == same(new[name]):
                tally.volatile += 1
            elif _timing(name, old[name], new[name]):
                tally.timing += 1
            elif before != after:
                yield "type", f"{name}: {before} → {after}"
            else:
                yield "value", f"{name}: {_show(same(old[name]))} → {_show(same(new[name]))}"


def volatile(value: Any) -> Any:
    """A value with its dates, sids and tokens replaced by placeholders."""
    if not isinstance(value, str):
        return value
    return TOKEN.sub("{token}", DATE.sub("{date}", SID.sub("{sid}", value)))


def _json_type(value: Any) -> str:
    """The JSON type of a parsed value (integer and number told apart)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    return (
        "array" if isinstance(value, list) else "object" if isinstance(value, dict) else type(value).__name__
    )


def _timing(name: str, old: Any, new: Any) -> bool:
    """Whether a difference depends on when (or how well) the call went, not on what the endpoint does:
    two numbers (media figures, durations, counters), a time or a measurement taken or not yet, two statuses of
    a call still active. A change of type, of an ended status, of a code, or of any other value is a change."""
    leaf = name.rsplit(".", 1)[-1].lower()
    if _number(old) and _number(new) and _json_type(old) == _json_type(new):
        return leaf not in _NAMING_NUMBERS
    if {old, new} & {None} and leaf not in _NAMING_NUMBERS:  # a time or a measurement taken, or not yet
        return any(_number(v) or (isinstance(v, str) and DATE.fullmatch(v)) for v in (old, new))
    if leaf in ("status", "callstatus"):
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
    return text if len(text) <= 72 else text[:71] + "…"
