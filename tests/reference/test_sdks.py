"""The official SDKs work against the reference endpoint with nothing changed but their base URL.

Twilio (twilio 6.54): ``client.api.base_url = "http://127.0.0.1:PORT"``; the SDK then calls
``/2010-04-01/Accounts/{sid}/Calls.json`` exactly as it calls api.twilio.com.

SignalWire (signalwire 2.1.1, ``from signalwire.rest import Client``): the constructor takes
``signalwire_space_url`` and *forces* the scheme to https (it rebuilds the URL with ``'https'``), and
the reference endpoint serves plain HTTP on loopback. The smallest change is the same one as for
Twilio, made after construction: ``client.api.base_url = "http://127.0.0.1:PORT"``. It replaces only
the scheme/host the SDK computed; paths, auth, encoding and parsing are the SDK's own (it sends
``/2010-04-01/...`` without the ``/api/laml`` prefix, which the endpoint serves too).
Both SDKs use ``requests``; ``trust_env`` is switched off so no proxy setting can route loopback traffic.

The Twilio SDK is also run against the endpoint's twilio mode (``ReferenceEndpoint(profile="twilio")``), again
with only its base URL changed: AC/CA sids, 201 on create, Twilio's field types, its error bodies, and callbacks
its own ``RequestValidator`` verifies with the auth token.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from signalwire.rest import Client as SignalWireClient
from twilio.base.exceptions import TwilioRestException
from twilio.request_validator import RequestValidator
from twilio.rest import Client as TwilioClient

from conformance.reference import BUSY_NUMBER, HOLD_NUMBER, ReferenceEndpoint

from .conftest import Api, Receiver


@pytest.fixture(scope="module")
def twilio_endpoint() -> Iterator[ReferenceEndpoint]:
    """A correct reference endpoint in twilio mode."""
    with ReferenceEndpoint(profile="twilio") as running:
        yield running


def twilio_client(endpoint: ReferenceEndpoint) -> TwilioClient:
    client = TwilioClient(endpoint.account_sid, endpoint.auth_token)
    client.api.base_url = endpoint.origin
    client.http_client.session.trust_env = False
    return client


def signalwire_client(endpoint: ReferenceEndpoint) -> SignalWireClient:
    client = SignalWireClient(
        endpoint.account_sid, endpoint.auth_token, signalwire_space_url=f"127.0.0.1:{endpoint.port}"
    )
    assert client.api.base_url.startswith("https://")  # what the SDK insists on
    client.api.base_url = endpoint.origin
    client.http_client.session.trust_env = False
    return client


@pytest.mark.parametrize("make", [twilio_client, signalwire_client], ids=["twilio", "signalwire"])
def test_sdk_create_fetch_list_update_delete(
    endpoint: ReferenceEndpoint, api: Api, make: Callable[[ReferenceEndpoint], TwilioClient]
) -> None:
    client = make(endpoint)
    call = client.calls.create(
        to=HOLD_NUMBER,
        from_=endpoint.from_number,
        url="http://127.0.0.1:9/cxml",
        status_callback_event=["initiated", "answered"],
    )
    assert call.status == "queued" and call.to == HOLD_NUMBER and call.to_formatted == "(202) 555-0104"
    assert call.date_created is not None and call.direction == "outbound-api"
    fetched = client.calls(call.sid).fetch()
    assert fetched.sid == call.sid and fetched.from_ == endpoint.from_number
    api.wait_status(call.sid, "in-progress")

    busy = [
        client.calls.create(to=BUSY_NUMBER, from_=endpoint.from_number, url="http://127.0.0.1:9/")
        for _ in range(3)
    ]
    listed = client.calls.list(to=BUSY_NUMBER, page_size=2)  # follows next_page_uri across pages
    assert {c.sid for c in busy} <= {c.sid for c in listed}
    assert all(c.to == BUSY_NUMBER for c in listed) and len({c.sid for c in listed}) == len(listed)

    updated = client.calls(call.sid).update(status="completed")
    assert updated.status == "completed" and updated.end_time is not None and updated.duration is not None
    assert client.calls(call.sid).delete() is True
    with pytest.raises(TwilioRestException) as raised:
        client.calls(call.sid).fetch()
    assert raised.value.status == 404 and raised.value.code == 20404


def test_sdk_sees_error_codes(endpoint: ReferenceEndpoint) -> None:
    client = twilio_client(endpoint)
    with pytest.raises(TwilioRestException) as raised:
        client.calls.create(to="nonsense", from_=endpoint.from_number, url="http://127.0.0.1:9/")
    assert raised.value.status == 400
    live = client.calls.create(to=HOLD_NUMBER, from_=endpoint.from_number, url="http://127.0.0.1:9/")
    with pytest.raises(TwilioRestException) as raised:
        client.calls(live.sid).delete()
    assert raised.value.status == 400 and raised.value.code == 20009
    client.calls(live.sid).update(status="completed")


def test_twilio_sdk_against_twilio_mode(twilio_endpoint: ReferenceEndpoint) -> None:
    client = twilio_client(twilio_endpoint)
    api = Api(twilio_endpoint)
    call = client.calls.create(to=HOLD_NUMBER, from_=twilio_endpoint.from_number, url="http://127.0.0.1:9/x")
    assert call.sid.startswith("CA") and call.account_sid == twilio_endpoint.account_sid
    assert call.account_sid.startswith("AC") and call.phone_number_sid.startswith("PN")
    assert call.status == "queued" and call.duration is None and call.queue_time is None
    assert call.uri == f"/2010-04-01/Accounts/{twilio_endpoint.account_sid}/Calls/{call.sid}.json"
    api.wait_status(call.sid, "in-progress")
    # Twilio: Status=canceled leaves an answered call up, and answers 200 with it unchanged.
    assert client.calls(call.sid).update(status="canceled").status == "in-progress"
    assert client.calls(call.sid).fetch().status == "in-progress"
    busy = [
        client.calls.create(to=BUSY_NUMBER, from_=twilio_endpoint.from_number, url="http://127.0.0.1:9/")
        for _ in range(3)
    ]
    listed = client.calls.list(to=BUSY_NUMBER, page_size=2)  # follows next_page_uri across pages
    assert {c.sid for c in busy} <= {c.sid for c in listed} and all(c.to == BUSY_NUMBER for c in listed)
    page = client.calls.page(page_size=2)
    assert page._payload["start"] == 0 and page._payload["end"] == 1
    ended = client.calls(call.sid).update(status="completed")
    assert ended.status == "completed" and isinstance(ended.duration, str) and ended.duration.isdigit()
    assert isinstance(ended.price, str) and ended.price_unit == "USD"
    assert client.calls(call.sid).delete() is True
    with pytest.raises(TwilioRestException) as raised:
        client.calls(call.sid).fetch()
    assert raised.value.status == 404 and raised.value.code == 20404
    with pytest.raises(TwilioRestException) as raised:
        client.calls.create(to="nonsense", from_=twilio_endpoint.from_number, url="http://127.0.0.1:9/")
    assert raised.value.status == 400 and raised.value.code == 21211
    api.http.close()


def test_twilio_mode_callbacks_verify_with_the_twilio_sdk(
    twilio_endpoint: ReferenceEndpoint, receiver: Receiver
) -> None:
    client = twilio_client(twilio_endpoint)
    call = client.calls.create(
        to=twilio_endpoint.to_number,
        from_=twilio_endpoint.from_number,
        url="http://127.0.0.1:9/x",
        status_callback=f"{receiver.url}/status",
        status_callback_event=["initiated", "completed"],
    )
    found = receiver.wait_for(lambda r: r.params.get("CallSid") == call.sid, count=2)
    validator = RequestValidator(twilio_endpoint.auth_token)
    assert twilio_endpoint.signing_key == twilio_endpoint.auth_token
    for request in found:
        assert "x-signalwire-signature" not in request.headers
        assert validator.validate(request.url, request.params, request.headers["x-twilio-signature"])
        assert request.params["AccountSid"] == twilio_endpoint.account_sid
        assert not any(name.startswith("Audio") for name in request.params)
