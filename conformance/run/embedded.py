"""Starting the embedded reference endpoint for a run: the only suite module that imports `conformance.reference`.

The reference endpoint is a program of its own; the suite starts it on loopback when `CALLS_BASE_URL` is
unset (or a fault is asked for) and then talks to it over HTTP only, like to any endpoint.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

from conformance.core.errors import ConfigError
from conformance.core.settings import Settings
from conformance.core.terms import RINGING

__all__ = ["ALTERNATE_FROM", "EmbeddedEndpoint", "planned_embedded", "start_embedded"]

# A second From the embedded endpoint takes (it takes any From), so that the From filter can be judged.
ALTERNATE_FROM = "+12025550198"


@dataclasses.dataclass
class EmbeddedEndpoint:
    """A running reference endpoint, the run's settings filled in from it, and its numbers by outcome."""

    settings: Settings
    to_numbers: dict[str, str]
    server: Any

    def settled(self, call_sid: str, timeout: float = 0.0) -> bool:
        """Whether the endpoint has nothing more to do for a call (waiting at most `timeout` seconds): ended, its
        documents fetched and its callbacks sent. The one thing the suite asks the embedded endpoint other than
        over HTTP: it lets a wait for something that may never come end as soon as it surely will not."""
        return bool(self.server.settled(call_sid, timeout))

    def request_stop(self) -> None:
        self.server.request_stop()

    def stop(self) -> None:
        self.server.stop()


def planned_embedded(settings: Settings) -> tuple[Settings, dict[str, str]]:
    """What a run on the embedded endpoint works with, known before it starts: `settings` with a second To (a
    number that answers busy) and a second From unless the user gave some, and the To numbers by outcome (and the
    one that rings for its whole Timeout)."""
    from conformance.reference import BUSY_NUMBER, FAILED_NUMBER, NO_ANSWER_NUMBER, RING_NUMBER

    filled = dataclasses.replace(
        settings,
        to_alternates=settings.to_alternates or (BUSY_NUMBER,),
        from_alternates=settings.from_alternates or (ALTERNATE_FROM,),
    )
    return filled, {
        "busy": BUSY_NUMBER,
        "failed": FAILED_NUMBER,
        "no-answer": NO_ANSWER_NUMBER,
        RINGING: RING_NUMBER,
    }


def start_embedded(
    settings: Settings, faults: Sequence[str], timings: str, profile: str = "signalwire", seed_calls: int = 0
) -> EmbeddedEndpoint:
    """Start the reference endpoint in `profile`'s form (with `faults`, at `timings`, its account holding
    `seed_calls` calls from before); ConfigError for an unknown fault or timing, or a fault that does not apply
    to the profile."""
    from conformance.reference import ReferenceEndpoint, Timings

    try:
        server = ReferenceEndpoint(
            faults=faults, timings=Timings.named(timings), profile=profile, seed_calls=seed_calls
        )
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    server.start()
    settings, numbers = planned_embedded(settings)
    filled = settings.with_endpoint(
        base_url=server.base_url,
        account_sid=server.account_sid,
        auth_token=server.auth_token,
        signing_key=server.signing_key,
        from_number=server.from_number,
        to_number=server.to_number,
    )
    # Credentials the user set win only if both are given; a half-set pair would never authenticate.
    if filled.account_sid != server.account_sid or filled.auth_token != server.auth_token:
        filled = dataclasses.replace(
            filled,
            account_sid=server.account_sid,
            auth_token=server.auth_token,
            signing_key=server.signing_key,
        )
    return EmbeddedEndpoint(filled, numbers, server)
