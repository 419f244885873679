"""Settings of one reference endpoint: its profile, accounts, timings, faults and the callback allow-list."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

from .profiles import SIGNALWIRE, Profile

__all__ = ["DEFAULT_CALLBACK_ALLOW", "Account", "ReferenceConfig", "Timings"]

DEFAULT_CALLBACK_ALLOW: tuple[str, ...] = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class Timings:
    """How long the simulated lifecycle spends in each phase, in seconds."""

    queued_for: float
    ring_for: float
    talk_for: float
    hold_for: float = 300.0  # the "stays up" test number auto-completes after this
    http_timeout: float = 5.0  # callbacks and Url fetches

    @classmethod
    def fast(cls) -> Timings:
        """For tests: a whole answered call takes about half a second."""
        return cls(queued_for=0.05, ring_for=0.1, talk_for=0.3)

    @classmethod
    def live(cls) -> Timings:
        """Roughly like a real call: ringing after 1 s, answered after 2 s more, 5 s of talk."""
        return cls(queued_for=1.0, ring_for=2.0, talk_for=5.0)

    @classmethod
    def named(cls, name: str) -> Timings:
        """``fast`` or ``live``."""
        if name == "fast":
            return cls.fast()
        if name == "live":
            return cls.live()
        raise ValueError(f"unknown timings {name!r}; expected 'fast' or 'live'")


@dataclass(frozen=True)
class Account:
    """One project or account: its sid (Basic user), API or auth token (Basic password) and signing key."""

    sid: str
    auth_token: str
    signing_key: str

    @classmethod
    def generate(cls, profile: Profile = SIGNALWIRE) -> Account:
        """A fresh account with a sid of the profile's form (a UUID, or AC + 32 hex)."""
        return cls(
            sid=profile.new_sid("AC"),
            auth_token=secrets.token_hex(16),
            signing_key="PSK_" + secrets.token_hex(16),
        )


# Stands for "a fresh account of the config's profile" (filled in when the config is made).
_GENERATED = Account(sid="", auth_token="", signing_key="")


@dataclass(frozen=True)
class ReferenceConfig:
    """Everything ``create_app`` needs; ``faults`` must already be validated names (for ``profile``)."""

    profile: Profile = SIGNALWIRE
    primary: Account = _GENERATED
    other: Account = _GENERATED
    timings: Timings = field(default_factory=Timings.fast)
    faults: frozenset[str] = frozenset()
    callback_allow: frozenset[str] = frozenset(DEFAULT_CALLBACK_ALLOW)
    max_body_bytes: int = 64 * 1024
    seed_calls: int = 0  # calls the accounts hold from before the endpoint started (seeding.py)

    def __post_init__(self) -> None:
        if self.seed_calls < 0:
            raise ValueError(f"seed_calls must be 0 or more, not {self.seed_calls}")
        for name in ("primary", "other"):
            if getattr(self, name) is _GENERATED:
                object.__setattr__(self, name, Account.generate(self.profile))

    @property
    def accounts(self) -> tuple[Account, ...]:
        return (self.primary, self.other)

    def callback_key(self, account: Account) -> str:
        """What the account's callbacks are signed with: its signing key, or (twilio) its auth token."""
        return account.auth_token if self.profile.callback_key == "auth-token" else account.signing_key

    @staticmethod
    def allow_set(names: Iterable[str]) -> frozenset[str]:
        """Normalise allow-list entries the way URL hosts are compared (lower case, no brackets)."""
        return frozenset(name.strip().strip("[]").lower() for name in names if name.strip())
