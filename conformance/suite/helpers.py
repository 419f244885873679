"""Small helpers the suite tests share: polling with a deadline, fresh identifiers, call lookups."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from conformance.actors import CLOCK, fresh_hex, fresh_uuid
from conformance.client import ENDED_STATUSES
from conformance.session import Suite

__all__ = ["fresh_account_sid", "fresh_call_sid", "known_call_sids", "poll_until_ended"]


def fresh_call_sid(profile: str) -> str:
    """A call sid of the profile's form that no endpoint has issued (from the current actor's random source)."""
    return "CA" + fresh_hex(16) if profile == "twilio" else fresh_uuid()


def fresh_account_sid(profile: str) -> str:
    """An account sid of the profile's form that names nobody's account."""
    return "AC" + fresh_hex(16) if profile == "twilio" else fresh_uuid()


def poll_until_ended(suite: Suite, sids: Iterable[str], *, interval: float | None = None) -> dict[str, str | None]:
    """Fetch each call until it has ended or the run's deadline passes; returns the last status seen."""
    pending = list(sids)
    last: dict[str, str | None] = dict.fromkeys(pending)
    interval = interval if interval is not None else (0.05 if suite.settings.embedded else 1.0)
    deadline = CLOCK.deadline(suite.settings.deadline)
    while pending and not deadline.expired():
        for sid in list(pending):
            body = _json(suite.client.fetch_call(sid))
            last[sid] = body.get("status") if isinstance(body, dict) else None
            if last[sid] in ENDED_STATUSES or last[sid] is None:
                pending.remove(sid)
        if pending:
            CLOCK.sleep(interval)
    return last


def known_call_sids(suite: Suite, limit: int = 5) -> list[str]:
    """Sids of calls to look at: the run's own first, else the account's most recent ones."""
    if suite.client.created:
        return suite.client.created[-limit:]
    body = _json(suite.client.list_calls(PageSize=limit))
    calls = body.get("calls") if isinstance(body, dict) else None
    return [c["sid"] for c in calls or [] if isinstance(c, dict) and isinstance(c.get("sid"), str)][:limit]


def _json(response: Any) -> Any:
    """The JSON body as a dict, or None (garbage, lists and scalars included)."""
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def first(items: Iterable[Any], predicate: Callable[[Any], bool]) -> Any:
    return next((item for item in items if predicate(item)), None)
