"""Clock and date rendering: RFC 2822 with +0000, and the list filters' date parsing."""

from __future__ import annotations

import datetime as dt
import re
from email.utils import format_datetime, parsedate_to_datetime

__all__ = ["parse_filter_date", "rfc2822", "utcnow"]

UTC = dt.UTC
_DAY = dt.timedelta(days=1)
_SECOND = dt.timedelta(seconds=1)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def utcnow() -> dt.datetime:
    """The current instant, timezone-aware UTC."""
    return dt.datetime.now(UTC)


def rfc2822(moment: dt.datetime, *, offset: dt.timedelta = dt.timedelta(0)) -> str:
    """``Tue, 31 Aug 2010 20:36:28 +0000`` (English names; another offset shows the same instant)."""
    return format_datetime(moment.astimezone(dt.timezone(offset)).replace(microsecond=0), usegmt=False)


def parse_filter_date(value: str) -> tuple[dt.datetime, dt.datetime]:
    """The interval a StartTime/EndTime filter value names: a UTC day, or one RFC 2822 second.

    Raises ValueError for anything else.
    """
    text = value.strip()
    if _ISO_DATE.match(text):
        day = dt.datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
        return day, day + _DAY
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError) as exc:
        raise ValueError(f"not an RFC 2822 date or YYYY-MM-DD: {value!r}") from exc
    if moment is None:
        raise ValueError(f"not an RFC 2822 date or YYYY-MM-DD: {value!r}")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    moment = moment.astimezone(UTC)
    return moment, moment + _SECOND
