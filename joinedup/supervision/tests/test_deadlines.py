"""Deadlines of management oversight and challenges: working days in England, bank holidays, clock changes."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.deadlines import (
    challenge_response_due,
    england_bank_holidays,
    is_working_day,
    next_oversight_due,
    working_days_after,
    working_days_between,
)

D = dt.date


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # gov.uk/bank-holidays, England and Wales.
        (2022, [D(2022, 1, 3), D(2022, 4, 15), D(2022, 4, 18), D(2022, 5, 2), D(2022, 6, 2), D(2022, 6, 3),
                D(2022, 8, 29), D(2022, 9, 19), D(2022, 12, 26), D(2022, 12, 27)]),
        (2023, [D(2023, 1, 2), D(2023, 4, 7), D(2023, 4, 10), D(2023, 5, 1), D(2023, 5, 8), D(2023, 5, 29),
                D(2023, 8, 28), D(2023, 12, 25), D(2023, 12, 26)]),
        (2026, [D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4), D(2026, 5, 25), D(2026, 8, 31),
                D(2026, 12, 25), D(2026, 12, 28)]),
        (2027, [D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 3), D(2027, 5, 31), D(2027, 8, 30),
                D(2027, 12, 27), D(2027, 12, 28)]),
    ],
)  # fmt: skip
def test_england_bank_holidays_match_the_published_list(year, expected):
    assert sorted(england_bank_holidays(year)) == expected


def test_a_challenge_raised_before_easter_is_answered_five_working_days_later_not_counting_the_bank_holidays():
    # Thursday 2 April 2026; Good Friday 3 April and Easter Monday 6 April do not count.
    raised = dt.datetime(2026, 4, 2, 15, 0, tzinfo=dt.UTC)
    assert challenge_response_due(raised) == D(2026, 4, 13)


def test_a_challenge_raised_on_christmas_eve_skips_christmas_the_substitute_boxing_day_and_new_year():
    raised = dt.datetime(2026, 12, 24, 10, 0, tzinfo=dt.UTC)
    assert challenge_response_due(raised) == D(2027, 1, 5)


def test_the_day_a_challenge_is_raised_is_the_day_in_england_after_the_clocks_go_forward():
    # 23:30 UTC on Sunday 29 March 2026 is 00:30 on Monday 30 March in England (BST).
    raised = dt.datetime(2026, 3, 29, 23, 30, tzinfo=dt.UTC)
    # Counted from Monday: Tue 31, Wed 1, Thu 2, (Good Friday, Easter Monday), Tue 7, Wed 8.
    assert challenge_response_due(raised) == D(2026, 4, 8)


def test_next_oversight_is_28_days_after_the_day_in_england_across_the_clocks_going_back():
    # 23:30 UTC on Saturday 24 October 2026 is 00:30 BST on Sunday 25 October, the night the clocks go back.
    written = dt.datetime(2026, 10, 24, 23, 30, tzinfo=dt.UTC)
    assert next_oversight_due(written) == D(2026, 11, 22)
    assert next_oversight_due(written, days=14) == D(2026, 11, 8)


def test_deadlines_refuse_a_time_without_a_zone():
    with pytest.raises(ValueError, match="timezone-aware"):
        challenge_response_due(dt.datetime(2026, 4, 2, 15, 0))  # noqa: DTZ001


def test_a_weekend_and_a_bank_holiday_are_not_working_days():
    assert not is_working_day(D(2026, 5, 2))  # Saturday
    assert not is_working_day(D(2026, 5, 4))  # early May bank holiday
    assert is_working_day(D(2026, 5, 5))


@given(start=st.dates(min_value=D(2000, 1, 1), max_value=D(2060, 12, 31)), days=st.integers(min_value=0, max_value=40))
def test_counting_working_days_forwards_and_between_agree(start, days):
    due = working_days_after(start, days)
    assert working_days_between(start, due) == days
    assert days == 0 or is_working_day(due)
