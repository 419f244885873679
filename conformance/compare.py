"""`calls-conformance compare DIR_A DIR_B` (or `python -m conformance.compare`): compare two recordings of the
suite, for example the same run recorded against Twilio and against a SignalWire space (`nox -s compare -- DIR_A
DIR_B`).

Prints the requirements whose verdicts differ, then the answers and callbacks that differ field by field, and
how much it ignored (`conformance.cassettes.comparison`). Exits 0 when it could compare, 2 when a directory holds
no recording.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from conformance.cassettes.comparison import MAX_LINES, compare

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Compare the recordings named on the command line; print the comparison."""
    parser = argparse.ArgumentParser(
        prog="python -m conformance.compare", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "first", type=Path, help="a recording's directory (its run.json, cassettes and callbacks)"
    )
    parser.add_argument("second", type=Path, help="the recording to compare it with")
    parser.add_argument(
        "--limit", type=int, default=MAX_LINES, help=f"lines per section (default {MAX_LINES})"
    )
    args = parser.parse_args(argv)
    lines = compare(args.first, args.second, args.limit)
    print("\n".join(lines))
    return 2 if lines[0].startswith("compare: no recording") else 0


if __name__ == "__main__":
    sys.exit(main())
