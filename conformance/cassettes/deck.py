"""Recording and replaying the suite's HTTP exchanges: one cassette per suite test file, in VCR.py's YAML form.

Record: each answer the client receives (`Cassettes.record`, a client observer) is stored, scrubbed, with the actor
(test or scenario) that asked and when it arrived, in its cassette: the open test file's, or for a scenario's
requests the scenarios' (`test_scenarios`), whichever test runs meanwhile. When the run could be carried out, the
cassettes are written to a staging directory that replaces the cassette directory, after a last check that no
credential is in any file of it.

Replay: every cassette is read once (libyaml's loader where present) into an index from what was asked (the
actor, method, URL and body, as the scrubber stores them) to the answers recorded for it, in order; the client's
transport (`Cassettes.transport`) answers each request with the next of them. A request the cassettes do not
hold (or asks more often than recorded), or an interaction its test left unused, makes that test an error: the
cassettes are stale and must be recorded again.

The files are what VCR.py reads and writes (`interactions`, each a `request` and a `response`; `version: 1`),
so a recording is readable without this suite; VCR.py itself is no longer on the path: its matching compared
each request with every recorded one, which made a replay as slow as a live run.
"""

from __future__ import annotations

import dataclasses
import shutil
import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import yaml

from conformance.cassettes.drift import drift
from conformance.cassettes.scrub import ACTOR_HEADER, ARRIVED_HEADER, Scrubber, StoredRequest
from conformance.cassettes.store import MANIFEST, Recording, write_captures
from conformance.common.tls import ssl_context
from conformance.core.capture import Capture
from conformance.core.clock import Clock
from conformance.core.errors import ConfigError, RecordingRefused, StaleCassettes
from conformance.core.outcomes import Result

__all__ = [
    "LOOPBACK_HOSTS",
    "RERECORD",
    "SCENARIOS_CASSETTE",
    "Cassettes",
    "UnrecordedRequest",
    "stale_request",
]

RERECORD = "record them again: nox -s record"
# Hosts a replay may still connect to (pytest-recording's allowed-hosts regexes).
LOOPBACK_HOSTS = (r"^127\.0\.0\.1$", r"^::1$", r"^localhost$")
# Where the scenarios' exchanges go: they run in threads of their own, beside whichever suite test runs.
SCENARIOS_CASSETTE = "test_scenarios"
SCENARIO_ACTOR = "scenario:"
# The run's own requests (its pre-flight, and ending its calls once the tests are over): they may sit in any
# cassette (the one open when they were made), and are checked once the run is over (`check_session`).
SESSION_ACTOR = "session"
CASSETTE_VERSION = 1  # VCR.py's format
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# What a replay matches a request on: (actor, method, URL, body), as the scrubber stores them.
Key = tuple[str, str, str, bytes]


class UnrecordedRequest(Exception):
    """A replayed request the cassettes do not hold (`reason`), made by `actor`, looked for in `cassette`."""

    def __init__(self, request: StoredRequest, actor: str, reason: str, cassette: str) -> None:
        super().__init__(f"{_request_line(request)}: {reason} in {cassette}.yaml")
        self.failed_request = request
        self.actor = actor
        self.reason = reason
        self.cassette = cassette


def _describe_actor(actor: str | None) -> str:
    """An actor as a reader finds it: the test (file::name), or the scenario and its test."""
    if actor and actor.startswith(SCENARIO_ACTOR):
        name = actor.removeprefix(SCENARIO_ACTOR)
        return f"scenario {name} (test_scenarios.py::test_scenario[{name}])"
    return actor or "an unnamed actor"


def _request_line(request: StoredRequest) -> str:
    parts = urlsplit(request.uri)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return f"{request.method} {target if len(target) <= 120 else target[:119] + '…'}"


