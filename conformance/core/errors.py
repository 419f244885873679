"""Errors that stop the run: it could not be carried out (bad settings, an endpoint unreachable or not answering,
stale cassettes, a suite test that errored, Ctrl-C). Each has a one-line `reason`; the run's verdict is
*not-carried-out* and its exit status 2. They are never a verdict on the endpoint.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "CallsLeftUp",
    "ConfigError",
    "CredentialsRefused",
    "EndpointUnavailable",
    "EndpointUnreachable",
    "HarnessError",
    "Interrupted",
    "RecordingRefused",
    "StaleCassettes",
    "SuiteTestsErrored",
    "UsageProblem",
]


class HarnessError(Exception):
    """The run itself could not be carried out (not a verdict on the endpoint); `reason` is its one line."""

    prefix = ""

    @property
    def reason(self) -> str:
        return f"{self.prefix}: {self}" if self.prefix else str(self)


class ConfigError(HarnessError):
    """A setting is missing or malformed, or the run's inputs (a recording, a fault name) are unusable."""

    prefix = "configuration"


class UsageProblem(HarnessError):
    """The suite was asked for something it cannot do: a --calls-only pattern that selects nothing, a waiver
    file that is malformed or names an unknown requirement."""

    prefix = "usage"


class Interrupted(HarnessError):
    """The run was stopped before its end (Ctrl-C, or pytest stopped it)."""


class EndpointUnavailable(HarnessError):
    """The endpoint refused the connection, hung past the timeout, or broke the transport during the run."""

    prefix = "endpoint unavailable"


class EndpointUnreachable(EndpointUnavailable):
    """The endpoint could not be reached at all when the run started."""

    prefix = "endpoint unreachable"


class CredentialsRefused(HarnessError):
    """The endpoint answered the run's first request 401 or 403."""

    def __init__(self, status: int) -> None:
        super().__init__(f"the endpoint rejected CALLS_ACCOUNT_SID / CALLS_AUTH_TOKEN ({status})")


class StaleCassettes(HarnessError):
    """A replay asked for something the cassettes do not hold, or left recorded interactions unused."""


class RecordingRefused(HarnessError):
    """A recording was not kept: a file would have shown a credential."""


class CallsLeftUp(HarnessError):
    """The run could not end calls it created."""

    def __init__(self, sids: Sequence[str]) -> None:
        self.sids = tuple(sids)
        super().__init__(f"could not end calls the run created: {', '.join(self.sids)}")


class SuiteTestsErrored(HarnessError):
    """Suite tests errored: a bug of the suite, or a replay the cassettes could not answer."""

    def __init__(self, nodeids: Sequence[str]) -> None:
        self.nodeids = tuple(nodeids)
        super().__init__(f"{len(self.nodeids)} suite test(s) errored: {', '.join(self.nodeids[:3])}")
