"""The conformance suite's tests: each requires a capability, acts through the one client, and checks."""

__all__: list[str] = []
