"""The URLs the receiver hands out, and the URL an endpoint called, rebuilt exactly as it was called.

Two shapes of URL. The plain one (`/status/{token}`, `/laml/{token}/{scenario}`) and an application's
(`APP_PREFIX`): a path of several segments, one of them percent-encoded, and a query string whose values are
percent-encoded, one key repeated, one value empty and one long (`APP_QUERY`), as real applications give
them to carry their own state. A signature covers the whole URL, query included, so the receiver rebuilds it
from the request as it arrived: the raw (still encoded) path and query string, under the public base URL
(`CALLS_CALLBACK_URL`). A tunnel or proxy in front of the receiver may keep the public URL's own path or
strip it: either way the URL rebuilt is the one the endpoint called.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from urllib.parse import quote, unquote, urlencode, urlsplit, urlunsplit

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = [
    "APP_PREFIX",
    "APP_QUERY",
    "APP_QUERY_ITEMS",
    "ORIGINAL_RAW_PATH",
    "PublicPrefix",
    "public_url",
    "raw_path_of",
    "without_own_items",
]

APP_PREFIX = "/hooks/acme%20corp/v1"
# An application's own state: a percent-encoded value, a repeated key, an empty value and a long one (a signed
# blob of 255 characters, `+`, `/` and `=` in it), as real applications carry it.
APP_QUERY_ITEMS: tuple[tuple[str, str], ...] = (
    ("state", "a/b c"),
    ("n", "1"),
    ("tag", "x"),
    ("tag", "y"),
    ("note", ""),
    ("ctx", "v1." + "Zm9vYmFy+/" * 25 + "=="),
)
# state=a%2Fb%20c&n=1&tag=x&tag=y&note=&ctx=v1.Zm9vYmFy%2B%2F…%3D%3D
APP_QUERY = urlencode(APP_QUERY_ITEMS, quote_via=quote)
# The ASGI scope key under which `PublicPrefix` keeps the raw path the request arrived with.
ORIGINAL_RAW_PATH = "calls_conformance.original_raw_path"


def _prefix(public_base: str) -> str:
    return urlsplit(public_base).path.rstrip("/")


def public_url(public_base: str, raw_path: str, query: str) -> str:
    """The URL the endpoint called: the public base's scheme and host, its path prefix (unless the request's
    path already starts with it), then the path and query string exactly as they arrived (still encoded)."""
    base = urlsplit(public_base)
    prefix = _prefix(public_base)
    kept = bool(prefix) and (raw_path == prefix or raw_path.startswith(prefix + "/"))
    return urlunsplit((base.scheme, base.netloc, raw_path if kept else prefix + raw_path, query, ""))


def raw_path_of(scope: Scope) -> str:
    """The request's path as it arrived, percent-encoding and all (before `PublicPrefix` took a prefix off)."""
    raw = scope.get(ORIGINAL_RAW_PATH) or scope.get("raw_path")
    return raw.decode("latin-1") if isinstance(raw, bytes) else quote(str(scope.get("path", "")))


def without_own_items(
    items: Sequence[tuple[str, str]], own: Sequence[tuple[str, str]]
) -> tuple[tuple[str, str], ...]:
    """`items` less one occurrence of each of `own` (the query the URL itself carried, for a GET's parameters)."""
    rest = list(items)
    for pair in own:
        if pair in rest:
            rest.remove(pair)
    return tuple(rest)


class PublicPrefix:
    """ASGI wrapper: a request whose path starts with the public URL's own path is routed without it (a tunnel
    that keeps the path), the raw path it arrived with kept in the scope for `public_url`."""

    def __init__(self, app: ASGIApp, public_base: Callable[[], str]) -> None:
        self.app = app
        self.public_base = public_base

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            prefix = _prefix(self.public_base())
            raw = raw_path_of(scope)
            if prefix and raw.startswith(prefix + "/"):
                scope = dict(scope)
                scope[ORIGINAL_RAW_PATH] = raw.encode("latin-1")
                scope["raw_path"] = raw[len(prefix) :].encode("latin-1")
                scope["path"] = str(scope["path"])[len(unquote(prefix)) :]
        await self.app(scope, receive, send)
