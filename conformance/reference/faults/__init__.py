"""Named faults of the reference endpoint: one table of them, and what a set of them does.

``table.py`` is the table (name, requirements broken, description, mechanism); ``hooks.py`` the
rewrites of what is about to be sent; ``behaviour.py`` the typed decisions the logic reads;
``middleware.py`` the rewrites of finished answers; ``active.py`` resolves a set of names into them.
"""

from __future__ import annotations

from .active import FaultSet
from .behaviour import Behaviour
from .middleware import OutputFaults
from .table import FAULTS, Fault, validate_faults

__all__ = ["FAULTS", "Behaviour", "Fault", "FaultSet", "OutputFaults", "validate_faults"]
