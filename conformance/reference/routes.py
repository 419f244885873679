"""The paths the endpoint serves and the operation a request names.

``{prefix}/Accounts/{AccountSid}/Calls[/{Sid}][.json]`` under either prefix (which prefixes an endpoint
serves is its profile's: ``profiles.py``). Read by the handlers (to serve a request) and by the output
faults (to tell a fetch or a create from other answers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = ["PREFIXES", "Operation", "Target", "match", "operation_of"]

Operation = Literal["list", "create", "fetch", "update", "delete"]

PREFIXES = ("/api/laml/2010-04-01", "/2010-04-01")
_ROUTE = re.compile(
    r"^(?P<prefix>/api/laml/2010-04-01|/2010-04-01)/Accounts/(?P<account>[^/]+)/Calls"
    r"(?:/(?P<sid>[^/]+?))?(?P<json>\.json)?$"
)
_ON_LIST: dict[str, Operation] = {"GET": "list", "POST": "create"}
_ON_CALL: dict[str, Operation] = {"GET": "fetch", "POST": "update", "DELETE": "delete"}


@dataclass(frozen=True)
class Target:
    """What a Calls path names: its prefix, the account, the call (None: the list) and whether it ends in
    ``.json``."""

    prefix: str
    account: str
    sid: str | None
    json_suffix: bool

    @property
    def allowed(self) -> tuple[str, ...]:
        """The methods this path answers."""
        return tuple(_ON_CALL if self.sid else _ON_LIST)

    def operation(self, method: str) -> Operation | None:
        """The operation ``method`` asks for on this path; None when the method is not allowed."""
        return (_ON_CALL if self.sid else _ON_LIST).get(method)


def match(path: str) -> Target | None:
    """The target of a Calls path; None for any other path."""
    found = _ROUTE.match(path)
    if found is None:
        return None
    return Target(
        prefix=found["prefix"], account=found["account"], sid=found["sid"], json_suffix=bool(found["json"])
    )


def operation_of(method: str, path: str) -> Operation | None:
    """The operation a request names, whatever its answer; None off the Calls paths."""
    target = match(path)
    return None if target is None else target.operation(method)
