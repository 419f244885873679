"""The catalog is the table of contents: every requirement is checked or excluded, every check names one."""

from __future__ import annotations

import pytest
import yaml

from conformance.checks import REGISTRY
from conformance.core.catalog import CATALOG_PATH, Catalog, Requirement, load_catalog
from conformance.harness.verifier import Verifier
from tests.suite_markers import literal_requirement_ids, suite_markers

CATALOG = load_catalog()
# Strings shaped like ids that are not requirement ids (HTTP method names and the like).
NOT_IDS = {"GET", "POST"}


def _exercised() -> set[str]:
    by_checks = {c.requirement for c in REGISTRY.values()}
    by_tests = set().union(*suite_markers().values())
    return by_checks | by_tests


def test_every_requirement_is_exercised_or_excluded_with_a_reason() -> None:
    exercised = _exercised()
    neither = [r.id for r in CATALOG if r.id not in exercised and not r.excluded]
    assert neither == []


def test_every_requirement_the_suite_judges_is_judged_by_a_registered_check() -> None:
    """One answer to "where is REQ-X judged?": a function under conformance/checks/, registered under its id."""
    judged_by = {c.requirement for c in REGISTRY.values()}
    assert [r.id for r in CATALOG if not r.excluded and r.id not in judged_by] == []


def test_the_verifier_judges_only_through_registered_checks() -> None:
    """No ad-hoc judging path is left beside `check` and `run` (and `skip`, which judges nothing)."""
    public = {
        name for name in vars(Verifier) if not name.startswith("_") and callable(getattr(Verifier, name))
    }
    assert public == {"check", "run", "skip", "scrub", "scope", "carry", "observe", "observe_call"}


def test_excluded_requirements_are_not_also_exercised() -> None:
    both = [r.id for r in CATALOG if r.excluded and r.id in _exercised()]
    assert both == []


def test_every_check_names_a_requirement_that_exists() -> None:
    unknown = {name: c.requirement for name, c in REGISTRY.items() if c.requirement not in CATALOG}
    assert unknown == {}


def test_every_suite_marker_names_a_requirement_that_exists() -> None:
    unknown = {test: sorted(ids - {r.id for r in CATALOG}) for test, ids in suite_markers().items()}
    assert {test: ids for test, ids in unknown.items() if ids} == {}


def test_every_suite_test_names_its_requirements() -> None:
    unmarked = [test for test, ids in suite_markers().items() if not ids]
    assert unmarked == []


def test_every_id_literal_in_suite_and_checks_exists() -> None:
    ids = {r.id for r in CATALOG}
    unknown = {f: sorted(found - ids - NOT_IDS) for f, found in literal_requirement_ids().items()}
    assert {f: i for f, i in unknown.items() if i} == {}


def test_catalog_entries_are_complete() -> None:
    document = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
    for entry in document["requirements"]:
        assert {"id", "level", "profiles", "source", "sentence", "text"} <= set(entry), entry.get("id")
        assert set(entry["profiles"]) <= {"signalwire", "twilio"}, entry["id"]
        assert entry["sentence"].strip() and entry["text"].strip(), entry["id"]


def test_duplicate_ids_are_refused() -> None:
    requirement = next(iter(CATALOG))
    with pytest.raises(ValueError, match="duplicate"):
        Catalog((requirement, requirement))


def test_unknown_level_is_refused(tmp_path) -> None:
    path = tmp_path / "catalog.yaml"
    entry = {
        "id": "X-Y",
        "level": "MAY",
        "profiles": ["signalwire"],
        "source": "s",
        "sentence": "s",
        "text": "t",
    }
    path.write_text(yaml.safe_dump({"requirements": [entry]}))
    with pytest.raises(ValueError, match="level"):
        load_catalog.__wrapped__(path)


def test_every_rule_section_of_the_contract_has_requirements() -> None:
    sections = {
        r.source.split(",")[1].split(";")[0].strip() for r in CATALOG if r.source.startswith("contract")
    }
    assert {
        "Target and paths",
        "Responses",
        "Time fields across the lifecycle",
        "Status transitions",
        "Errors",
        "Listing",
        "Callbacks",
        "Safety of the suite itself",
    } <= sections


def test_requirement_profiles() -> None:
    assert isinstance(CATALOG["CALL-ALIAS-TO"], Requirement)
    assert CATALOG["CALL-ALIAS-TO"].applies_to("signalwire")
    assert not CATALOG["CALL-ALIAS-TO"].applies_to("twilio")
