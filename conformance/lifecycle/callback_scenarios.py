"""Callback scenarios: calls whose StatusCallback and RecordingStatusCallback reach the receiver."""

from __future__ import annotations
