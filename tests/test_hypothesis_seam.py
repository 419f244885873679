"""The one reach into Hypothesis internals: checked before it is used, effective, and undone."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import hypothesis
import pytest
from hypothesis.internal.conjecture import providers

from conformance.core.hypothesis_seam import HypothesisSeamError, check_seam, without_local_constants
from conformance.run.run import Run


def test_hypothesis_private_hook_is_the_one_the_seam_was_tested_with() -> None:
    """Fails, naming the installed version, when a Hypothesis release changes the private API the seam patches."""
    try:
        check_seam()
    except HypothesisSeamError as exc:
        pytest.fail(f"conformance/core/hypothesis_seam.py needs updating: {exc}")


def test_the_seam_draws_no_local_constant_and_is_undone() -> None:
    original = providers._get_local_constants
    undo = without_local_constants()
    try:
        assert providers._get_local_constants is not original
        local = providers.HypothesisProvider(None)._local_constants
        assert not any(local.set_for_type(kind) for kind in ("integer", "float", "bytes", "string"))
    finally:
        undo()
    assert providers._get_local_constants is original
    undo()  # twice is harmless
    assert providers._get_local_constants is original


def test_a_changed_private_api_is_a_clear_error_naming_the_version(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(providers, "_get_local_constants")
    with pytest.raises(
        HypothesisSeamError, match=rf"Hypothesis {hypothesis.__version__}: .*_get_local_constants"
    ):
        without_local_constants()


def test_a_provider_that_no_longer_reads_the_hook_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = cached_property(lambda self: providers.Constants())
    elsewhere.__set_name__(providers.HypothesisProvider, "_local_constants")
    monkeypatch.setattr(providers.HypothesisProvider, "_local_constants", elsewhere)
    with pytest.raises(HypothesisSeamError, match="no longer reads its local constants"):
        check_seam()


def test_a_run_with_cassettes_sets_the_seam_and_undoes_it_when_the_session_ends(tmp_path: Path) -> None:
    original = providers._get_local_constants
    run = Run({}, cassettes=("replay", tmp_path))
    run.activate()
    assert providers._get_local_constants is not original
    run.finish(0)
    assert providers._get_local_constants is original


def test_a_live_run_leaves_hypothesis_alone() -> None:
    original = providers._get_local_constants
    run = Run({})
    run.activate()
    assert providers._get_local_constants is original
    run.finish(0)
