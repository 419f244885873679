"""The terms every part of the suite shares, in a module that imports nothing (the plugin reads it in every pytest
session): the profiles an endpoint is held to, the requirement levels, the capabilities a run may have."""

from __future__ import annotations

__all__ = ["CAPABILITIES", "ENDING_OUTCOMES", "LEVELS", "PROFILES", "RINGING"]

# The profiles an endpoint is held to (the first is the default).
PROFILES = ("signalwire", "twilio")
LEVELS = ("MUST", "SHOULD")
# What a requirement, a suite test or a scenario may need of the run, in the order their absence is named when
# several are missing (`conformance.plan.conditions` says when a run has each).
CAPABILITIES = ("create", "callbacks", "hold", "busy-number", "second-to", "second-from", "generated-creates")
# The To numbers an endpoint may offer besides the run's own, by what a call to each does (the embedded endpoint
# offers each): those that end the call busy, failed or no-answer, and one that rings for the whole Timeout.
ENDING_OUTCOMES = ("busy", "failed", "no-answer")
RINGING = "ringing"
