"""What a replay needs beside the HTTP cassettes: `run.json` (the recorded run) and `callbacks.json`.

`run.json` holds the recorded run's settings (none of them secret: the account sid is already its
placeholder), whether its callbacks could reach the suite (the pre-flight's result), which deadline checks of
which actor expired, the number of interactions, and the verdict per requirement. `callbacks.json` holds the
callbacks the recorded run judged, scrubbed.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from conformance.cassettes.scrub import (
    AUTH_TOKEN,
    ENDPOINT_ORIGIN,
    RECEIVER_URL,
    SIGNING_KEY,
    placeholder_account,
)
from conformance.core.capture import Capture
from conformance.core.outcomes import Result
from conformance.core.settings import Settings

__all__ = ["CALLBACKS", "MANIFEST", "Recording", "read_captures", "write_captures"]

MANIFEST = "run.json"
CALLBACKS = "callbacks.json"
FORMAT = 1


@dataclasses.dataclass
class Recording:
    """The recorded run: what the replay's settings must be for it to make the same requests."""

    profile: str
    embedded: bool
    base_path: str
    account_sid: str
    from_number: str | None
    to_number: str | None
    to_numbers: dict[str, str]
    max_calls: int | None
    deadline: float
    receiver: bool
    callback_url: bool
    to_alternates: list[str] = dataclasses.field(default_factory=list)
    from_alternates: list[str] = dataclasses.field(default_factory=list)
    callbacks: str | None = None  # why the endpoint could not reach the receiver (the pre-flight's finding)
    reference_timings: str = "fast"  # the embedded endpoint's timings when it was recorded
    expiries: dict[str, list[int]] = dataclasses.field(default_factory=dict)
    interactions: int = 0
    verdict: dict[str, str] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(
        cls,
        settings: Settings,
        base_url: str,
        account_sid: str,
        to_numbers: Mapping[str, str],
        receiver: bool,
        interactions: int,
        results: Sequence[Result],
        expiries: Mapping[str, Sequence[int]],
        callbacks: str | None = None,
    ) -> Recording:
        """The recording of a run with these settings (the account sid as its placeholder), this verdict, the
        deadline checks that expired (per actor) and why callbacks could not reach it (None: they could)."""
        return cls(
            profile=settings.profile,
            embedded=settings.embedded,
            base_path=urlsplit(base_url).path,
            account_sid=placeholder_account(account_sid),
            from_number=settings.from_number,
            to_number=settings.to_number,
            to_numbers=dict(to_numbers),
            max_calls=settings.max_calls,
            deadline=settings.deadline,
            receiver=receiver,
            callback_url=settings.callback_url is not None,
            to_alternates=list(settings.to_alternates),
            from_alternates=list(settings.from_alternates),
            callbacks=callbacks,
            reference_timings=settings.reference_timings,
            expiries={actor: list(checks) for actor, checks in expiries.items()},
            interactions=interactions,
            verdict={r.requirement.id: r.outcome.label for r in results},
        )

    def settings(self, settings: Settings) -> Settings:
        """`settings` (only where reports go matters) made the recorded run's, with the cassettes' placeholders."""
        return dataclasses.replace(
            settings,
            base_url=ENDPOINT_ORIGIN + self.base_path,
            account_sid=self.account_sid,
            auth_token=AUTH_TOKEN,
            signing_key=SIGNING_KEY,
            from_number=self.from_number,
            to_number=self.to_number,
            to_alternates=tuple(self.to_alternates),
            from_alternates=tuple(self.from_alternates),
            profile=self.profile,
            max_calls=self.max_calls,
            deadline=self.deadline,
            callback_url=RECEIVER_URL if self.callback_url else None,
            reference=self.embedded,
            reference_timings=self.reference_timings,
        )

    def write(self, directory: Path) -> Path:
        path = directory / MANIFEST
        document = {"format": FORMAT, **dataclasses.asdict(self)}
        path.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        return path

    @classmethod
    def read(cls, directory: Path) -> Recording:
        """The recording in `directory`; FileNotFoundError or ValueError when there is none usable."""
        document = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        if not isinstance(document, dict) or document.pop("format", None) != FORMAT:
            raise ValueError(f"{directory / MANIFEST} is not a recording of this suite's format {FORMAT}")
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in document.items() if k in names})


def write_captures(directory: Path, captures: Iterable[Capture]) -> Path:
    """One capture a line (readable in a diff)."""
    path = directory / CALLBACKS
    lines = ",\n".join(json.dumps(_capture_document(c), ensure_ascii=False) for c in captures)
    path.write_text(f'{{"captures": [\n{lines}\n]}}\n', encoding="utf-8")
    return path


def read_captures(directory: Path) -> list[Capture]:
    path = directory / CALLBACKS
    if not path.exists():
        return []
    return [_capture(item) for item in json.loads(path.read_text(encoding="utf-8"))["captures"]]


def _capture_document(capture: Capture) -> dict[str, Any]:
    document = dataclasses.asdict(capture)
    try:
        document["body"] = capture.body.decode("utf-8")
    except UnicodeDecodeError:
        document["body"] = None
        document["body_base64"] = base64.b64encode(capture.body).decode()
    return document


def _capture(item: Mapping[str, Any]) -> Capture:
    body = (
        item["body"].encode("utf-8")
        if item.get("body") is not None
        else base64.b64decode(item["body_base64"])
    )
    return Capture(
        kind=item["kind"],
        token=item["token"],
        method=item["method"],
        url=item["url"],
        params=tuple((k, v) for k, v in item["params"]),
        body_format=item["body_format"],
        body=body,
        headers=tuple((k, v) for k, v in item["headers"]),
        received_at=item["received_at"],
    )
