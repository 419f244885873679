"""calls-conformance: a conformance suite for the Twilio-compatible Calls REST resource."""

__all__: list[str] = []