def stale_request(error: BaseException) -> UnrecordedRequest | None:
    """The replay's miss inside `error` (itself, its cause or context, or one of a group's), if any."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, UnrecordedRequest):
            return current
        pending += [current.__cause__, current.__context__, *getattr(current, "exceptions", ())]
    return None


def _text(value: Any) -> str | bytes:
    """A body as VCR.py stores it: text when it is UTF-8, else bytes (YAML's !!binary)."""
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return value
    return value if value is not None else ""


def _bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    return value.encode("utf-8") if isinstance(value, str) else b""


@dataclasses.dataclass
class _Cassette:
    """One cassette file: its interactions (request and response dicts, as stored) and, in a replay, which played."""

    name: str
    interactions: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    played: list[bool] = dataclasses.field(default_factory=list)

    def actor(self, index: int) -> str:
        return str((self.interactions[index]["request"].get("headers", {}).get(ACTOR_HEADER) or [""])[0])

    def document(self) -> dict[str, Any]:
        return {"interactions": self.interactions, "version": CASSETTE_VERSION}


class Cassettes:
    """The run's cassettes in `directory` (the mode of the run's clock: "record" or "replay"); one test file's is
    open at a time (the scenarios' is theirs whatever is open).

    The clock stamps each recorded answer with when it arrived, and a replay's clock reads those stamps.
    """

    def __init__(self, clock: Clock, directory: Path) -> None:
        if clock.mode not in ("record", "replay"):
            raise ValueError("mode must be record or replay")
        self.clock = clock
        self.mode = clock.mode
        self.directory = directory.resolve()
        self.staging = self.directory.with_name(f".{self.directory.name}.recording")
        self.scrubber = Scrubber()
        self.recording: Recording | None = None
        self.played = 0
        self.stale: list[str] = []
        self.summary: str | None = None
        self.drift: list[str] = []
        self._stale_actors: set[str] = set()
        self._lock = threading.Lock()
        self._cassettes: dict[str, _Cassette] = {}
        self._opened: set[str] = set()
        self._index: dict[Key, deque[tuple[_Cassette, int]]] = {}
        self._name: str | None = None

    @property
    def interactions(self) -> int:
        """Recorded (so far), or in a replay held by the cassettes opened."""
        with self._lock:
            held = self._cassettes.values()
            return sum(len(c.interactions) for c in held if self.recording_mode or c.name in self._opened)

    @property
    def recording_mode(self) -> bool:
        return self.mode == "record"

    @property
    def replaying(self) -> bool:
        return self.mode == "replay"

    # ------------------------------------------------------------------ the run
    def prepare(self) -> None:
        """Record: an empty staging directory. Replay: the recorded run and its cassettes, indexed (ConfigError
        when there is none)."""
        if self.recording_mode:
            self.discard()
            self.staging.mkdir(parents=True)
            return
        try:
            self.recording = Recording.read(self.directory)
        except FileNotFoundError:
            raise ConfigError(
                f"no recording in {self.directory} ({MANIFEST} is missing): record one first: nox -s record"
            ) from None
        except (ValueError, TypeError, KeyError) as exc:
            raise ConfigError(f"{self.directory / MANIFEST} is unusable ({exc}); {RERECORD}") from None
        for path in self.files():
            if path.suffix == ".yaml":
                self._load(path)

    def _load(self, path: Path) -> None:
        try:
            document = yaml.load(path.read_bytes(), Loader=_LOADER) or {}
            interactions = list(document.get("interactions") or [])
            cassette = _Cassette(path.stem, interactions, [False] * len(interactions))
            for position, interaction in enumerate(interactions):
                request = interaction["request"]
                stored = StoredRequest(
                    request["method"],
                    request["uri"],
                    _bytes(request.get("body")),
                    request.get("headers") or {},
                )
                self._index.setdefault(self._key(stored, cassette.actor(position)), deque()).append(
                    (cassette, position)
                )
        except (yaml.YAMLError, AttributeError, KeyError, TypeError) as exc:
            raise ConfigError(f"{path} is unusable ({type(exc).__name__}: {exc}); {RERECORD}") from None
        self._cassettes[cassette.name] = cassette

    @staticmethod
    def _key(request: StoredRequest, actor: str) -> Key:
        return (actor, request.method.upper(), request.uri, request.body or b"")

    def discard(self) -> None:
        """Remove the staging directory (a recording that is not kept)."""
        shutil.rmtree(self.staging, ignore_errors=True)

    # ------------------------------------------------------------------ one cassette per test file
    def open(self, name: str) -> None:
        """Make `name`.yaml the cassette in use (closing the one before)."""
        if self._name == name:
            return
        self.close()
        with self._lock:
            self._name = name
            self._opened.add(name)

    def close(self) -> None:
        with self._lock:
            self._name = None

    def _cassette_of(self, actor: str) -> _Cassette | None:
        """The cassette an actor's exchanges go to: the scenarios' for a scenario, else the open one (None: none
        is open, and the exchange is neither recorded nor replayed)."""
        name = SCENARIOS_CASSETTE if actor.startswith(SCENARIO_ACTOR) else self._name
        if name is None:
            return None
        if self.replaying:
            return self._cassettes.get(name) or _Cassette(name)
        return self._cassettes.setdefault(name, _Cassette(name))

    def check_unused(self, actor: str | None = None) -> None:
        """Replay: StaleCassettes when the open cassette holds interactions of `actor` (None: of anyone but the
        session) that were not played. Actors already reported stale are not reported again."""
        with self._lock:
            cassette = self._cassettes.get(self._name or "") if self.replaying else None
            message = self._unused(cassette, lambda who: who == actor if actor else who != SESSION_ACTOR)
        if message is not None:
            raise StaleCassettes(message)

    def check_session(self) -> None:
        """Replay, once the run is over: the session's interactions left unused in any cassette are noted stale."""
        if self.replaying:
            with self._lock:
                for cassette in self._cassettes.values():
                    self._unused(cassette, lambda who: who == SESSION_ACTOR)

    def _unused(self, cassette: _Cassette | None, whose: Callable[[str], bool]) -> str | None:
        """The stale message for the interactions of `cassette` of the actors `whose` accepts left unplayed (noted
        in `stale`), or None."""
        if cassette is None:
            return None
        left: dict[str, list[str]] = {}
        for index, interaction in enumerate(cassette.interactions):
            who = cassette.actor(index)
            if not cassette.played[index] and whose(who) and who not in self._stale_actors:
                request = interaction["request"]
                left.setdefault(who, []).append(
                    _request_line(StoredRequest(request["method"], request["uri"], b"", {}))
                )
        if not left:
            return None
        self._stale_actors.update(left)
        parts = [
            f"{_describe_actor(who)} left {len(lines)} recorded interaction(s) unused (the first: {lines[0]})"
            for who, lines in left.items()
        ]
        message = f"the cassettes are stale: {'; '.join(parts)} in {cassette.name}.yaml; {RERECORD}"
        self.stale.append(message)
        return message

    def unrecorded(self, error: UnrecordedRequest, test: str) -> str:
        """The message for a request a replay could not answer (made by `test`, or a scenario of it)."""
        actor = error.actor or test
        self._stale_actors.add(actor)
        message = (
            f"the cassettes are stale: {_describe_actor(actor)} made a request {error.cassette}.yaml does not "
            f"hold ({_request_line(error.failed_request)}: {error.reason}); {RERECORD}"
        )
        self.stale.append(message)
        return message

    # ------------------------------------------------------------------ recording: the client's transport
    def record(self, response: httpx.Response, raw: bytes) -> None:
        """Record: store this answer (`raw`: its body as it came, before any content decoding) and what asked for
        it in its actor's cassette, scrubbed, stamped with when it arrived. Requests to anything but the endpoint,
        and those made while no cassette is open, are not stored."""
        actor = self.clock.current_actor().name
        arrived = self.clock.stamp()
        request = response.request
        stored = self.scrubber.request(
            StoredRequest(request.method, str(request.url), request.read(), dict(request.headers)), actor
        )
        if stored is None:
            return
        headers: dict[str, list[str]] = {}
        for name, value in response.headers.multi_items():
            headers.setdefault(name.lower(), []).append(value)
        answer = self.scrubber.response(
            {
                "status": {"code": response.status_code, "message": response.reason_phrase},
                "headers": headers,
                "body": {"string": raw},
            }
        )
        answer["headers"][ARRIVED_HEADER] = [arrived]
        answer["body"] = {"string": _text(answer["body"]["string"])}
        interaction = {
            "request": {
                "body": _text(stored.body),
                "headers": {k.lower(): [v] for k, v in stored.headers.items()},
                "method": stored.method,
                "uri": stored.uri,
            },
            "response": answer,
        }
        with self._lock:
            cassette = self._cassette_of(actor)
            if cassette is not None:
                cassette.interactions.append(interaction)

    # ------------------------------------------------------------------ replaying: the client's transport
    def transport(self, real: httpx.BaseTransport | None = None) -> httpx.BaseTransport:
        """The client's transport: recording, the `real` one (a default one unless given) with every exchange
        stored; replaying, one that answers from the cassettes (a request made while no cassette is open goes
        to the real one, as it would without cassettes)."""
        if self.replaying:
            return _ReplayTransport(self, real)
        return _RecordingTransport(self, real or httpx.HTTPTransport(verify=ssl_context()))

    def answer(self, request: httpx.Request) -> httpx.Response | None:
        """The next recorded answer to `request` (None when no cassette is open); UnrecordedRequest when the
        cassettes do not hold it, or hold fewer answers than it was asked."""
        actor = self.clock.current_actor().name
        stored = self.scrubber.request(
            StoredRequest(request.method, str(request.url), request.read(), dict(request.headers)), actor
        )
        with self._lock:
            cassette = self._cassette_of(actor)
            if cassette is None or stored is None:
                return None
            key = self._key(stored, actor)
            found = self._index.get(key)
            if not found:
                asked = key in self._index
                reason = "asked more often than recorded" if asked else "not recorded"
                raise UnrecordedRequest(stored, actor, reason, cassette.name)
            held, position = found.popleft()
            held.played[position] = True
            self.played += 1
            self._opened.add(held.name)  # a scenario's, maybe before its test file's turn
            if not found:
                self._index[key] = found  # kept empty: the request was recorded, and asked once more now
            recorded = held.interactions[position]["response"]
        headers = [(name, value) for name, values in recorded.get("headers", {}).items() for value in values]
        # A stream, not content: the client reads it as it would a real answer (and so notes its `elapsed`).
        return httpx.Response(
            recorded["status"]["code"],
            headers=headers,
            stream=httpx.ByteStream(_bytes(recorded["body"]["string"])),
            request=request,
            extensions={
                "http_version": b"HTTP/1.1",
                "reason_phrase": str(recorded["status"].get("message") or "").encode(),
            },
        )

    def arrived(self, response: Any) -> None:
        """Client observer (replay): the actor's clock moves on to when this answer arrived when recorded."""
        stamp = response.headers.get(ARRIVED_HEADER)
        if stamp:
            self.clock.arrived(stamp)

    # ------------------------------------------------------------------ the end of a run
    def keep(self, recording: Recording, captures: Iterable[Capture]) -> None:
        """Record: write the cassettes, run.json and callbacks.json (scrubbed) beside them, check every file for
        credentials, note the drift, and make them the cassette directory (RecordingRefused, leaving the old
        cassettes, when a file would leak)."""
        stored = [self.scrubber.capture(c) for c in captures]
        for cassette in self._cassettes.values():
            if cassette.interactions:
                text = yaml.dump(cassette.document(), Dumper=_DUMPER, allow_unicode=False)
                (self.staging / f"{cassette.name}.yaml").write_text(text, encoding="utf-8")
        write_captures(self.staging, stored)
        recording.write(self.staging)
        leaks = self.leaks()
        if leaks:
            self.discard()
            raise RecordingRefused(
                f"credentials survived scrubbing, cassettes not written: {'; '.join(leaks)}"
            )
        self.drift = drift(self.directory, self.staging)
        self.replace_directory()
        self.summary = (
            f"cassettes: {self.interactions} interactions and {len(stored)} callbacks recorded into "
            f"{self.directory}"
        )

    def lines(self, results: Sequence[Result]) -> list[str]:
        """What the terminal says: where the cassettes went (and the drift), or what the replay made of them."""
        if self.recording_mode:
            return [line for line in (self.summary, *self.drift) if line]
        lines = [
            f"cassettes: {self.played} of {self.interactions} recorded interactions replayed from "
            f"{self.directory}; network closed but to loopback"
        ]
        recorded = self.recording.verdict if self.recording else {}
        changed = [
            f"{r.requirement.id} {recorded.get(r.requirement.id, 'absent')} → {r.outcome.label}"
            for r in results
            if recorded.get(r.requirement.id) != r.outcome.label
        ]
        more = f" (and {len(changed) - 5} more)" if len(changed) > 5 else ""
        lines.append(
            f"verdict differs from the recording's: {', '.join(changed[:5])}{more}"
            if changed
            else "verdict: the same as the recording's"
        )
        return lines

    def leaks(self) -> list[str]:
        """Files of the staging directory that still show a credential, with what they show."""
        found = []
        for path in sorted(self.staging.rglob("*")):
            if path.is_file():
                kinds = self.scrubber.leaks(path.read_text(encoding="utf-8", errors="replace"))
                if kinds:
                    found.append(f"{path.name}: {', '.join(kinds)}")
        return found

    def replace_directory(self) -> None:
        """Make the staging directory the cassette directory. The previous cassettes are removed; recordings in
        its subdirectories (another profile's, as cassettes/twilio/) are other recordings, and stay."""
        previous = self.directory.with_name(f".{self.directory.name}.previous")
        shutil.rmtree(previous, ignore_errors=True)
        if self.directory.exists():
            self.directory.rename(previous)
            for child in previous.iterdir():
                if child.is_dir() and not (self.staging / child.name).exists():
                    child.rename(self.staging / child.name)
        self.staging.rename(self.directory)
        shutil.rmtree(previous, ignore_errors=True)

    def files(self) -> Iterable[Path]:
        return sorted(p for p in self.directory.glob("*") if p.is_file())


class _ReplayTransport(httpx.BaseTransport):
    """The client's transport in a replay: answers from the cassettes (a real one, made when first needed, for
    a request made while no cassette is open)."""

    def __init__(self, cassettes: Cassettes, fallback: httpx.BaseTransport | None) -> None:
        self._cassettes = cassettes
        self._fallback = fallback

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        answer = self._cassettes.answer(request)
        if answer is not None:
            return answer
        if self._fallback is None:
            self._fallback = httpx.HTTPTransport(verify=ssl_context())
        return self._fallback.handle_request(request)

    def close(self) -> None:
        if self._fallback is not None:
            self._fallback.close()


class _RecordingTransport(httpx.BaseTransport):
    """The client's transport in a recording: the real one, each exchange stored as it completes."""

    def __init__(self, cassettes: Cassettes, real: httpx.BaseTransport) -> None:
        self._cassettes = cassettes
        self._real = real

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self._real.handle_request(request)
        try:
            raw = b"".join(response.iter_raw())
        finally:
            response.close()
        # The client gets the answer as it came (it decodes the body itself), the cassette its scrubbed copy.
        answer = httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=httpx.ByteStream(raw),
            request=request,
            extensions=response.extensions,
        )
        self._cassettes.record(answer, raw)
        return answer

    def close(self) -> None:
        self._real.close()
