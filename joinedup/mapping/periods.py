"""The standard periods the hotspots page offers, whose analyses each refresh stores ahead of any request."""

from collections.abc import Mapping
from datetime import date, timedelta

from .internals.analysis import Period

PERIOD_LENGTHS = [7, 14, 28, 91]
PERIODS_BACK = 12
DEFAULT_LENGTH = 28


def period_back(as_of: date, days: int, back: int) -> Period:
    """The period of ``days`` days that ends ``back`` such periods before ``as_of`` (0: ends on ``as_of``)."""
    until = as_of - timedelta(days=days * back)
    return Period(until - timedelta(days=days - 1), until)


def standard_periods(as_of: date) -> list[Period]:
    """Every period the page's length and "periods back" controls can ask for, ending on ``as_of`` or before."""
    found = {period_back(as_of, days, back) for days in PERIOD_LENGTHS for back in range(PERIODS_BACK + 1)}
    return sorted(found, key=lambda p: (p.days, p.until))


def latest_periods(as_of: date) -> list[Period]:
    """The period of each length that ends on ``as_of``: the refresh stores networks for these only (the
    hotspots page lists the networks of the latest period of the length chosen); hotspots and adults of concern
    for every standard period (the slider). Any other period's networks are worked out by the worker when a
    page first asks for them, and stored alike (services.period_networks_request)."""
    return sorted({period_back(as_of, days, 0) for days in PERIOD_LENGTHS}, key=lambda p: p.days)


def period_key(period: Period) -> str:
    return f"{period.since.isoformat()}/{period.until.isoformat()}"


def period_of_key(key: str) -> Period:
    since, until = key.split("/")
    return Period(date.fromisoformat(since), date.fromisoformat(until))


def _int(query: Mapping[str, str], name: str, default: int) -> int:
    try:
        return int(query.get(name, default))
    except (TypeError, ValueError):
        return default


def period_from_query(query: Mapping[str, str], as_of: date) -> tuple[Period, int, int]:
    """The period a page's address asks for, with the length and periods back its controls show: ``since`` and
    ``until`` (both, in order), else ``days`` (one of PERIOD_LENGTHS) and ``back`` periods back from
    ``as_of`` (the day of the last refresh). The same address shows the same period to whoever opens it."""
    days, back = _int(query, "days", DEFAULT_LENGTH), _int(query, "back", 0)
    days = days if days in PERIOD_LENGTHS else DEFAULT_LENGTH
    back = min(max(back, 0), PERIODS_BACK)
    try:
        since, until = date.fromisoformat(query.get("since", "")), date.fromisoformat(query.get("until", ""))
        if since <= until:
            return Period(since, until), days, back
    except ValueError:
        pass
    return period_back(as_of, days, back), days, back
