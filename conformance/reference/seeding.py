"""Calls an account already held before the endpoint started, as a real account does (``seed_calls``).

A real account holds many older calls, made by other clients, in every status: lists, filters and paging
must be judged right among them. ``seed`` adds ``count`` such calls to the store, four in five to the primary
account and one in five to the other: every status (a few still queued, ringing or in progress from the last
minutes, the others ended over the last 30 days), other numbers (NANP and other countries' fictional ranges,
SIP addresses, client identifiers), inbound calls as well as outbound ones, with or without machine
detection, and some created in the same second as another (so that only the creation order tells them
apart). Each is a correct Call: its times, duration, price and media agree, as the live calls' do. Seeded calls
never move and send no callbacks. The same ``seed`` value gives the same calls.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from .call_store import ENDED, STATUSES, Call, CallParams, CallStore
from .config import Account
from .dates import utcnow
from .destinations import media_for, sip_code_for
from .numbers import format_address
from .profiles import Profile

__all__ = ["SEED_ADDRESSES", "seed"]

# Other clients' numbers: fictional ranges (NANP 555-01XX, Ofcom's drama range, ACMA's, ARCEP's) and
# SIP and client addresses.
SEED_ADDRESSES = (
    "+12025550142", "+13125550177", "+442079460123", "+61255501234", "+33199001234",
    "sip:alice@example.com", "sip:frontdesk@pbx.example.org", "client:agent_7", "client:kiosk-12",
)  # fmt: skip
_ACTIVE = ("queued", "ringing", "in-progress")
_ANSWERED_BY = (None, None, "human", "machine_start", "machine_end_beep")
_PRICE_PER_MINUTE = 0.004


def _times(status: str, created: dt.datetime, rng: random.Random) -> dict[str, dt.datetime | None]:
    """When a call in `status`, created at `created`, started ringing, was answered and ended."""
    start = None if status == "queued" else created + dt.timedelta(seconds=rng.randint(1, 3))
    answered = None
    if status in ("in-progress", "completed") and start is not None:
        answered = start + dt.timedelta(seconds=rng.randint(2, 20))
    end = None
    if status in ENDED and start is not None:
        talk = dt.timedelta(seconds=rng.randint(0, 900)) if answered else dt.timedelta(0)
        end = (answered or start + dt.timedelta(seconds=rng.randint(1, 40))) + talk
    return {"start": start, "answered": answered, "end": end}


def _call(account: Account, profile: Profile, index: int, created: dt.datetime, rng: random.Random) -> Call:
    status = STATUSES[index % len(STATUSES)]
    inbound = index % 3 == 0
    ours, theirs = "+12025550199", SEED_ADDRESSES[(index // 2) % len(SEED_ADDRESSES)]
    to, from_ = (ours, theirs) if inbound else (theirs, ours if index % 2 else "+12025550198")
    times = _times(status, created, rng)
    detection = "Enable" if index % 4 == 1 else "none"
    call = Call(
        sid=profile.new_sid("CA"),
        account_sid=account.sid,
        seq=0,
        to=to,
        from_=from_,
        formatted_to=format_address(to),
        formatted_from=format_address(from_),
        params=CallParams(url=f"https://app{index % 5}.example.com/voice", machine_detection=detection),
        api_origin="http://127.0.0.1",
        date_created=created,
        date_updated=times["end"] or times["answered"] or times["start"] or created,
        status=status,
        start_time=times["start"],
        answered_at=times["answered"],
        end_time=times["end"],
        direction="inbound" if inbound else "outbound-api",
        history=["queued"] if status == "queued" else ["queued", status],
    )
    if times["answered"] is not None and detection == "Enable":
        call.answered_by = rng.choice(_ANSWERED_BY[2:])
    if call.ended:
        call.sip_result_code = sip_code_for(status)
        connected = call.duration
        call.media = media_for(connected, rng) if call.answered_at is not None else None
        call.price = round(_PRICE_PER_MINUTE * max(1, math.ceil(connected / 60)), 4) if connected else 0.0
    return call


def seed(
    store: CallStore, profile: Profile, accounts: tuple[Account, Account], count: int, rng_seed: int = 12
) -> None:
    """Add `count` calls from before now: four in five to `accounts[0]`, the rest to `accounts[1]`."""
    rng = random.Random(rng_seed)
    now = utcnow().replace(microsecond=0) - dt.timedelta(seconds=2)
    created = now
    for index in range(count):
        status = STATUSES[index % len(STATUSES)]
        if status in _ACTIVE:
            moment = now - dt.timedelta(seconds=rng.randint(60, 600))  # still up: from the last minutes
        elif index % 4 == 3:
            moment = created  # the same second as the call before
        else:
            moment = now - dt.timedelta(seconds=rng.randint(3600, 30 * 86400))
        created = moment
        account = accounts[1] if index % 5 == 4 else accounts[0]
        store.insert(_call(account, profile, index, moment, rng))
