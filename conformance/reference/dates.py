"""Clock and date rendering: RFC 2822 with +0000, and the list filters' date parsing.

A filter date has one of the spec's two forms: ``YYYY-MM-DD`` (a UTC day) or an RFC 2822 date and time
(``[Day, ]D Mon YYYY HH:MM[:SS] zone``, zone ``+hhmm``, ``-hhmm``, ``GMT`` or ``UT``), with a year from
1000 to 9999. The form is checked here, the calendar (no 30 February) by the parser.
"""

from __future__ import annotations

import datetime as dt
import re
from email.utils import format_datetime, parsedate_to_datetime

__all__ = ["parse_filter_date", "rfc2822", "utcnow"]

UTC = dt.UTC
_DAY = dt.timedelta(days=1)
_SECOND = dt.timedelta(seconds=1)
_YEAR = r"[1-9][0-9]{3}"
_ISO_DATE = re.compile(rf"{_YEAR}-[0-9]{{2}}-[0-9]{{2}}")
_RFC2822_FILTER = re.compile(
    r"((Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?"
    rf"[0-9]{{1,2}} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) {_YEAR} "
    r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])? ([+-]([01][0-9]|2[0-3])[0-5][0-9]|GMT|UT)"
)
_LATEST = dt.datetime.max.replace(tzinfo=UTC)


def utcnow() -> dt.datetime:
    """The current instant, timezone-aware UTC."""
    return dt.datetime.now(UTC)


def rfc2822(moment: dt.datetime, *, offset: dt.timedelta = dt.timedelta(0)) -> str:
    """``Tue, 31 Aug 2010 20:36:28 +0000`` (English names; another offset shows the same instant)."""
    return format_datetime(moment.astimezone(dt.timezone(offset)).replace(microsecond=0), usegmt=False)


def parse_filter_date(value: str) -> tuple[dt.datetime, dt.datetime]:
    """The interval a StartTime/EndTime filter value names: a UTC day, or one RFC 2822 second.

    Raises ValueError for anything else. An interval that would end after the year 9999 ends there.
    """
    if _ISO_DATE.fullmatch(value):
        day = dt.datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
        return day, _later(day, _DAY)
    if not _RFC2822_FILTER.fullmatch(value):
        raise ValueError(f"not an RFC 2822 date or YYYY-MM-DD: {value!r}")
    try:
        moment = parsedate_to_datetime(value)
        if moment.tzinfo is None:  # "-0000": the zone is unknown; read it as UTC
            moment = moment.replace(tzinfo=UTC)
        moment = moment.astimezone(UTC)
    except OverflowError:  # a zone west of UTC on 31 Dec 9999
        moment = _LATEST
    except (TypeError, ValueError, IndexError) as exc:
        raise ValueError(f"not an RFC 2822 date or YYYY-MM-DD: {value!r}") from exc
    return moment, _later(moment, _SECOND)


def _later(moment: dt.datetime, step: dt.timedelta) -> dt.datetime:
    """``moment + step``, or the last representable instant."""
    try:
        return moment + step
    except OverflowError:
        return _LATEST
