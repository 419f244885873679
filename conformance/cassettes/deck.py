"""Recording and replaying the suite's HTTP exchanges with VCR.py: one cassette per suite test file.

Record: each exchange with the endpoint is stored, scrubbed, in a staging directory, with the actor
(test or scenario) that made it. When the run could be carried out, the staging directory replaces the
cassette directory, after a last check that no credential is in any file of it.
Replay: each request is answered from the cassettes, matched on method, URL (path and query), body and
actor. A request they do not hold, or an interaction its test left unused, makes that test an error:
the cassettes are stale and must be recorded again.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import vcr
from vcr import matchers as vcr_matchers
from vcr.cassette import Cassette
from vcr.errors import CannotOverwriteExistingCassetteException
from vcr.request import Request

from conformance.cassettes.drift import drift
from conformance.cassettes.scrub import ACTOR_HEADER, ARRIVED_HEADER, Scrubber
from conformance.cassettes.store import MANIFEST, Recording, write_captures
from conformance.core.capture import Capture
from conformance.core.clock import Clock
from conformance.core.errors import ConfigError, RecordingRefused, StaleCassettes
from conformance.core.outcomes import Result

__all__ = ["LOOPBACK_HOSTS", "RERECORD", "Cassettes", "stale_request"]

RERECORD = "record them again: nox -s record"
# Hosts a replay may still connect to (pytest-recording's allowed-hosts regexes).
LOOPBACK_HOSTS = (r"^127\.0\.0\.1$", r"^::1$", r"^localhost$")
# VCR.py's own matchers, behind the actor: requests of different actors never match, and a replay only
# compares further the few requests of the same actor (VCR runs every matcher of `match_on` on every
# recorded request, which made a replay as slow as a live run).
MATCHERS = (
    vcr_matchers.method,
    vcr_matchers.scheme,
    vcr_matchers.host,
    vcr_matchers.port,
    vcr_matchers.path,
    vcr_matchers.query,
    vcr_matchers.body,
)
_REASONS = {
    "already_played": "asked more often than recorded",
    "no_match": "not recorded",
    "nothing_similar": "not recorded",
    "cassette_not_found": "no cassette for this test file",
}


def _same_exchange(r1: Request, r2: Request) -> None:
    """VCR matcher: the same actor, then the same method, URL (path and query) and body."""
    if r1.headers.get(ACTOR_HEADER) != r2.headers.get(ACTOR_HEADER):
        raise AssertionError(f"actor {r1.headers.get(ACTOR_HEADER)} != {r2.headers.get(ACTOR_HEADER)}")
    for matcher in MATCHERS:
        matcher(r1, r2)


def _describe_actor(actor: str | None) -> str:
    """An actor as a reader finds it: the test (file::name), or the scenario and its test."""
    if actor and actor.startswith("scenario:"):
        name = actor.removeprefix("scenario:")
        return f"scenario {name} (test_scenarios.py::test_scenario[{name}])"
    return actor or "an unnamed actor"


def _request_line(request: Request) -> str:
    parts = urlsplit(request.uri)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return f"{request.method} {target if len(target) <= 120 else target[:119] + '…'}"


def _asked(request: Request) -> tuple[str, str, Any]:
    return request.method, request.uri, request.body


def stale_request(error: BaseException) -> CannotOverwriteExistingCassetteException | None:
    """The VCR error inside `error` (itself, its cause or context, or one of a group's), if any."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, CannotOverwriteExistingCassetteException):
            return current
        pending += [current.__cause__, current.__context__, *getattr(current, "exceptions", ())]
    return None


class Cassettes:
    """The run's cassettes in `directory` (the mode of the run's clock: "record" or "replay"); one is open at a time.

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
        self.interactions = 0  # recorded, or (replay) held by the cassettes opened
        self.played = 0
        self.stale: list[str] = []
        self.summary: str | None = None
        self.drift: list[str] = []
        self._stale_actors: set[str] = set()
        self._askers: dict[tuple[str, str, Any], str] = {}  # the last actor to make each request
        self._vcr = vcr.VCR(
            serializer="yaml",
            cassette_library_dir=str(self.staging if self.recording_mode else self.directory),
            record_mode="all" if self.recording_mode else "none",
            match_on=("same_exchange",),
            before_record_request=self._request,
            before_record_response=self._response,
        )
        self._vcr.register_matcher("same_exchange", _same_exchange)
        self._name: str | None = None
        self._context: Any = None
        self._cassette: Cassette | None = None

    @property
    def recording_mode(self) -> bool:
        return self.mode == "record"

    @property
    def replaying(self) -> bool:
        return self.mode == "replay"

    # ------------------------------------------------------------------ the run
    def prepare(self) -> None:
        """Record: an empty staging directory. Replay: the recorded run (ConfigError when there is none)."""
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

    def discard(self) -> None:
        """Remove the staging directory (a recording that is not kept)."""
        shutil.rmtree(self.staging, ignore_errors=True)

    # ------------------------------------------------------------------ one cassette per test file
    def open(self, name: str) -> None:
        """Make `name`.yaml the cassette in use (closing the one before)."""
        if self._name == name:
            return
        self.close()
        self._context = self._vcr.use_cassette(f"{name}.yaml")
        self._cassette = self._context.__enter__()
        self._name = name

    def close(self) -> None:
        if self._context is None:
            return
        cassette, context = self._cassette, self._context
        self._context = self._cassette = self._name = None
        context.__exit__(None, None, None)
        if cassette is not None:
            self.interactions += len(cassette)
            self.played += cassette.play_count

    def check_unused(self, actor: str | None = None) -> None:
        """Replay: StaleCassettes when the open cassette holds interactions of `actor` (None: of anyone)
        that were not played. Actors already reported stale are not reported again."""
        cassette = self._cassette
        if not self.replaying or cassette is None:
            return
        left: dict[str, list[str]] = {}
        for index, (request, _) in enumerate(cassette.data):
            who = request.headers.get(ACTOR_HEADER) or ""
            if (
                cassette.play_counts[index] == 0
                and (actor is None or who == actor)
                and who not in self._stale_actors
            ):
                left.setdefault(who, []).append(_request_line(request))
        if not left:
            return
        self._stale_actors.update(left)
        parts = [
            f"{_describe_actor(who)} left {len(lines)} recorded interaction(s) unused (the first: {lines[0]})"
            for who, lines in left.items()
        ]
        message = f"the cassettes are stale: {'; '.join(parts)} in {self._name}.yaml; {RERECORD}"
        self.stale.append(message)
        raise StaleCassettes(message)

    def unrecorded(self, error: CannotOverwriteExistingCassetteException, test: str) -> str:
        """The message for a request a replay could not answer (made by `test`, or a scenario of it)."""
        request = error.failed_request
        actor = self._askers.get(_asked(request), test) if request is not None else test
        self._stale_actors.add(actor)
        reason = _REASONS.get(getattr(error, "reason", ""), "not recorded")
        cassette = Path(str(getattr(error.cassette, "_path", "?"))).name
        line = _request_line(request) if request is not None else "a request"
        message = (
            f"the cassettes are stale: {_describe_actor(actor)} made a request {cassette} does not hold "
            f"({line}: {reason}); {RERECORD}"
        )
        self.stale.append(message)
        return message

    # ------------------------------------------------------------------ VCR hooks
    def _request(self, request: Request) -> Request | None:
        actor = self.clock.current_actor().name
        self._askers[_asked(request)] = actor
        return self.scrubber.request(request, actor)

    def _response(self, response: dict[str, Any]) -> dict[str, Any]:
        """VCR hook, on each recorded answer and (a replay) on each one loaded from a cassette."""
        arrived = response.get("headers", {}).get(ARRIVED_HEADER)
        response = self.scrubber.response(response)
        response["headers"][ARRIVED_HEADER] = [self.clock.stamp()] if self.recording_mode else arrived or []
        return response

    def arrived(self, response: Any) -> None:
        """Client observer (replay): the actor's clock moves on to when this answer arrived when recorded."""
        stamp = response.headers.get(ARRIVED_HEADER)
        if stamp:
            self.clock.arrived(stamp)

    # ------------------------------------------------------------------ the end of a run
    def keep(self, recording: Recording, captures: Iterable[Capture]) -> None:
        """Record: write run.json and callbacks.json (scrubbed) beside the cassettes, check every file for
        credentials, note the drift, and make them the cassette directory (RecordingRefused, leaving the old
        cassettes, when a file would leak)."""
        stored = [self.scrubber.capture(c) for c in captures]
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
