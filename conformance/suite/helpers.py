"""Small helpers the suite tests share: polling until calls end, fresh identifiers, call lookups."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from conformance.core.bodies import json_object
from conformance.core.polling import poll
from conformance.core.statuses import ENDED
from conformance.harness.harness import Harness

__all__ = ["fresh_account_sid", "fresh_call_sid", "known_call_sids", "poll_until_ended"]


def fresh_call_sid(harness: Harness, profile: str | None = None) -> str:
    """A call sid of the profile's form that no endpoint has issued (from the current actor's random source)."""
    clock = harness.clock
    return "CA" + clock.fresh_hex(16) if (profile or harness.profile) == "twilio" else clock.fresh_uuid()


def fresh_account_sid(harness: Harness) -> str:
    """An account sid of the profile's form that names nobody's account."""
    return "AC" + harness.clock.fresh_hex(16) if harness.profile == "twilio" else harness.clock.fresh_uuid()


def poll_until_ended(
    harness: Harness, sids: Iterable[str], *, interval: float | None = None
) -> dict[str, str | None]:
    """Fetch each call until it has ended or the run's deadline passes; returns the last status seen.

    The deadline is checked before each round of fetches, and the pause comes after a round that left
    calls unfinished.
    """
    pending = list(sids)
    last: dict[str, str | None] = dict.fromkeys(pending)
    pause = interval if interval is not None else (0.05 if harness.settings.embedded else 1.0)
    deadline = harness.clock.deadline(harness.settings.deadline)

    def round_of_fetches() -> bool | None:
        for sid in list(pending):
            body = json_object(harness.client.fetch_call(sid))
            status = body.get("status") if body is not None else None
            last[sid] = status
            if status is None or (isinstance(status, str) and status in ENDED):
                pending.remove(sid)
        if not pending:
            return True
        harness.clock.sleep(pause)
        return None

    if pending and not deadline.expired():
        poll(round_of_fetches, deadline, lambda _: False, itertools.repeat(pause))
    return last


def known_call_sids(harness: Harness, limit: int = 5) -> list[str]:
    """Sids of calls to look at: the run's own first, else the account's most recent ones."""
    if harness.client.created:
        return harness.client.created[-limit:]
    body = json_object(harness.client.list_calls(PageSize=limit))
    calls = body.get("calls") if body is not None else None
    return [c["sid"] for c in calls or [] if isinstance(c, dict) and isinstance(c.get("sid"), str)][:limit]
