"""The parameters the endpoint sends to the application: status, recording and document requests.

Status callbacks carry SignalWire's voice status parameters (the seed's) under signalwire; under twilio
those of the twilio overlay's statusCallback webhook: no media counters, and ``SipResponseCode`` where
SignalWire says ``SipResultCode``.
"""

from __future__ import annotations

import datetime as dt

from .call_store import Call
from .dates import rfc2822
from .profiles import SIGNALWIRE, Profile

__all__ = ["AUDIO_COUNTERS", "document_params", "recording_params", "status_params"]

AUDIO_COUNTERS: tuple[str, ...] = (
    "AudioInAveragePtime", "AudioInDtmfPacketCount", "AudioInFlushPacketCount", "AudioInJitterMaxVariance",
    "AudioInJitterMinVariance", "AudioInLargestJbSize", "AudioInMos", "AudioInMediaPacketCount",
    "AudioInSkipPacketCount", "AudioOutDtmfPacketCount", "AudioOutMediaPacketCount",
)  # fmt: skip

Pairs = list[tuple[str, str]]


def _base(call: Call, call_status: str) -> Pairs:
    return [
        ("AccountSid", call.account_sid),
        ("ApiVersion", "2010-04-01"),
        ("CallSid", call.sid),
        ("CallStatus", call_status),
        ("Direction", call.direction),
        ("From", call.from_),
        ("To", call.to),
    ]


def _audio(call: Call) -> Pairs:
    """The media counters: zeros until the call had media, its real figures once it ended."""
    media = call.media
    if media is None:
        return [(name, "0") for name in AUDIO_COUNTERS]
    values = {
        "AudioInAveragePtime": 20,
        "AudioInDtmfPacketCount": 0,
        "AudioInFlushPacketCount": 2,
        "AudioInJitterMaxVariance": media.jitter_max,
        "AudioInJitterMinVariance": media.jitter_min,
        "AudioInLargestJbSize": 4,
        "AudioInMos": media.mos,
        "AudioInMediaPacketCount": media.packets_in,
        "AudioInSkipPacketCount": 1,
        "AudioOutDtmfPacketCount": 0,
        "AudioOutMediaPacketCount": media.packets_out,
    }
    return [(name, str(values[name])) for name in AUDIO_COUNTERS]


def status_params(
    call: Call, call_status: str, sequence: int, when: dt.datetime, profile: Profile = SIGNALWIRE
) -> Pairs:
    """A StatusCallback request (seed "StatusCallback parameters"); the final one adds CallDuration."""
    pairs = _base(call, call_status)
    pairs += [
        ("CallbackSource", "call-progress-events"),
        ("SequenceNumber", str(sequence)),
        ("Timestamp", rfc2822(when)),
    ]
    if profile.media_counters:
        pairs += _audio(call)
    if call.answered_by is not None:
        pairs.append(("AnsweredBy", call.answered_by))
    if call.ended:
        pairs.append(("CallDuration", str(call.duration)))
        if call.sip_result_code is not None:
            pairs.append((profile.sip_code_param, call.sip_result_code))
    return pairs


def recording_params(call: Call, status: str, profile: Profile = SIGNALWIRE) -> Pairs:
    """A RecordingStatusCallback request; RecordingSource in the profile's spelling for Record=true on create."""
    recording_sid = call.recording_sid or ""
    url = f"{call.api_origin}{profile.prefix}/Accounts/{call.account_sid}/Recordings/{recording_sid}"
    return [
        ("AccountSid", call.account_sid),
        ("CallSid", call.sid),
        ("RecordingSid", recording_sid),
        ("RecordingUrl", url),
        ("RecordingStatus", status),
        ("RecordingDuration", str(call.duration if status == "completed" else 0)),
        ("RecordingChannels", "2" if call.params.recording_channels == "dual" else "1"),
        ("RecordingSource", profile.recording_source),
    ]


def document_params(call: Call) -> Pairs:
    """The request for the call's Url (and FallbackUrl, Redirect targets)."""
    pairs = _base(call, call.status)
    if call.answered_by is not None:
        pairs.append(("AnsweredBy", call.answered_by))
    return pairs
