"""Fixtures for the reference endpoint's own tests."""

from __future__ import annotations

import sys
from pathlib import Path

# The repo root must be importable when the project is not pip-installed (plain `pytest tests/reference`).
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)
