"""Every deadline the platform keeps, computed here and nowhere else.

Times are stored in UTC. A deadline in hours is elapsed time: 72 hours after a
return is 72 real hours later, whatever the clocks in Europe/London do in
between (so it shows as 71 or 73 hours by the wall clock across a change).
A deadline in days is a calendar date in Europe/London.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
RETURN_INTERVIEW_WITHIN = timedelta(hours=72)
# An imported episode whose child returned longer ago than this (six weeks) is history: no return interview is opened
# for it (nobody can offer one now), so it puts nothing overdue on anybody's work list.
HISTORICAL_RETURN_AFTER = timedelta(days=42)


def _require_aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("Deadlines are computed from timezone-aware times")
    return moment.astimezone(UTC)


def return_interview_due(returned_at: datetime) -> datetime:
    """When the return home interview is due: 72 hours after the child returned (statutory guidance 2014)."""
    return _require_aware(returned_at) + RETURN_INTERVIEW_WITHIN


def is_historical_return(returned_at: datetime, *, now: datetime) -> bool:
    """True when a return is so long past that an imported episode opens no return interview."""
    return _require_aware(returned_at) < _require_aware(now) - HISTORICAL_RETURN_AFTER


def is_overdue(due_at: datetime, *, done_at: datetime | None, now: datetime) -> bool:
    """Overdue once the deadline has passed with nothing done, or if it was done after the deadline."""
    if done_at is not None:
        return _require_aware(done_at) > _require_aware(due_at)
    return _require_aware(now) > _require_aware(due_at)


def london_date(moment: datetime) -> date:
    """The date in England at a moment (what SSDA903 and Annex A record)."""
    return _require_aware(moment).astimezone(LONDON).date()


def review_due(from_date: date, *, days: int) -> date:
    """A review date a number of calendar days on (e.g. a risk review 30 days after assessment)."""
    return from_date + timedelta(days=days)


def years_after(from_date: date, *, years: int) -> date:
    """The date a number of whole years on (back, if negative), e.g. a 25th birthday for a retention period;
    from 29 February it is 1 March in a year with no 29 February."""
    try:
        return from_date.replace(year=from_date.year + years)
    except ValueError:
        return date(from_date.year + years, 3, 1)
