"""The reference endpoint does what the rest of the seed's Update page says: when fetching the Url fails (no
connection, a non-2xx answer, a body that is no document), it requests the FallbackUrl with FallbackMethod, for
a create and after a Url update alike; an update's StatusCallback and StatusCallbackMethod are where the final
callback goes, and the URL they replaced gets nothing more. Callbacks keep their URL's own query string."""

from __future__ import annotations

import pytest

from .conftest import Api
from .update_page import FAILING, UPDATE_PAGE_PROBES, fallback_methods, moved_finals


@pytest.mark.parametrize("update", [False, True], ids=["create", "after-an-update"])
@pytest.mark.parametrize("failing", sorted(FAILING))
def test_a_failing_url_falls_back_with_the_fallback_method(api: Api, failing: str, update: bool) -> None:
    assert fallback_methods(api, failing, update=update) == ["GET"]


@pytest.mark.parametrize("update", [False, True], ids=["create", "after-an-update"])
def test_a_url_that_works_does_not_fall_back(api: Api, update: bool) -> None:
    assert fallback_methods(api, "ok", update=update) == []


def test_the_final_callback_follows_an_updated_status_callback(api: Api) -> None:
    assert moved_finals(api) == ([], ["GET"])


def test_callbacks_keep_the_status_callback_s_query_string(api: Api) -> None:
    assert UPDATE_PAGE_PROBES["cb-query-dropped"](api) is False
