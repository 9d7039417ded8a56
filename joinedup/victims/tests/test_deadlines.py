import datetime as dt

from joinedup.deadlines import LONDON, victim_needs_assessment_due


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def test_a_crime_reported_on_a_friday_has_the_needs_assessment_due_by_tuesday():
    assert victim_needs_assessment_due(_at(dt.date(2026, 3, 6))) == dt.date(2026, 3, 10)


def test_bank_holidays_do_not_count_towards_the_two_working_days():
    # Thursday 2 April 2026; Good Friday 3 April and Easter Monday 6 April are bank holidays.
    assert victim_needs_assessment_due(_at(dt.date(2026, 4, 2))) == dt.date(2026, 4, 8)


def test_a_report_late_on_a_saturday_evening_in_england_counts_from_that_saturday():
    late_saturday = dt.datetime(2026, 6, 6, 23, 30, tzinfo=LONDON).astimezone(dt.UTC)
    assert victim_needs_assessment_due(late_saturday) == dt.date(2026, 6, 9)
