"""Dates and times as a person reads them, in the GOV.UK style and in UK time (Europe/London).

The one implementation: the template filters in ``joinedup.web.templatetags.plain`` (``when``, ``day``, ``due``,
``weekday_day``, ``weekday_when``, ``clock``) call these, and so does any Python that writes a date into a message,
a page or a spreadsheet a person opens. Machine formats (ISO in exports, ``DD/MM/YYYY`` in the DfE returns, the
``YYYY-MM-DD`` of a link or a form field) are not written here.

- ``when``: "5 December 2026 at 2:30pm", "5 December 2026 at midday", "5 December 2026 at midnight"
- ``day``: "5 December 2026"
- ``due``: a deadline that ends with a day reads "by the end of 11 August 2026"
- ``weekday_day``: "Saturday 5 December 2026"; ``weekday_when``: "Saturday 5 December 2026 at 2:30pm"
- ``clock``: "2:30pm" (a time alone, where the day is already said)
"""

from datetime import date, datetime, timedelta

from joinedup.deadlines import LONDON


def _in_uk(moment: datetime) -> datetime:
    """A timezone-aware moment in UK time; a naive one is taken as already UK time."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment
    return moment.astimezone(LONDON)


def _other(value: object) -> str:
    return "" if value is None else str(value)


def clock(value: object, *, seconds: bool = False) -> str:
    """A time of day: "2:30pm", "9am", "midday", "midnight"; with ``seconds`` (for a log a person reads to tell
    events apart by the second) every time has its minutes and seconds: "2:30:15pm", "9:00:00am"."""
    if not isinstance(value, datetime):
        return _other(value)
    moment = _in_uk(value)
    exact = (moment.minute, moment.second if seconds else 0) == (0, 0)
    if exact and moment.hour == 0:
        return "midnight"
    if exact and moment.hour == 12:
        return "midday"
    hour = moment.hour % 12 or 12
    if seconds:
        minutes = f":{moment.minute:02d}:{moment.second:02d}"
    else:
        minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


def day(value: object) -> str:
    """A date: "5 December 2026" (a moment is taken in UK time)."""
    if isinstance(value, datetime):
        value = _in_uk(value)
    if isinstance(value, date):
        return f"{value.day} {value:%B %Y}"
    return _other(value)


def when(value: object, *, seconds: bool = False) -> str:
    """A moment in UK time: "5 December 2026 at 2:30pm", "at midday", "at midnight"."""
    if not isinstance(value, datetime):
        return _other(value)
    return f"{day(value)} at {clock(value, seconds=seconds)}"


def weekday_day(value: object) -> str:
    """A date with its weekday: "Saturday 5 December 2026"."""
    if isinstance(value, datetime):
        value = _in_uk(value)
    if isinstance(value, date):
        return f"{value:%A} {day(value)}"
    return _other(value)


def weekday_when(value: object) -> str:
    """A moment with its weekday: "Saturday 5 December 2026 at 2:30pm"."""
    if not isinstance(value, datetime):
        return _other(value)
    return f"{weekday_day(value)} at {clock(value)}"


def due(value: object) -> str:
    """A deadline: one that ends with a day (midnight in UK time) reads "by the end of 11 August 2026", not
    "12 August 2026 at midnight"; a date reads "by the end of" that date; any other moment reads as ``when``."""
    if isinstance(value, datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            moment = _in_uk(value)
            if (moment.hour, moment.minute, moment.second) == (0, 0, 0):
                return f"by the end of {day(moment.date() - timedelta(days=1))}"
        return when(value)
    if isinstance(value, date):
        return f"by the end of {day(value)}"
    return _other(value)
