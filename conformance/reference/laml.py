"""The call's cXML/LaML document: fetching it through the allow-list and reading its verbs.

Understood: ``<Pause length="N"/>`` (the call stays up N seconds), ``<Hangup/>`` (the call ends as
completed), ``<Redirect method="GET|POST">url</Redirect>`` (continue with that document). Every other
verb (``<Say>``, ``<Play>``, ...) takes no time. When the document runs out the call completes.
Parsed with the stdlib ElementTree; documents with a DOCTYPE or entity declarations are rejected
and size is bounded, which rules out entity-expansion tricks without defusedxml.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urljoin

from .outbound import HttpOut

__all__ = ["MAX_DOCUMENT_BYTES", "Step", "load_document", "parse_document"]

MAX_DOCUMENT_BYTES = 64 * 1024
MAX_PAUSE_SECONDS = 600.0


@dataclass(frozen=True)
class Step:
    """One verb: ``pause`` (seconds), ``hangup``, ``redirect`` (url, method) or ``noop`` (anything else)."""

    verb: str
    seconds: float = 0.0
    url: str | None = None
    method: str = "POST"


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_document(body: bytes, base_url: str = "") -> list[Step]:
    """The steps of a ``<Response>`` document; ValueError when it is not one."""
    if len(body) > MAX_DOCUMENT_BYTES:
        raise ValueError("document too large")
    if b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body.upper():
        raise ValueError("DOCTYPE and entity declarations are not accepted")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise ValueError(f"not XML: {exc}") from exc
    if _local(root.tag) != "Response":
        raise ValueError("the root element is not <Response>")
    steps: list[Step] = []
    for element in root:
        verb = _local(element.tag)
        if verb == "Pause":
            try:
                seconds = float(element.get("length", "1"))
            except ValueError:
                seconds = 1.0
            steps.append(Step("pause", seconds=min(max(seconds, 0.0), MAX_PAUSE_SECONDS)))
        elif verb == "Hangup":
            steps.append(Step("hangup"))
        elif verb == "Redirect":
            target = (element.text or "").strip()
            method = (element.get("method") or "POST").upper()
            if target:
                steps.append(
                    Step(
                        "redirect",
                        url=urljoin(base_url, target),
                        method=method if method in ("GET", "POST") else "POST",
                    )
                )
        else:
            steps.append(Step("noop"))
    return steps


async def load_document(
    http: HttpOut,
    url: str,
    method: str,
    params: Sequence[tuple[str, str]],
    key: str,
    *,
    not_a_document: list[Step] | None = None,
) -> list[Step] | None:
    """Fetch and parse one document; None when refused, failing or not 2xx, and `not_a_document` (None: a
    failure too) when a 2xx answer is not a document."""
    response = await http.request("document", url, method, params, key)
    if response is None or not 200 <= response.status_code < 300:
        return None
    try:
        return parse_document(response.content, url)
    except ValueError:
        return not_a_document
