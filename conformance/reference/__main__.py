"""``python -m conformance.reference``: serve the reference endpoint until interrupted.

Prints CALLS_BASE_URL, CALLS_ACCOUNT_SID, CALLS_AUTH_TOKEN, CALLS_SIGNING_KEY, and CALLS_TO_NUMBER and
CALLS_FROM_NUMBER (two numbers each: the second lets the To and From filters tell calls apart), one a line
(ready to export), then serves until SIGINT or SIGTERM and exits 0.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence

from .config import Timings
from .destinations import ANSWER_NUMBER, BUSY_NUMBER, FROM_NUMBER, OTHER_FROM_NUMBER
from .endpoint import ReferenceEndpoint
from .faults import FAULTS
from .profiles import PROFILES

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m conformance.reference", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: a free one)")
    parser.add_argument(
        "--host", default="127.0.0.1", help="loopback address to listen on (default 127.0.0.1)"
    )
    parser.add_argument(
        "--fault", action="append", default=[], metavar="NAME", help="switch a fault on (repeatable)"
    )
    parser.add_argument(
        "--timings", choices=("fast", "live"), default="fast", help="lifecycle speed (default fast)"
    )
    parser.add_argument(
        "--profile",
        choices=tuple(PROFILES),
        default="signalwire",
        help="the API form it speaks: signalwire (default) or twilio (/2010-04-01, AC/CA sids, 201, ...)",
    )
    parser.add_argument(
        "--seed-calls",
        type=int,
        default=0,
        metavar="N",
        help="the accounts hold N calls from before the start (older dates, every status, other numbers)",
    )
    parser.add_argument("--list-faults", action="store_true", help="list the faults and exit")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.list_faults:
        for fault in FAULTS.values():
            print(f"{fault.name}\t{','.join(fault.breaks)}\t{','.join(fault.profiles)}\t{fault.description}")
        return 0
    try:
        endpoint = ReferenceEndpoint(
            faults=args.fault,
            timings=Timings.named(args.timings),
            host=args.host,
            port=args.port,
            profile=args.profile,
            seed_calls=args.seed_calls,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    try:
        endpoint.start()
    except (OSError, RuntimeError) as exc:
        print(f"error: could not start: {exc}", file=sys.stderr)
        return 2
    try:
        print(f"CALLS_BASE_URL={endpoint.base_url}")
        print(f"CALLS_ACCOUNT_SID={endpoint.account_sid}")
        print(f"CALLS_AUTH_TOKEN={endpoint.auth_token}")
        print(f"CALLS_SIGNING_KEY={endpoint.signing_key}")
        print(f"CALLS_TO_NUMBER={ANSWER_NUMBER},{BUSY_NUMBER}")
        print(f"CALLS_FROM_NUMBER={FROM_NUMBER},{OTHER_FROM_NUMBER}", flush=True)
        while not stop.wait(timeout=0.5):
            pass
    finally:
        endpoint.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
