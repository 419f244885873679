"""The embedded reference endpoint: a correct Calls endpoint, with named faults to switch on."""

from __future__ import annotations

from .asgi import create_app
from .call_lifecycle import TRANSITIONS
from .config import Account, ReferenceConfig, Timings
from .destinations import (
    ANSWER_NUMBER,
    BUSY_NUMBER,
    FAILED_NUMBER,
    FROM_NUMBER,
    HOLD_NUMBER,
    MACHINE_NUMBER,
    NO_ANSWER_NUMBER,
    RING_NUMBER,
)
from .endpoint import ReferenceEndpoint
from .faults import FAULTS, Fault, FaultSet, validate_faults
from .outbound import Refusal
from .profiles import PROFILES, SIGNALWIRE, TWILIO, Profile
from .state import ReferenceState

__all__ = [
    "ANSWER_NUMBER",
    "BUSY_NUMBER",
    "FAILED_NUMBER",
    "FAULTS",
    "FROM_NUMBER",
    "HOLD_NUMBER",
    "MACHINE_NUMBER",
    "NO_ANSWER_NUMBER",
    "PROFILES",
    "RING_NUMBER",
    "SIGNALWIRE",
    "TRANSITIONS",
    "TWILIO",
    "Account",
    "Fault",
    "FaultSet",
    "Profile",
    "ReferenceConfig",
    "ReferenceEndpoint",
    "ReferenceState",
    "Refusal",
    "Timings",
    "create_app",
    "validate_faults",
]
