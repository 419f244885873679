"""calls-conformance: a conformance suite for the Twilio-compatible Calls REST resource."""
