"""Every deadline the platform keeps, computed here and nowhere else.

Times are stored in UTC. A deadline in hours is elapsed time: 72 hours after a
return is 72 real hours later, whatever the clocks in Europe/London do in
between (so it shows as 71 or 73 hours by the wall clock across a change).
A deadline in days is a calendar date in Europe/London.
"""

import calendar
from datetime import UTC, date, datetime, timedelta
from functools import cache
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


def months_after(from_date: date, *, months: int) -> date:
    """The date a number of calendar months on, e.g. when training done on a date expires (12 months later);
    a day the later month does not have becomes its last day: 31 January and one month is 28 February, or 29 in
    a leap year, and 29 February and twelve months is 28 February."""
    if months < 0:
        raise ValueError("Count months forwards")
    index = from_date.month - 1 + months
    year, month = from_date.year + index // 12, index % 12 + 1
    return date(year, month, min(from_date.day, calendar.monthrange(year, month)[1]))


# Working days in England: Monday to Friday, less England and Wales bank holidays ------------------------------------

# Bank holidays moved or added by proclamation (gov.uk/bank-holidays), and the regular ones they replaced.
_EXTRA_BANK_HOLIDAYS = {
    date(1999, 12, 31),  # Millennium
    date(2002, 6, 3),  # Golden Jubilee (the spring bank holiday moved to 4 June)
    date(2011, 4, 29),  # Royal wedding
    date(2012, 6, 5),  # Diamond Jubilee (the spring bank holiday moved to 4 June)
    date(2020, 5, 8),  # VE day (the early May bank holiday moved from 4 May)
    date(2022, 6, 2),  # the spring bank holiday, moved from 30 May
    date(2022, 6, 3),  # Platinum Jubilee
    date(2022, 9, 19),  # State funeral of Queen Elizabeth II
    date(2023, 5, 8),  # Coronation of King Charles III
}
_MOVED_BANK_HOLIDAYS = {
    date(2002, 5, 27): date(2002, 6, 4),
    date(2012, 5, 28): date(2012, 6, 4),
    date(2020, 5, 4): None,
    date(2022, 5, 30): None,
}
# A challenge between agencies is answered within this many working days at each stage.
CHALLENGE_RESPONSE_WORKING_DAYS = 5
# Management oversight of a case at least this often, unless the manager sets an earlier date.
OVERSIGHT_EVERY_DAYS = 28


def _easter_sunday(year: int) -> date:
    """Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    j = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * j) // 451
    month = (h + j - 7 * m + 114) // 31
    day = (h + j - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def _monday_on_or_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    last = (date(year, month + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(days=1)
    return last - timedelta(days=last.weekday())


@cache
def england_bank_holidays(year: int) -> frozenset[date]:
    """England and Wales bank holidays in a year, with substitute days for those falling at a weekend."""
    easter = _easter_sunday(year)
    new_year = date(year, 1, 1)
    regular = [
        new_year if new_year.weekday() < 5 else _monday_on_or_after(new_year),
        easter - timedelta(days=2),  # Good Friday
        easter + timedelta(days=1),  # Easter Monday
        _monday_on_or_after(date(year, 5, 1)),  # early May
        _last_monday(year, 5),  # spring
        _last_monday(year, 8),  # summer
    ]
    christmas, boxing = date(year, 12, 25), date(year, 12, 26)
    if christmas.weekday() < 5 and boxing.weekday() < 5:
        regular += [christmas, boxing]
    elif christmas.weekday() == 4:  # Friday: Boxing Day falls on Saturday, its substitute is Monday
        regular += [christmas, date(year, 12, 28)]
    elif christmas.weekday() == 5:  # Saturday: Monday and Tuesday
        regular += [date(year, 12, 27), date(year, 12, 28)]
    else:  # Sunday: Boxing Day on Monday, Christmas's substitute on Tuesday
        regular += [boxing, date(year, 12, 27)]
    days = set()
    for day in regular:
        moved = _MOVED_BANK_HOLIDAYS.get(day, day)
        if moved is not None:
            days.add(moved)
    days |= {day for day in _EXTRA_BANK_HOLIDAYS if day.year == year}
    return frozenset(days)


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a bank holiday in England."""
    return day.weekday() < 5 and day not in england_bank_holidays(day.year)


