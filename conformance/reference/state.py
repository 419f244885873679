"""Everything one reference endpoint holds (its configuration, faults, calls, outbound HTTP and the calls' lives),
shared by the ASGI app, its handlers and its tasks."""

from __future__ import annotations

from dataclasses import dataclass

from .api_errors import Responder
from .call_lifecycle import CallLifecycle
from .call_store import ENDED, CallStore
from .config import ReferenceConfig
from .faults import Behaviour, FaultSet
from .outbound import HttpOut, Refusal
from .seeding import seed

__all__ = ["ReferenceState"]


@dataclass
class ReferenceState:
    """Everything one endpoint holds; reachable as ``app.state.reference``."""

    config: ReferenceConfig
    faults: FaultSet
    behaviour: Behaviour
    store: CallStore
    http: HttpOut
    lifecycle: CallLifecycle
    respond: Responder

    def idle(self, call_sid: str) -> bool:
        """Whether the endpoint has nothing more to do for a call: it has ended (or is unknown), and its life and
        its callbacks are over (every document fetch and callback of it made, and answered or failed)."""
        call = self.store.all_by_sid(call_sid)
        ended = call is None or call.status in ENDED
        return ended and not self.lifecycle.busy(call_sid) and not self.http.sending(call_sid)

    @property
    def refusals(self) -> list[Refusal]:
        """Requests the callback allow-list refused (host, reason, kind), oldest first."""
        return self.http.refusals

    @classmethod
    def build(cls, config: ReferenceConfig) -> ReferenceState:
        profile = config.profile
        faults = FaultSet(config.faults, profile)
        store = CallStore(config.accounts)
        if config.seed_calls:
            seed(store, profile, (config.primary, config.other), config.seed_calls)
        headers = (
            profile.signature_headers
            if faults.behaviour.signature_header == "profile"
            else (profile.foreign_signature_header,)
        )
        http = HttpOut(config.callback_allow, config.timings.http_timeout, headers)
        lifecycle = CallLifecycle(
            store,
            http,
            config.timings,
            lambda sid: config.callback_key(store.accounts[sid]),
            faults,
            profile,
        )
        return cls(
            config=config,
            faults=faults,
            behaviour=faults.behaviour,
            store=store,
            http=http,
            lifecycle=lifecycle,
            respond=Responder(faults, profile),
        )
