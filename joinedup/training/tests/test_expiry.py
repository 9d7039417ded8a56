"""When training expires: a whole number of calendar months after the day it was done (deadlines.months_after)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.deadlines import months_after


@pytest.mark.parametrize(
    ("done", "months", "expires"),
    [
        (date(2025, 3, 14), 12, date(2026, 3, 14)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),  # February has no 31st: its last day
        (date(2024, 1, 31), 1, date(2024, 2, 29)),  # ... which is the 29th in a leap year
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # a leap day a year on
        (date(2024, 2, 29), 48, date(2028, 2, 29)),  # and four years on, a leap day again
        (date(2025, 8, 31), 6, date(2026, 2, 28)),  # across the year end
        (date(2025, 10, 31), 1, date(2025, 11, 30)),
        (date(2025, 12, 1), 1, date(2026, 1, 1)),
        (date(2025, 11, 30), 3, date(2026, 2, 28)),
    ],
)
def test_training_expires_the_courses_months_later_on_the_same_day_or_the_months_last(done, months, expires):
    assert months_after(done, months=months) == expires


def test_months_cannot_be_counted_backwards():
    with pytest.raises(ValueError):
        months_after(date(2025, 1, 1), months=-1)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.integers(min_value=0, max_value=240))
def test_the_expiry_is_in_the_right_month_and_never_later_in_it_than_the_day_done(done, months):
    expires = months_after(done, months=months)
    assert (expires.year * 12 + expires.month) - (done.year * 12 + done.month) == months
    assert expires.day <= done.day
    if expires.day < done.day:  # clamped only where the month is too short: the day after is the next month
        assert (expires + date.resolution).day == 1
