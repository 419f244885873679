"""Lifecycle scenarios: update and delete semantics over real calls (registered with @scenario)."""

from __future__ import annotations
