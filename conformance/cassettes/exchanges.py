"""A recording read for comparison: its verdict, its exchanges and the callbacks it judged.

Exchanges are paired by who asked (the actor) and what was asked, with sids numbered in the order the
actor first used them (`{sid1}`, `{sid2}`, …), so the same story pairs up across recordings although every
sid differs. Captured callbacks (and document requests) are keyed by call token, kind and order. Both the
drift of `nox -s record` and the comparison of two providers read recordings this way.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from conformance.cassettes.scrub import ACTOR_HEADER
from conformance.cassettes.store import CALLBACKS, MANIFEST

__all__ = ["DATE", "SID", "TOKEN", "Exchanges", "callbacks", "exchanges", "manifest", "numbered", "verdicts"]

# Sids (and page tokens) of either form: one or two 2-letter kinds + 32 hex digits (CA…, PACA…), or a UUID with
# an optional 2-letter prefix.
SID = re.compile(
    r"\b(?:(?:[A-Z]{2}){1,2}[0-9a-fA-F]{32}|(?:[A-Z]{2})?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
    r"[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\b"
)
DATE = re.compile(
    r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}\b"
    r"|\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
)
TOKEN = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{24}\b")

# (actor, method, what was asked, body) -> the answers, in order: (status code, parsed body).
Exchanges = dict[tuple[str, ...], list[tuple[int | None, Any]]]


def _same(text: str) -> str:
    return text


def manifest(directory: Path) -> dict[str, Any]:
    """The recording's run.json, or an empty one when it is missing or unreadable."""
    try:
        document = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return document if isinstance(document, dict) else {}


def verdicts(directory: Path) -> dict[str, str]:
    """Requirement id -> its outcome in the recorded run."""
    return dict(manifest(directory).get("verdict", {}))


def exchanges(path: Path, asked: Callable[[str], str] = _same) -> Exchanges:
    """The exchanges of one cassette file; `asked` rewrites each request's path, query and body before pairing."""
    if not path.exists():
        return {}
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    grouped: Exchanges = defaultdict(list)
    numbering: dict[str, dict[str, str]] = defaultdict(dict)
    for interaction in document.get("interactions", []):
        request, response = interaction["request"], interaction["response"]
        actor = (request.get("headers", {}).get(ACTOR_HEADER) or ["?"])[0]
        parts = urlsplit(request["uri"])
        target = parts.path[parts.path.find("/Calls") :] if "/Calls" in parts.path else parts.path
        what = numbered(asked(target), numbering[actor])
        if parts.query:
            what += "?" + numbered(asked(parts.query), numbering[actor])
        body = asked(_text(request.get("body")))
        key = (actor, request["method"], what, numbered(body, numbering[actor]))
        grouped[key].append((response["status"]["code"], _json(_text(response["body"]["string"]))))
    return grouped


def callbacks(directory: Path) -> Exchanges:
    """The captured requests of a recording (callbacks and document fetches), by token, kind and order."""
    path = directory / CALLBACKS
    if not path.exists():
        return {}
    grouped: Exchanges = defaultdict(list)
    counts: Counter[tuple[str, str]] = Counter()
    for capture in json.loads(path.read_text(encoding="utf-8"))["captures"]:
        counts[(capture["token"], capture["kind"])] += 1
        what = "document request" if capture["kind"] == "document" else f"{capture['kind']} callback"
        key = (
            "callbacks",
            capture["method"],
            f"{what} #{counts[(capture['token'], capture['kind'])]}",
            capture["token"],
        )
        fields: dict[str, Any] = {}
        for name, value in capture["params"]:
            fields.setdefault(name, value)
        grouped[key].append((None, fields))
    return grouped


def numbered(text: str, numbering: dict[str, str]) -> str:
    """`text` with each sid replaced by its number in `numbering` (new sids get the next number)."""

    def number(match: re.Match[str]) -> str:
        return numbering.setdefault(match.group(0), f"{{sid{len(numbering) + 1}}}")

    return SID.sub(number, text)


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value if isinstance(value, str) else ""


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text
