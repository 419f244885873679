"""conformance.core.spec, the loader: its public surface, unknown names and profiles, fresh copies, the patched
document written by its command, and the RFC 7386 merge patch."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from conformance.core import spec
from conformance.core.spec import PROFILES, component_schema, load_spec, merge_patch, webhook_schema
from tests.spec_facts import TWILIO_CALL_FIELDS


def test_public_surface_is_exact() -> None:
    assert sorted(spec.__all__) == [
        "PROFILES",
        "SPEC_DIR",
        "component_schema",
        "documented_response",
        "load_spec",
        "main",
        "merge_patch",
        "webhook_schema",
    ]
    repository = Path(__file__).resolve().parent.parent / "spec"
    for name in ("calls.yaml", "requirements.yaml", "profiles/twilio.yaml"):  # the packaged spec is spec/
        packaged = (spec.SPEC_DIR / name).read_text(encoding="utf-8")
        assert packaged == (repository / name).read_text(encoding="utf-8")
    assert PROFILES == ("signalwire", "twilio")


def test_unknown_names_raise_value_error() -> None:
    with pytest.raises(ValueError, match="Call"):
        component_schema("signalwire", "Nope")
    with pytest.raises(ValueError, match="statusCallback"):
        webhook_schema("twilio", "nope")


def test_unknown_profile_names_the_valid_ones() -> None:
    with pytest.raises(ValueError, match="signalwire, twilio"):
        load_spec("nope")


def test_load_spec_returns_a_fresh_copy() -> None:
    first = load_spec("twilio")
    first["components"]["schemas"]["Call"]["required"].clear()
    first["paths"].clear()
    second = load_spec("twilio")
    assert second["paths"]
    assert len(second["components"]["schemas"]["Call"]["required"]) == len(TWILIO_CALL_FIELDS)


def test_main_writes_the_patched_document(tmp_path: Path) -> None:
    out = tmp_path / "twilio.json"
    assert spec.main(["twilio", "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == load_spec("twilio")


# The test cases of RFC 7386, Appendix A: (original, patch, result).
RFC7386_CASES = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("original", "patch", "result"), RFC7386_CASES)
def test_merge_patch_follows_rfc7386(original: Any, patch: Any, result: Any) -> None:
    assert merge_patch(original, patch) == result


@pytest.mark.parametrize(("original", "patch", "result"), RFC7386_CASES)
def test_merge_patch_leaves_inputs_alone(original: Any, patch: Any, result: Any) -> None:
    original_before, patch_before = copy.deepcopy(original), copy.deepcopy(patch)
    merged = merge_patch(original, patch)
    assert (original, patch) == (original_before, patch_before)
    _scribble(merged)
    assert (original, patch) == (original_before, patch_before)


def _scribble(value: Any) -> None:
    """Mutate every container inside `value`, to prove the result shares nothing with the inputs."""
    if isinstance(value, dict):
        for item in value.values():
            _scribble(item)
        value["scribbled"] = True
    elif isinstance(value, list):
        for item in value:
            _scribble(item)
        value.append("scribbled")
