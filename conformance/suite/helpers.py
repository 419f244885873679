"""Small helpers the suite tests share: polling until calls end, fresh identifiers, call lookups."""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from conformance.bodies import json_object
from conformance.graph import ENDED
from conformance.handle import Suite
from conformance.polling import poll

__all__ = ["fresh_account_sid", "fresh_call_sid", "known_call_sids", "poll_until_ended"]


def fresh_call_sid(suite: Suite, profile: str | None = None) -> str:
    """A call sid of the profile's form that no endpoint has issued (from the current actor's random source)."""
    clock = suite.clock
    return "CA" + clock.fresh_hex(16) if (profile or suite.profile) == "twilio" else clock.fresh_uuid()


def fresh_account_sid(suite: Suite) -> str:
    """An account sid of the profile's form that names nobody's account."""
    return "AC" + suite.clock.fresh_hex(16) if suite.profile == "twilio" else suite.clock.fresh_uuid()


def poll_until_ended(
    suite: Suite, sids: Iterable[str], *, interval: float | None = None
) -> dict[str, str | None]:
    """Fetch each call until it has ended or the run's deadline passes; returns the last status seen.

    The deadline is checked before each round of fetches, and the pause comes after a round that left
    calls unfinished.
    """
    pending = list(sids)
    last: dict[str, str | None] = dict.fromkeys(pending)
    pause = interval if interval is not None else (0.05 if suite.settings.embedded else 1.0)
    deadline = suite.clock.deadline(suite.settings.deadline)

    def round_of_fetches() -> bool | None:
        for sid in list(pending):
            body = json_object(suite.client.fetch_call(sid))
            status = body.get("status") if body is not None else None
            last[sid] = status
            if status is None or (isinstance(status, str) and status in ENDED):
                pending.remove(sid)
        if not pending:
            return True
        suite.clock.sleep(pause)
        return None

    if pending and not deadline.expired():
        poll(round_of_fetches, deadline, lambda _: False, itertools.repeat(pause))
    return last


def known_call_sids(suite: Suite, limit: int = 5) -> list[str]:
    """Sids of calls to look at: the run's own first, else the account's most recent ones."""
    if suite.client.created:
        return suite.client.created[-limit:]
    body = json_object(suite.client.list_calls(PageSize=limit))
    calls = body.get("calls") if body is not None else None
    return [c["sid"] for c in calls or [] if isinstance(c, dict) and isinstance(c.get("sid"), str)][:limit]
