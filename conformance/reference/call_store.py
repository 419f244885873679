"""In-memory accounts and calls.

All mutation happens on the server's event loop with no ``await`` inside a read-modify-write, so
concurrent requests and lifecycle tasks never interleave halfway through a change.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field

from .config import Account
from .dates import utcnow

__all__ = ["ENDED", "STATUSES", "Call", "CallParams", "CallStore", "Media", "Position"]

STATUSES: tuple[str, ...] = (
    "queued",
    "ringing",
    "in-progress",
    "canceled",
    "completed",
    "busy",
    "failed",
    "no-answer",
)
ENDED: frozenset[str] = frozenset({"canceled", "completed", "busy", "failed", "no-answer"})
# A call's place in the list: its creation date, then its creation order (dates alone may be equal).
Position = tuple[dt.datetime, int]


@dataclass
class CallParams:
    """What the create (and later updates) asked for."""

    url: str | None = None
    method: str = "POST"
    fallback_url: str | None = None
    fallback_method: str = "POST"
    application_sid: str | None = None
    status_callback: str | None = None
    status_callback_method: str = "POST"
    status_callback_events: frozenset[str] = frozenset({"completed"})
    timeout: int = 60
    record: bool = False
    recording_channels: str = "mono"
    recording_status_callback: str | None = None
    recording_status_callback_method: str = "POST"
    recording_status_callback_events: frozenset[str] = frozenset({"completed"})
    machine_detection: str = "none"
    twiml: str | None = None  # twilio: instructions given inline instead of a Url
    replaced_status_callback: str | None = None  # the StatusCallback an update replaced (for a fault only)


@dataclass(frozen=True)
class Media:
    """Media statistics of a call that was answered and has ended."""

    mos: float
    rtt_min: int
    rtt_avg: int
    rtt_max: int
    jitter_min: int
    jitter_avg: int
    jitter_max: int
    lost: int
    packets_in: int
    packets_out: int


@dataclass
class Call:
    """One call and everything the endpoint knows about it."""

    sid: str
    account_sid: str
    seq: int
    to: str
    from_: str
    formatted_to: str
    formatted_from: str
    params: CallParams
    api_origin: str
    date_created: dt.datetime
    date_updated: dt.datetime
    status: str = "queued"
    start_time: dt.datetime | None = None
    answered_at: dt.datetime | None = None
    end_time: dt.datetime | None = None
    answered_by: str | None = None
    sip_result_code: str | None = None
    media: Media | None = None
    price: float | None = None
    recording_sid: str | None = None
    direction: str = "outbound-api"  # calls made through the API; seeded ones may be inbound
    callbacks_sent: int = 0
    history: list[str] = field(default_factory=list)

    @property
    def ended(self) -> bool:
        return self.status in ENDED

    @property
    def position(self) -> Position:
        """Where the call sits in the newest-first order: its creation date, then its creation order."""
        return (self.date_created, self.seq)

    @property
    def duration(self) -> int:
        """Whole seconds of connected time (0 if never answered; counts up while in progress)."""
        if self.answered_at is None:
            return 0
        until = self.end_time or utcnow()
        return max(0, int((until - self.answered_at).total_seconds()))


class CallStore:
    """Accounts and their calls; sids of deleted calls stay known so page tokens keep working."""

    def __init__(self, accounts: Iterable[Account]) -> None:
        self.accounts: dict[str, Account] = {account.sid: account for account in accounts}
        self._calls: dict[str, Call] = {}
        self._position_of: dict[str, tuple[str, Position]] = {}
        self._counter = itertools.count()
        self._last = utcnow()

    def now(self) -> dt.datetime:
        """The current instant, never earlier than one already handed out (dates stay ordered)."""
        self._last = max(utcnow(), self._last)
        return self._last

    def add(
        self,
        *,
        sid: str,
        account_sid: str,
        to: str,
        from_: str,
        formatted_to: str,
        formatted_from: str,
        params: CallParams,
        api_origin: str,
    ) -> Call:
        now = self.now()
        call = Call(
            sid=sid,
            account_sid=account_sid,
            seq=0,  # given by insert
            to=to,
            from_=from_,
            formatted_to=formatted_to,
            formatted_from=formatted_from,
            params=params,
            api_origin=api_origin,
            date_created=now,
            date_updated=now,
            history=["queued"],
        )
        return self.insert(call)

    def insert(self, call: Call) -> Call:
        """Keep a call made elsewhere (seeded, with its own dates); it gets the next creation order."""
        call.seq = next(self._counter)
        self._calls[call.sid] = call
        self._position_of[call.sid] = (call.account_sid, call.position)
        return call

    def get(self, account_sid: str, sid: str) -> Call | None:
        call = self._calls.get(sid)
        return call if call is not None and call.account_sid == account_sid else None

    def all_by_sid(self, sid: str) -> Call | None:
        """The call with this sid, whichever account holds it."""
        return self._calls.get(sid)

    def delete(self, call: Call) -> None:
        self._calls.pop(call.sid, None)

    def calls_of(self, account_sid: str) -> list[Call]:
        """The account's calls, newest first (date_created, then creation order)."""
        calls = [call for call in self._calls.values() if call.account_sid == account_sid]
        calls.sort(key=lambda call: call.position, reverse=True)
        return calls

    def position_of(self, account_sid: str, sid: str) -> Position | None:
        """Where a call of this account sits in the order, deleted or not (for page tokens)."""
        known = self._position_of.get(sid)
        return known[1] if known is not None and known[0] == account_sid else None

    def all_calls(self) -> list[Call]:
        return list(self._calls.values())
