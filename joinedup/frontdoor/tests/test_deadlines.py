"""The front door's decision deadline: one working day after the day in England a contact was received."""

import datetime as dt
from zoneinfo import ZoneInfo

from joinedup.deadlines import frontdoor_decision_due, london_day_ends

D = dt.date
UTC = dt.UTC
LONDON = ZoneInfo("Europe/London")


def test_a_contact_received_on_a_weekday_is_decided_by_the_end_of_the_next_working_day():
    received = dt.datetime(2026, 3, 10, 14, 0, tzinfo=UTC)  # a Tuesday
    assert frontdoor_decision_due(received) == D(2026, 3, 11)


def test_a_contact_received_before_easter_is_decided_after_good_friday_and_easter_monday():
    received = dt.datetime(2026, 4, 2, 15, 0, tzinfo=LONDON)  # Thursday; Good Friday 3 April, Easter Monday 6 April
    assert frontdoor_decision_due(received) == D(2026, 4, 7)


def test_a_contact_received_on_a_friday_evening_is_decided_by_monday_and_at_the_weekend_too():
    assert frontdoor_decision_due(dt.datetime(2026, 3, 13, 22, 0, tzinfo=LONDON)) == D(2026, 3, 16)
    assert frontdoor_decision_due(dt.datetime(2026, 3, 14, 11, 0, tzinfo=LONDON)) == D(2026, 3, 16)


def test_the_day_received_is_the_day_in_england_not_in_utc():
    # 00:30 BST on Wednesday 1 April is still Tuesday 31 March in UTC: counted from Wednesday.
    received = dt.datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    assert received.astimezone(LONDON).date() == D(2026, 4, 1)
    assert frontdoor_decision_due(received) == D(2026, 4, 2)


def test_the_deadline_ends_at_midnight_in_england_whatever_the_clocks_did():
    # Received on Friday 27 March 2026 (GMT); the clocks go forward on Sunday 29 March: due by the end of Monday
    # 30 March, which is 23:00 UTC (midnight BST).
    received = dt.datetime(2026, 3, 27, 23, 30, tzinfo=UTC)
    due = frontdoor_decision_due(received)
    assert due == D(2026, 3, 30)
    assert london_day_ends(due) == dt.datetime(2026, 3, 30, 23, 0, tzinfo=UTC)
    # Received on Friday 23 October 2026 (BST); the clocks go back on Sunday 25 October: midnight GMT on Monday.
    due = frontdoor_decision_due(dt.datetime(2026, 10, 23, 16, 0, tzinfo=LONDON))
    assert due == D(2026, 10, 26)
    assert london_day_ends(due) == dt.datetime(2026, 10, 27, 0, 0, tzinfo=UTC)


def test_the_days_the_clocks_change_are_23_and_25_hours_long():
    assert london_day_ends(D(2026, 3, 29)) - london_day_ends(D(2026, 3, 28)) == dt.timedelta(hours=23)
    assert london_day_ends(D(2026, 10, 25)) - london_day_ends(D(2026, 10, 24)) == dt.timedelta(hours=25)
