"""The callback receiver: serves the LaML documents calls run, and captures the callbacks endpoints send."""

from __future__ import annotations

from conformance.core.capture import Capture
from conformance.receiver.captures import CaptureLog
from conformance.receiver.server import CallbackReceiver

__all__ = ["CallbackReceiver", "Capture", "CaptureLog"]
