"""The contract, clause by clause: `spec/contract-map.yaml` lists every sentence of contract-decisions.md and
nothing it no longer says, each with the requirements that judge it or a reason (naming the project tests that
prove it) why no endpoint is judged on it; every id it names is in the catalog; spec/contract-map.md is its
rendering.

The contract lives outside the repository: `../shared/contract-decisions.md` beside the checkout
(`conformance.core.contract_map.CONTRACT_PATH`), as in CI. Where it is absent (an installed package, a lone clone) the
tests that need its text are skipped, saying so; the others judge the map alone.
"""

from __future__ import annotations

import re

import pytest

from conformance.core.catalog import load_catalog
from conformance.core.contract_map import (
    CONTRACT_PATH,
    contract_sentences,
    figures,
    load_map,
    normal,
    render_markdown,
)
from tests.conftest import ROOT

CATALOG = load_catalog()
CLAUSES = load_map()
TEST_PATH = re.compile(r"tests/[\w/]+\.py")
needs_contract = pytest.mark.skipif(
    not CONTRACT_PATH.exists(),
    reason=f"the contract is not beside this checkout ({CONTRACT_PATH}): CI has it in ../shared",
)


def _contract() -> list[tuple[str, str]]:
    return contract_sentences(CONTRACT_PATH.read_text(encoding="utf-8"))


@needs_contract
def test_every_sentence_of_the_contract_is_in_the_map() -> None:
    mapped = {c.sentence for c in CLAUSES}
    missing = [f"[{section}] {sentence}" for section, sentence in _contract() if sentence not in mapped]
    assert missing == [], "sentences of the contract the map does not list (map each to its requirements)"


@needs_contract
def test_every_sentence_of_the_map_is_still_in_the_contract() -> None:
    said = {sentence for _, sentence in _contract()}
    stale = [f"[{c.section}] {c.sentence}" for c in CLAUSES if c.sentence not in said]
    assert stale == [], "sentences the contract no longer says (remove them, or map their new wording)"


@needs_contract
def test_the_map_follows_the_contract_s_order_and_sections() -> None:
    assert [(c.section, c.sentence) for c in CLAUSES] == _contract()


def test_no_clause_is_unjudged_without_a_reason() -> None:
    for clause in CLAUSES:
        kinds = [bool(clause.judged_by), bool(clause.not_judged), bool(clause.context)]
        assert kinds.count(True) == 1, clause.sentence
    reasons = {c.sentence: c.not_judged for c in CLAUSES if c.not_judged}
    assert all(TEST_PATH.search(reason) for reason in reasons.values()), "a rule not judged names its tests"


def test_every_test_a_reason_names_exists() -> None:
    texts = [c.not_judged or "" for c in CLAUSES] + [c.note or "" for c in CLAUSES]
    texts += [r.excluded or "" for r in CATALOG]
    named = {path for text in texts for path in TEST_PATH.findall(text)}
    assert named and sorted(p for p in named if not (ROOT / p).exists()) == []


def test_every_id_the_map_names_is_in_the_catalog() -> None:
    judged = {i for c in CLAUSES for i in c.judged_by}
    excluded = {i for c in CLAUSES for i in c.requirements}
    assert sorted((judged | excluded) - {r.id for r in CATALOG}) == []
    assert sorted(i for i in judged if CATALOG[i].excluded) == [], (
        "judged_by names only requirements the suite judges"
    )
    assert sorted(i for i in excluded if not CATALOG[i].excluded) == [], "requirements: excluded entries only"


def test_every_requirement_drawn_from_the_contract_alone_is_in_the_map() -> None:
    named = {i for c in CLAUSES for i in (*c.judged_by, *c.requirements)}
    alone = [r.id for r in CATALOG if "calls-api-facts" not in r.source]  # the others also rest on the facts
    assert [i for i in alone if i not in named] == []


def test_the_rendered_table_is_the_map_s() -> None:
    committed = (ROOT / "spec" / "contract-map.md").read_text(encoding="utf-8")
    assert committed == render_markdown(CLAUSES), (
        "run: python -m conformance.core.contract_map --markdown > spec/contract-map.md"
    )


def test_the_figures_count_the_map() -> None:
    counts = figures(CLAUSES)
    assert counts.sentences == len(CLAUSES) and counts.rules == sum(1 for c in CLAUSES if c.states_a_rule)
    assert counts.judged + counts.about_the_suite == counts.rules
    assert 0 < counts.judged_share <= 1


def test_sentences_are_split_as_the_contract_writes_them() -> None:
    text = (
        "# Title\n\nIntro one. Intro two (with a `code.`).\n\n## Rules\n- A rule: `x`.\n  Its second sentence. twilio:"
        " another.\n- `status`: a, b. (The seed omits b.)\n- Not split: 1.0-5.0 or `.json` here.\n"
    )
    assert contract_sentences(text) == [
        ("Introduction", "Intro one."),
        ("Introduction", "Intro two (with a `code.`)."),
        ("Rules", "A rule: `x`."),
        ("Rules", "Its second sentence."),
        ("Rules", "twilio: another."),
        ("Rules", "`status`: a, b."),
        ("Rules", "(The seed omits b.)"),
        ("Rules", "Not split: 1.0-5.0 or `.json` here."),
    ]
    assert normal("a \n  b") == "a b"
