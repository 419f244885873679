"""The embedded reference endpoint: a correct Calls endpoint, with named faults to switch on."""

from __future__ import annotations

from .asgi import ReferenceState, create_app
from .config import Account, ReferenceConfig, Timings
from .destinations import (
    ANSWER_NUMBER,
    BUSY_NUMBER,
    FAILED_NUMBER,
    FROM_NUMBER,
    HOLD_NUMBER,
    MACHINE_NUMBER,
    NO_ANSWER_NUMBER,
)
from .endpoint import ReferenceEndpoint
from .faults import FAULTS, Fault, FaultSet, validate_faults
from .outbound import Refusal
from .progress import TRANSITIONS

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
