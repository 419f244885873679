"""``FaultSet``: the faults switched on for one endpoint, resolved once into what the endpoint reads.

``behaviour`` is the merged ``Behaviour``: the profile's correct one (the defaults with the profile's
``decisions``) when no behavioural fault is on; the hook methods apply the active rows' hooks in
registry order; ``outputs`` are the output rewrites ``OutputFaults`` applies to finished answers.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from ..call_store import Call
from ..profiles import SIGNALWIRE, Profile
from .behaviour import Behaviour, merge
from .hooks import Doc, Pairs
from .middleware import OutputHook
from .table import FAULTS, validate_faults

__all__ = ["FaultSet"]


class FaultSet:
    """The faults switched on for one endpoint of ``profile``: their merged behaviour, hooks and output rewrites.

    ValueError when a name is unknown or its fault does not apply to the profile.
    """

    def __init__(self, names: Iterable[str] = (), profile: Profile = SIGNALWIRE) -> None:
        self.names = validate_faults(names, profile.name)
        self.profile = profile
        active = [fault for name, fault in FAULTS.items() if name in self.names]
        correct = dataclasses.replace(Behaviour(), **profile.decisions)
        self.behaviour: Behaviour = merge(
            (fault.behaviour for fault in active if fault.behaviour is not None), base=correct
        )
        self.outputs: tuple[OutputHook, ...] = tuple(
            fault.on_output for fault in active if fault.on_output is not None
        )
        self._call_hooks = [fault.on_call for fault in active if fault.on_call is not None]
        self._create_hooks = [
            fault.on_create_answer for fault in active if fault.on_create_answer is not None
        ]
        self._error_hooks = [fault.on_error for fault in active if fault.on_error is not None]
        self._envelope_hooks = [fault.on_envelope for fault in active if fault.on_envelope is not None]
        self._callback_hooks = [fault.on_callback for fault in active if fault.on_callback is not None]

    def __bool__(self) -> bool:
        return bool(self.names)

    def call(self, doc: Doc, call: Call) -> Doc:
        """A serialised Call, as every answer shows it."""
        for hook in self._call_hooks:
            hook(doc, call)
        return doc

    def create_answer(self, doc: Doc, call: Call) -> Doc:
        """A serialised Call (already through ``call``), as the create's answer shows it."""
        for hook in self._create_hooks:
            hook(doc, call)
        return doc

    def error(self, body: Doc) -> Doc:
        for hook in self._error_hooks:
            hook(body)
        return body

    def envelope(self, envelope: Doc) -> Doc:
        for hook in self._envelope_hooks:
            hook(envelope)
        return envelope

    def callback(self, kind: str, pairs: Pairs) -> Pairs:
        """The parameters of a ``kind`` ("status" or "recording") callback, with the hooks applied."""
        for hook in self._callback_hooks:
            hook(kind, pairs)
        return pairs
