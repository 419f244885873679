"""The spec, its profiles and the requirement catalog, as data: this folder ships inside the installed package
as ``conformance._spec``, where the suite finds it through ``importlib.resources`` (``conformance.core.spec``)."""

from __future__ import annotations

__all__: list[str] = []
