"""`--help` helps: the suite's options are the first group, each with one line of help, and the settings reference
(docs/reference/settings.md) lists every one of them."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from conformance.core.settings import SETTINGS
from tests.conftest import ROOT

COLUMNS = 100  # what the help is laid out for


@pytest.fixture(scope="module")
def help_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    """`calls-conformance --help` (pytest's help, the suite's plugin loaded), from a directory of no project."""
    process = subprocess.run(
        [sys.executable, "-m", "conformance.cli", "--help"],
        cwd=tmp_path_factory.mktemp("anywhere"),
        env={**os.environ, "COLUMNS": str(COLUMNS)},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return process.stdout


def _groups(text: str) -> list[tuple[str, list[str]]]:
    """The help's groups in order: each heading (a line ending in ':') with the lines under it."""
    groups: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line and not line.startswith(" ") and line.endswith(":"):
            groups.append((line, []))
        elif groups and line.strip():
            groups[-1][1].append(line)
    return groups


def _options(lines: list[str]) -> dict[str, list[str]]:
    """Each option of a group with its lines of help."""
    options: dict[str, list[str]] = {}
    for line in lines:
        match = re.match(r"  (--[\w-]+)(?:[= ]\S+)?(?:\s{2,}(.*))?$", line)
        if match:
            options[match[1]] = [match[2]] if match[2] else []
        elif options:
            options[list(options)[-1]].append(line.strip())
    return options


def test_the_suite_s_options_come_first(help_text: str) -> None:
    headings = [heading for heading, _ in _groups(help_text)]
    assert headings[0] == "positional arguments:"
    assert headings[1].startswith("Calls conformance suite"), headings[:4]
    # before pytest's own groups and every other plugin's (pytest-recording's --record-mode among them)
    assert {"general:", "recording:", "Reporting:"} <= set(headings[2:])


def test_each_option_has_one_line_of_help(help_text: str) -> None:
    _, lines = _groups(help_text)[1]
    options = _options(lines)
    assert {s.option for s in SETTINGS} | {"--calls-only", "--calls-cassettes"} <= set(options)
    assert all(name.startswith("--calls-") for name in options)
    assert {name: help for name, help in options.items() if len(help) != 1} == {}


def test_the_settings_reference_lists_every_option(help_text: str) -> None:
    reference = (ROOT / "docs" / "reference" / "settings.md").read_text(encoding="utf-8")
    options = _options(_groups(help_text)[1][1])
    assert [name for name in options if f"`{name}`" not in reference] == []
