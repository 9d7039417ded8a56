"""The initial child protection conference: 15 working days after the day in England of the strategy discussion."""

import datetime as dt
from zoneinfo import ZoneInfo

from joinedup.deadlines import initial_conference_due, london_day_ends

D = dt.date
UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")


def test_a_conference_is_due_three_weeks_after_a_discussion_with_no_bank_holiday_between():
    # Tuesday 3 February 2026: 15 working days on is Tuesday 24 February.
    assert initial_conference_due(dt.datetime(2026, 2, 3, 10, 0, tzinfo=LONDON)) == D(2026, 2, 24)


def test_good_friday_and_easter_monday_do_not_count():
    # Wednesday 25 March 2026; Good Friday 3 April and Easter Monday 6 April are not working days: 17 April.
    assert initial_conference_due(dt.datetime(2026, 3, 25, 14, 0, tzinfo=LONDON)) == D(2026, 4, 17)


def test_christmas_and_new_year_do_not_count():
    # Monday 14 December 2026; 25, 28 December (Boxing Day's substitute) and 1 January 2027 are bank holidays.
    assert initial_conference_due(dt.datetime(2026, 12, 14, 9, 0, tzinfo=LONDON)) == D(2027, 1, 7)


def test_the_day_of_the_discussion_is_the_day_in_england_not_in_utc():
    # 00:30 BST on Wednesday 1 April 2026 is still Tuesday 31 March in UTC: counted from Wednesday, across Easter.
    held = dt.datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    assert initial_conference_due(held) == D(2026, 4, 24)
    assert initial_conference_due(dt.datetime(2026, 3, 31, 22, 30, tzinfo=UTC)) == D(2026, 4, 23)


def test_across_the_clocks_going_back_the_due_day_ends_at_midnight_gmt():
    # Thursday 15 October 2026 (BST); the clocks go back on Sunday 25 October: due Thursday 5 November, which ends at
    # midnight GMT (00:00 UTC), not 23:00 UTC as a day in summer does.
    due = initial_conference_due(dt.datetime(2026, 10, 15, 16, 0, tzinfo=LONDON))
    assert due == D(2026, 11, 5)
    assert london_day_ends(due) == dt.datetime(2026, 11, 6, 0, 0, tzinfo=UTC)
