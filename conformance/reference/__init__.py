"""The embedded reference endpoint: a correct Calls endpoint, with named faults to switch on."""

from __future__ import annotations

from .app import ReferenceState, create_app
from .callbacks import Refusal
from .config import Account, ReferenceConfig, Timings
from .faults import FAULTS, Fault, FaultSet, validate_faults
from .lifecycle import TRANSITIONS
from .outcomes import (
    ANSWER_NUMBER,
    BUSY_NUMBER,
    FAILED_NUMBER,
    FROM_NUMBER,
    HOLD_NUMBER,
    MACHINE_NUMBER,
    NO_ANSWER_NUMBER,
)
from .server import ReferenceEndpoint

__all__ = [
    "ANSWER_NUMBER",
    "BUSY_NUMBER",
    "FAILED_NUMBER",
    "FAULTS",
    "FROM_NUMBER",
    "HOLD_NUMBER",
    "MACHINE_NUMBER",
    "NO_ANSWER_NUMBER",
    "TRANSITIONS",
    "Account",
    "Fault",
    "FaultSet",
    "ReferenceConfig",
    "ReferenceEndpoint",
    "ReferenceState",
    "Refusal",
    "Timings",
    "create_app",
    "validate_faults",
]
