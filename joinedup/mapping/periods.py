"""The standard periods the hotspots page offers, whose analyses each refresh stores ahead of any request."""

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
    for every standard period (the slider). An earlier period's networks are computed when asked (map_patterns,
    an explicit since/until), from the indexed events."""
    return sorted({period_back(as_of, days, 0) for days in PERIOD_LENGTHS}, key=lambda p: p.days)


def period_key(period: Period) -> str:
    return f"{period.since.isoformat()}/{period.until.isoformat()}"
