"""The one client every suite test talks through: paths, auth, the call budget, and response observers.

The budget counts calls the endpoint created: a create is reserved before it is sent and given back when the
endpoint refuses it (4xx). With the plan's `allowances`, each actor (a suite test, a scenario) may also create
no more than the plan gave it.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from conformance.common.tls import ssl_context
from conformance.core.bodies import json_field
from conformance.core.clock import Clock
from conformance.core.credentials import ACCOUNT, Credentials
from conformance.core.errors import EndpointUnavailable
from conformance.core.evidence import AUTH_EXTENSION
from conformance.core.signals import CallBudgetExhausted
from conformance.core.statuses import ENDED

__all__ = ["CallsClient", "Observer"]

Observer = Callable[[httpx.Response], None]
FormData = Mapping[str, str | Iterable[str]]


class CallsClient:
    """HTTP access to one account's Calls resource, with every answer shown to the observers.

    The run's clock names who creates each call (so the run ends them in the same order every time).
    """

    def __init__(
        self,
        base_url: str,
        account_sid: str,
        auth_token: str,
        *,
        clock: Clock,
        json_suffix: bool = False,
        max_calls: int | None = None,
        timeout: float = 10.0,
        transport: httpx.BaseTransport | None = None,
        background: Callable[[str], bool] = lambda actor: False,
    ) -> None:
        """`background(actor)`: whether an actor runs beside the suite's tests (a scenario): the calls it creates
        are ended and counted, but are not among `created`, the calls tests look back at."""
        self.base_url = base_url.rstrip("/")
        self.clock = clock
        self.account_sid = account_sid
        self.json_suffix = json_suffix
        self.max_calls = max_calls
        self.observers: list[Observer] = []
        # The calls the suite's tests created, in order: made one after another, so the same in every run (those
        # of actors running beside them, which interleave, are only in `all_created`).
        self.created: list[str] = []
        # The clock's time() when the first of `created` was answered.
        self.first_created_at: float | None = None
        self.refused = 0  # creates the endpoint answered without making a call
        self._background = background
        self._creators: dict[str, tuple[str, int]] = {}  # sid -> (actor, how many it had made before)
        self.exchanges = 0
        self.dead: str | None = None
        self._no_more_calls: str | None = None
        self._creating = 0
        self._reserved = 0
        self.allowances: Mapping[str, int] | None = None
        self.shortage = ""  # what a create beyond an actor's allowance is told (the plan's figures)
        self.reserved_by: dict[str, int] = {}
        self._lock = threading.Lock()
        self._created_settled = threading.Condition(self._lock)
        self._token = auth_token
        self._timeout = timeout
        self._http = httpx.Client(
            timeout=timeout, transport=transport, follow_redirects=False, verify=ssl_context()
        )

    # ------------------------------------------------------------------ paths
    @property
    def origin(self) -> str:
        parts = urlsplit(self.base_url)
        return urlunsplit((parts.scheme, parts.netloc, "", "", ""))

    def calls_url(
        self, sid: str | None = None, *, account_sid: str | None = None, suffix: bool | None = None
    ) -> str:
        """URL of the list, or of one call, in the profile's path form unless `suffix` says otherwise."""
        path = f"{self.base_url}/Accounts/{account_sid or self.account_sid}/Calls"
        if sid is not None:
            path += f"/{sid}"
        return path + (".json" if (self.json_suffix if suffix is None else suffix) else "")

    def resolve_uri(self, uri: str) -> str:
        """A `uri`-style value from a response (a path on the endpoint's host) as an absolute URL."""
        if urlsplit(uri).scheme:
            parts = urlsplit(uri)
            uri = urlunsplit(("", "", parts.path, parts.query, ""))
        return self.origin + uri

    # ------------------------------------------------------------------ the call budget
    def stop_creating(self, reason: str) -> None:
        """Refuse every later create (the run is ending: calls made now could outlive it)."""
        with self._lock:
            self._no_more_calls = reason

    def reserve_call(self) -> None:
        """Take one call from the run's budget (and the current actor's allowance) before a request that may
        create one; CallBudgetExhausted when none is left."""
        actor = self.clock.current_actor().name
        with self._lock:
            if self._no_more_calls:
                raise CallBudgetExhausted(self._no_more_calls)
            if self.max_calls is not None and self._reserved >= self.max_calls:
                raise CallBudgetExhausted(f"CALLS_MAX_CALLS={self.max_calls} calls already created")
            spent = self.reserved_by.get(actor, 0)
            if self.allowances is not None and spent >= self.allowances.get(actor, 0):
                raise CallBudgetExhausted(
                    f"{actor} has created the {spent} call(s) the plan gives it{self.shortage}"
                )
            self._reserved += 1
            self.reserved_by[actor] = spent + 1

    def give_back(self, response: httpx.Response) -> None:
        """A create the endpoint refused (4xx) created no call: its reservation goes back to the budget."""
        if 400 <= response.status_code < 500:
            actor = self.clock.current_actor().name
            with self._lock:
                self._reserved -= 1
                self.reserved_by[actor] = self.reserved_by.get(actor, 1) - 1

    @property
    def calls_reserved(self) -> int:
        return self._reserved

    @property
    def all_created(self) -> list[str]:
        """Every call the run created, in the order they were answered: those it ends, and counts."""
        with self._lock:
            return list(self._creators)

    @property
    def created_by(self) -> dict[str, int]:
        """How many calls each actor created (2xx answers with a sid)."""
        with self._lock:
            counts: dict[str, int] = {}
            for actor, _ in self._creators.values():
                counts[actor] = counts.get(actor, 0) + 1
            return counts

    # ------------------------------------------------------------------ requests
    def request(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: FormData | None = None,
        credentials: Credentials = ACCOUNT,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
    ) -> httpx.Response:
        """Send one request with `credentials` (the run's own unless told otherwise) and observe the answer."""
        if self.dead:
            raise EndpointUnavailable(self.dead)
        sent = {k: v for k, v in (headers or {}).items() if k.lower() != "authorization"}
        authorization = credentials.header(self.account_sid, self._token)
        if authorization is not None:
            sent["Authorization"] = authorization
        try:
            request = self._http.build_request(
                method,
                url,
                params=params,
                data=data,
                headers=sent,
                content=content,
                # How the request was authenticated, for a failure that shows it (never the credential itself).
                extensions={AUTH_EXTENSION: credentials.name},
            )
            response = self._http.send(request)
        except httpx.TimeoutException:
            self.dead = f"{method} {_path(url)}: the endpoint did not answer within {self._timeout:g} s"
            raise EndpointUnavailable(self.dead) from None
        except httpx.TransportError as exc:
            self.dead = f"{method} {_path(url)}: {type(exc).__name__}: {exc}"
            raise EndpointUnavailable(self.dead) from None
        with self._lock:
            self.exchanges += 1
        for observer in self.observers:
            observer(response)
        return response

    def differs_from_own(self, credentials: Credentials) -> bool:
        """Whether `credentials` are not the run's own (a token with no letter has no other case)."""
        return credentials.name != ACCOUNT.name and credentials.applies_to(self._token)

    def list_calls(self, **filters: Any) -> httpx.Response:
        return self.request("GET", self.calls_url(), params=filters or None)

    def get_uri(self, uri: str) -> httpx.Response:
        """GET a `uri`-style value from an answer; ValueError when it is no usable URL (the endpoint's data)."""
        try:
            return self.request("GET", self.resolve_uri(uri))
        except httpx.InvalidURL as exc:
            raise ValueError(f"not a usable URL: {exc}") from None

    def fetch_call(self, sid: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", self.calls_url(sid, **kwargs))

    def create_call(self, form: FormData) -> httpx.Response:
        """POST a create; a 2xx answer's sid is remembered so the run can end the call before it exits."""
        self.reserve_call()
        with self._lock:
            self._creating += 1
        try:
            with _interrupt_deferred():
                return self.note_created(self.request("POST", self.calls_url(), data=form))
        finally:
            with self._lock:
                self._creating -= 1
                self._created_settled.notify_all()

    def note_created(self, response: httpx.Response) -> httpx.Response:
        """Remember the sid of a call a 2xx create answer made, so that the run ends it before exiting; a refused
        create gives its reservation back."""
        self.give_back(response)
        sid = json_field(response, "sid") if response.is_success else None
        with self._lock:
            if isinstance(sid, str):
                actor = self.clock.current_actor().name
                self._creators[sid] = (actor, sum(1 for a, _ in self._creators.values() if a == actor))
                if not self._background(actor):
                    self.created.append(sid)
                    if self.first_created_at is None:
                        self.first_created_at = self.clock.time()
            else:
                self.refused += 1
        return response

    def update_call(self, sid: str, form: FormData) -> httpx.Response:
        return self.request("POST", self.calls_url(sid), data=form)

    def delete_call(self, sid: str) -> httpx.Response:
        return self.request("DELETE", self.calls_url(sid))

    def end_created_calls(self) -> list[str]:
        """Hang up every call this client created that has not ended; returns the sids it could not end.

        Creates still in flight are waited for (bounded), so that no call they make escapes.
        """
        with self._lock:
            self._created_settled.wait_for(lambda: self._creating == 0, timeout=self._timeout + 1)
        stuck = []
        # By creator, then in each one's order: the same order in every run, whatever the threads did.
        for sid in sorted(self.all_created, key=lambda sid: self._creators[sid]):
            try:
                status = json_field(self.fetch_call(sid), "status")
                if status is None or _ended(status):
                    continue
                status = json_field(self.update_call(sid, {"Status": "completed"}), "status")
                if not _ended(status):
                    self.update_call(sid, {"Status": "canceled"})
            except EndpointUnavailable:
                stuck.append(sid)
        return stuck

    def close(self) -> None:
        self._http.close()


@contextlib.contextmanager
def _interrupt_deferred() -> Iterator[None]:
    """Hold Ctrl-C until the block ends (main thread only), so a create's answer, and its sid, is never lost."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught:
            raise KeyboardInterrupt


def _ended(status: Any) -> bool:
    return isinstance(status, str) and status in ENDED


def _path(url: str) -> str:
    return urlsplit(url).path
