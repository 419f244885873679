"""What a check may know besides its subject: the profile, the account in the path, the request."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

__all__ = ["CheckContext"]


@dataclasses.dataclass(frozen=True)
class CheckContext:
    """The circumstances of one subject: profile, path account and the request that produced it."""

    profile: str
    account_sid: str | None = None
    method: str = "GET"
    path: str = ""
    query: Mapping[str, list[str]] = dataclasses.field(default_factory=dict)
    status_code: int = 200
