"""The credentials a request of the suite carries: the run's own, none, or a variant the error contract says an
endpoint must refuse (a wrong token, the right account with an empty password, the token one character short or
long or in the other case, Basic without a password separator, an empty Authorization value, another scheme).

Each variant knows the Authorization header it sends, how a failure names it in words (never the credential
itself), and the shell words that send it again from `$CALLS_ACCOUNT_SID` and `$CALLS_AUTH_TOKEN`, so that a
failure's curl line repeats the very request without holding a secret.
"""

from __future__ import annotations

import base64
import dataclasses

__all__ = ["ACCOUNT", "MALFORMED", "NONE", "VARIANTS", "WRONG", "WRONG_TOKEN", "Credentials", "by_name"]


def _basic(user: str, password: str | None) -> str:
    text = user if password is None else f"{user}:{password}"
    return "Basic " + base64.b64encode(text.encode("utf-8")).decode("ascii")


@dataclasses.dataclass(frozen=True)
class Credentials:
    """One way of authenticating a request: `name` (what the request's evidence records), `words` (how a failure
    says it), `curl` (the shell words that send the same), and the token it derives from the real one."""

    name: str
    words: str
    curl: str

    def header(self, account_sid: str, token: str) -> str | None:
        """The Authorization header value (None: no header at all)."""
        return _HEADERS[self.name](account_sid, token)

    def applies_to(self, token: str) -> bool:
        """Whether this variant differs from the real credentials for `token` (a token with no letter has no
        other case)."""
        return self.name != "token-other-case" or token.swapcase() != token


_HEADERS = {
    "account": lambda sid, token: _basic(sid, token),
    "none": lambda sid, token: None,
    "other": lambda sid, token: _basic(sid, "not-the-auth-token"),
    "empty-password": lambda sid, token: _basic(sid, ""),
    "token-cut": lambda sid, token: _basic(sid, token[:-1]),
    "token-extended": lambda sid, token: _basic(sid, token + "0"),
    "token-other-case": lambda sid, token: _basic(sid, token.swapcase()),
    "no-separator": lambda sid, token: _basic(sid, None),
    "empty-authorization": lambda sid, token: "",
    "bearer": lambda sid, token: f"Bearer {token}",
}

ACCOUNT = Credentials("account", "the run's credentials", '-u "$CALLS_ACCOUNT_SID:$CALLS_AUTH_TOKEN"')
NONE = Credentials("none", "no credentials", "")
WRONG_TOKEN = Credentials("other", "a wrong auth token", '-u "$CALLS_ACCOUNT_SID:not-the-auth-token"')
# Well-formed Basic credentials naming the right account with a wrong password: 401 (ERR-AUTH-WRONG).
WRONG = (
    WRONG_TOKEN,
    Credentials("empty-password", "the account sid with an empty password", '-u "$CALLS_ACCOUNT_SID:"'),
    Credentials(
        "token-cut",
        "the auth token less its last character",
        '-u "$CALLS_ACCOUNT_SID:${CALLS_AUTH_TOKEN%?}"',
    ),
    Credentials(
        "token-extended",
        "the auth token and one character more",
        '-u "$CALLS_ACCOUNT_SID:${CALLS_AUTH_TOKEN}0"',
    ),
    Credentials(
        "token-other-case",
        "the auth token with the case of its letters swapped",
        '-u "$CALLS_ACCOUNT_SID:$(printf %s "$CALLS_AUTH_TOKEN" | tr a-zA-Z A-Za-z)"',
    ),
)
# An Authorization header that is no usable Basic credential: refused (ERR-AUTH-MALFORMED).
MALFORMED = (
    Credentials(
        "no-separator",
        "Basic credentials of the account sid alone, with no password separator",
        '-H "Authorization: Basic $(printf %s "$CALLS_ACCOUNT_SID" | base64 | tr -d "\\n")"',
    ),
    Credentials("empty-authorization", "an empty Authorization header", "-H 'Authorization;'"),
    Credentials("bearer", "the auth token as a Bearer token", '-H "Authorization: Bearer $CALLS_AUTH_TOKEN"'),
)
VARIANTS = (ACCOUNT, NONE, *WRONG, *MALFORMED)
_BY_NAME = {c.name: c for c in VARIANTS}


def by_name(name: str) -> Credentials:
    """The variant a request's evidence names (the run's own for a name it does not know)."""
    return _BY_NAME.get(name, ACCOUNT)
