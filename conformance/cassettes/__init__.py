"""Recorded endpoints: cassettes that replay the whole suite offline (VCR.py), scrubbed when recorded."""

from __future__ import annotations

from conformance.cassettes.deck import LOOPBACK_HOSTS, RERECORD, Cassettes, stale_request
from conformance.cassettes.scrub import Scrubber
from conformance.cassettes.store import Recording, read_captures, write_captures

__all__ = [
    "LOOPBACK_HOSTS",
    "RERECORD",
    "Cassettes",
    "Recording",
    "Scrubber",
    "read_captures",
    "stale_request",
    "write_captures",
]
