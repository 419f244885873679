"""The contract, clause by clause: which requirements judge each sentence of contract-decisions.md.

`spec/contract-map.yaml` lists every sentence of the contract, in its order and under its section, with one of:

- `judged_by`: the catalog requirements (not excluded ones) that judge the endpoint on it;
- `not_judged`: why the suite judges no endpoint on it (a rule about the suite itself, its reference endpoint,
  the catalog or the spec), naming the project tests that prove it;
- `context`: why it states no rule (it says what a source is, or why a rule is so);

and, on any of them, `requirements`: the excluded catalog entries drawn from it (the suite's own rules).

`contract_sentences` splits the contract's text into those sentences (headings dropped, bullets and paragraphs
joined, then split after a full stop followed by a new sentence), so a test can tell that the map lists every
sentence and nothing the contract no longer says. The contract lives outside the repository, in
`../shared/contract-decisions.md` beside the checkout (`CONTRACT_PATH`), as in CI. `python -m
conformance.core.contract_map` prints the map as a Markdown table (`spec/contract-map.md`) and the figures.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Iterable, Sequence
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml

from conformance.core.catalog import Catalog, load_catalog

__all__ = [
    "CONTRACT_PATH",
    "MAP_PATH",
    "Clause",
    "ClauseFigures",
    "contract_sentences",
    "figures",
    "load_map",
    "main",
    "normal",
    "render_markdown",
]

REPOSITORY = Path(__file__).resolve().parents[2]  # conformance/core/contract_map.py: the checkout
CONTRACT_PATH = REPOSITORY.parent / "shared" / "contract-decisions.md"
MAP_PATH: Traversable = files("conformance._spec") / "contract-map.yaml"  # shipped with the spec
INTRODUCTION = "Introduction"
# A sentence ends at . ! or ? (or one closing a parenthesis) followed by a space and a new sentence: a capital,
# a code span, a parenthesis, or a profile's name opening a clause of its own ("twilio: `.json` only").
_SPLIT = re.compile(r"(?:(?<=[.!?])|(?<=[.!?]\)))\s+(?=[A-Z`(]|(?:signalwire|twilio)\b)")


def normal(text: str) -> str:
    """`text` with its whitespace collapsed: the form sentences are compared in."""
    return " ".join(text.split())


def _blocks(text: str) -> list[tuple[str, str]]:
    """(section, text) of each bullet and paragraph, continuation lines joined; headings give the section."""
    section, blocks, current = INTRODUCTION, [], None
    for line in text.splitlines():
        if line.startswith("# ") or not line.strip():
            current = None
            continue
        if line.startswith("## "):
            section, current = line[3:].strip(), None
            continue
        if line.startswith("- ") or current is None:
            current = [section, line.removeprefix("- ").strip()]
            blocks.append(current)
        else:
            current[1] += " " + line.strip()
    return [(s, normal(t)) for s, t in blocks]


def contract_sentences(text: str) -> list[tuple[str, str]]:
    """Every sentence of the contract's text, as (section, sentence), in order."""
    return [(section, s) for section, block in _blocks(text) for s in _SPLIT.split(block) if s]


@dataclasses.dataclass(frozen=True)
class Clause:
    """One sentence of the contract and how the suite treats it."""

    section: str
    sentence: str
    judged_by: tuple[str, ...] = ()
    not_judged: str | None = None
    context: str | None = None
    requirements: tuple[str, ...] = ()  # excluded catalog entries drawn from the sentence
    note: str | None = None

    @property
    def states_a_rule(self) -> bool:
        return self.context is None


def _ids(value: object) -> tuple[str, ...]:
    return tuple(str(i) for i in value) if isinstance(value, list) else ()


def _clause(entry: dict[str, object]) -> Clause:
    kinds = [k for k in ("judged_by", "not_judged", "context") if entry.get(k)]
    if len(kinds) != 1:
        raise ValueError(f"{entry.get('sentence')!r}: needs exactly one of judged_by, not_judged, context")
    return Clause(
        section=str(entry["section"]),
        sentence=normal(str(entry["sentence"])),
        judged_by=_ids(entry.get("judged_by")),
        not_judged=normal(str(entry["not_judged"])) if entry.get("not_judged") else None,
        context=normal(str(entry["context"])) if entry.get("context") else None,
        requirements=_ids(entry.get("requirements")),
        note=normal(str(entry["note"])) if entry.get("note") else None,
    )


def load_map(path: Traversable = MAP_PATH) -> tuple[Clause, ...]:
    """The map's clauses, in the contract's order; ValueError for an entry that is not exactly one kind."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return tuple(_clause(entry) for entry in document["clauses"])


@dataclasses.dataclass(frozen=True)
class ClauseFigures:
    """How many sentences the contract has, how many state a rule, and how the suite treats those."""

    sentences: int
    rules: int
    judged: int
    about_the_suite: int

    @property
    def judged_share(self) -> float:
        return self.judged / self.rules if self.rules else 0.0


def figures(clauses: Iterable[Clause]) -> ClauseFigures:
    listed = list(clauses)
    rules = [c for c in listed if c.states_a_rule]
    judged = [c for c in rules if c.judged_by]
    return ClauseFigures(len(listed), len(rules), len(judged), len(rules) - len(judged))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def render_markdown(clauses: Sequence[Clause], catalog: Catalog | None = None) -> str:
    """The map as one Markdown table per section, with the figures first."""
    catalog = catalog or load_catalog()
    counts = figures(clauses)
    lines = [
        "# The contract, clause by clause",
        "",
        "Generated from `spec/contract-map.yaml` by `python -m conformance.core.contract_map --markdown`; do not edit.",
        f"Every sentence of `../shared/contract-decisions.md` ({counts.sentences}): {counts.rules} state a rule, "
        f"{counts.judged} of them judged by the suite's requirements, {counts.about_the_suite} about the suite "
        "itself (proven by the project's tests, named).",
    ]
    for section in dict.fromkeys(c.section for c in clauses):
        lines += ["", f"## {section}", "", "| clause | judged by |", "|---|---|"]
        for clause in (c for c in clauses if c.section == section):
            if clause.judged_by:
                how = ", ".join(f"`{i}` ({catalog[i].level})" for i in clause.judged_by)
                how += f"; {clause.note}" if clause.note else ""
            elif clause.not_judged:
                how = f"not judged: {clause.not_judged}"
            else:
                how = f"no rule: {clause.context}"
            if clause.requirements:
                how += f" (excluded catalog entries: {', '.join(f'`{i}`' for i in clause.requirements)})"
            lines.append(f"| {_cell(clause.sentence)} | {_cell(how)} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """`--markdown`: print the table; else the figures, one line."""
    args = sys.argv[1:] if argv is None else list(argv)
    clauses = load_map()
    if "--markdown" in args:
        sys.stdout.write(render_markdown(clauses))
        return 0
    counts = figures(clauses)
    print(
        f"contract clauses: {counts.rules} rules in {counts.sentences} sentences; {counts.judged} judged by the "
        f"suite ({counts.judged_share:.0%}), {counts.about_the_suite} about the suite itself (project tests)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