def working_days_after(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (``start`` itself does not count, whatever day it is)."""
    if days < 0:
        raise ValueError("Count working days forwards")
    day = start
    while days:
        day += timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count


def challenge_response_due(asked_at: datetime) -> date:
    """The date a challenge (or its escalation) is to be answered by: five working days after the day in England
    it was raised, bank holidays not counting."""
    return working_days_after(london_date(asked_at), CHALLENGE_RESPONSE_WORKING_DAYS)


def next_oversight_due(written_at: datetime, *, days: int = OVERSIGHT_EVERY_DAYS) -> date:
    """The next management oversight of a case: by default 28 calendar days after the day in England of this one."""
    return review_due(london_date(written_at), days=days)


# Victims' Code (joinedup.victims) --------------------------------------------------------------------------------

# A child victim (under 18: enhanced entitlements) has their needs assessed and is referred to support services
# within two working days of reporting the crime (Code of Practice for Victims of Crime, 2020, right 4).
VICTIM_NEEDS_WORKING_DAYS = 2


def victim_needs_assessment_due(reported_at: datetime) -> date:
    """The date a child victim's needs assessment (and the offer of a referral to support) is due by: two working
    days after the day in England the crime was reported, bank holidays not counting."""
    return working_days_after(london_date(reported_at), VICTIM_NEEDS_WORKING_DAYS)


# The front door (joinedup.frontdoor) -----------------------------------------------------------------------------
# A decision on a contact within one working day of receipt (Working Together to Safeguard Children 2023).
FRONTDOOR_DECISION_WORKING_DAYS = 1


def london_day_ends(day: date) -> datetime:
    """The moment (in UTC) a day in England ends: midnight at the start of the next day in Europe/London, so a
    day on which the clocks change is 23 or 25 hours long."""
    following = day + timedelta(days=1)
    return datetime(following.year, following.month, following.day, tzinfo=LONDON).astimezone(UTC)


def frontdoor_decision_due(received_at: datetime) -> date:
    """The day the front door decides on a contact by: one working day after the day in England it was received
    (a contact received on Friday, or at the weekend, is decided by Monday, or by Tuesday when Monday is a bank
    holiday). It is decided in time if decided before ``london_day_ends`` of that day."""
    return working_days_after(london_date(received_at), FRONTDOOR_DECISION_WORKING_DAYS)


# The child's plan (joinedup.plans) ------------------------------------------------------------------------------
# When a plan's reviews are due, by kind. Child protection: the first review conference within three months of the
# initial conference, then at most six months apart (Working Together to Safeguard Children 2023). A looked-after
# child's care plan: the first review within 20 working days of becoming looked after, the second within three
# months of the first, then at most six months apart (Care Planning, Placement and Case Review (England)
# Regulations 2010, reg. 33). Child in need and early help plans: every three months, and exploitation safety plans
# every six weeks, both local practice, not statute. A plan's ``review_every_weeks`` brings a review sooner.
PLAN_REVIEW_MONTHS = {"child_in_need": 3, "early_help": 3}
PLAN_SAFETY_REVIEW_WEEKS = 6
CARE_PLAN_FIRST_REVIEW_WORKING_DAYS = 20


def plan_review_due(
    kind: str, *, started_on: date, last_review_on: date | None, reviews_held: int, every_weeks: int | None = None
) -> date:
    """The day a plan's next review is due by: counted from the plan's start for the first review, from the last
    review after that (see the intervals above); a local ``every_weeks`` applies when it is sooner."""
    since = started_on if last_review_on is None else last_review_on
    if kind == "child_protection":
        due = months_after(since, months=3 if reviews_held == 0 else 6)
    elif kind == "care_plan":
        if reviews_held == 0:
            due = working_days_after(since, CARE_PLAN_FIRST_REVIEW_WORKING_DAYS)
        else:
            due = months_after(since, months=3 if reviews_held == 1 else 6)
    elif kind == "exploitation_safety":
        due = since + timedelta(weeks=PLAN_SAFETY_REVIEW_WEEKS)
    else:
        due = months_after(since, months=PLAN_REVIEW_MONTHS.get(kind, 3))
    if every_weeks:
        due = min(due, since + timedelta(weeks=every_weeks))
    return due


# Strategy discussions and section 47 enquiries (joinedup.strategy) -------------------------------------------------
# The initial child protection conference within 15 working days of the strategy discussion that started the
# section 47 enquiry (Working Together to Safeguard Children 2023).
INITIAL_CONFERENCE_WORKING_DAYS = 15


def initial_conference_due(discussion_at: datetime) -> date:
    """The day an initial child protection conference is held by: 15 working days after the day in England of the
    strategy discussion that started the section 47 enquiry, bank holidays not counting."""
    return working_days_after(london_date(discussion_at), INITIAL_CONFERENCE_WORKING_DAYS)


# A child's message through their speaking-out link (joinedup.voice) ------------------------------------------------
# A child who asks for help or to be contacted is answered within a day (24 real hours, whatever the clocks do); any
# other message is read by the end of the second working day after the day in England it arrived. Local practice.
CHILD_HELP_WITHIN = timedelta(hours=24)
CHILD_MESSAGE_WORKING_DAYS = 2


def child_message_due(received_at: datetime, *, asked_for_help: bool) -> datetime:
    """When the key worker is to have read (and, for a request for help, acted on) a child's message."""
    if asked_for_help:
        return _require_aware(received_at) + CHILD_HELP_WITHIN
    return london_day_ends(working_days_after(london_date(received_at), CHILD_MESSAGE_WORKING_DAYS))


# --- end of the child's messages


# Community reporting (joinedup.community) --------------------------------------------------------------------------
# A report from the community is triaged by the coordinator within one working day of arriving (local practice,
# as the front door's decisions).
COMMUNITY_REPORT_TRIAGE_WORKING_DAYS = 1


def community_report_triage_due(received_at: datetime) -> date:
    """The day a community report is triaged by: one working day after the day in England it arrived (a report
    sent on Friday evening or at the weekend by Monday, by Tuesday when Monday is a bank holiday)."""
    return working_days_after(london_date(received_at), COMMUNITY_REPORT_TRIAGE_WORKING_DAYS)


# --- end of community reporting


# Contextual safeguarding (joinedup.contextual) ---------------------------------------------------------------------
# Work on a place or a peer group is reviewed six weeks after it opens, then at the date each review sets (local
# practice, as for an exploitation safety plan).
CONTEXT_FIRST_REVIEW_WEEKS = 6


def context_first_review_due(opened_at: datetime) -> date:
    """The day the first review of work on a place or peer group is due: six weeks after the day in England the
    work was opened (work opened at 11:30pm on a summer evening belongs to that day in London, not the next UTC
    one)."""
    return london_date(opened_at) + timedelta(weeks=CONTEXT_FIRST_REVIEW_WEEKS)


# --- end of contextual safeguarding
