"""A child's message is due within 24 real hours when they ask for help, across a change of the clocks; otherwise by
the end of the second working day in England, bank holidays not counting."""

import datetime as dt

from joinedup.deadlines import LONDON, child_message_due


def test_a_request_for_help_is_due_24_real_hours_later_across_the_clocks_going_back():
    received = dt.datetime(2026, 10, 24, 22, 0, tzinfo=LONDON)  # the clocks go back at 2am on 25 October
    due = child_message_due(received, asked_for_help=True)
    assert due - received == dt.timedelta(hours=24)
    assert due.astimezone(LONDON).hour == 21  # 23 hours by the wall clock


def test_another_message_is_due_by_the_end_of_the_second_working_day():
    friday = dt.datetime(2026, 12, 4, 15, 0, tzinfo=LONDON)
    assert child_message_due(friday, asked_for_help=False) == dt.datetime(2026, 12, 9, 0, 0, tzinfo=LONDON)


def test_bank_holidays_do_not_count():
    thursday_before_easter = dt.datetime(2026, 4, 2, 10, 0, tzinfo=LONDON)  # Good Friday 3 April, Easter Monday 6th
    assert child_message_due(thursday_before_easter, asked_for_help=False) == dt.datetime(
        2026, 4, 9, 0, 0, tzinfo=LONDON
    )


def test_the_end_of_a_day_in_summer_time_is_london_midnight():
    received = dt.datetime(2026, 3, 27, 12, 0, tzinfo=LONDON)  # Friday; clocks go forward on Sunday 29 March
    due = child_message_due(received, asked_for_help=False)
    assert due == dt.datetime(2026, 4, 1, 0, 0, tzinfo=LONDON)
    assert due.utcoffset() is not None and due.astimezone(dt.UTC).hour == 23
