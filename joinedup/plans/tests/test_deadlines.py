"""When a plan's reviews are due (joinedup.deadlines), across month ends, bank holidays and clock changes."""

import datetime as dt

from joinedup.deadlines import london_day_ends, plan_review_due


def test_a_child_protection_plan_is_first_reviewed_within_three_months_then_every_six():
    conference = dt.date(2026, 1, 31)
    first = plan_review_due("child_protection", started_on=conference, last_review_on=None, reviews_held=0)
    assert first == dt.date(2026, 4, 30)
    second = plan_review_due("child_protection", started_on=conference, last_review_on=first, reviews_held=1)
    assert second == dt.date(2026, 10, 30)


def test_a_care_plan_is_first_reviewed_within_20_working_days_then_three_months_then_six():
    # Looked after from Thursday 26 March 2026: Good Friday (3 April) and Easter Monday (6 April) are not working
    # days, so the 20th working day is 27 April.
    start = dt.date(2026, 3, 26)
    first = plan_review_due("care_plan", started_on=start, last_review_on=None, reviews_held=0)
    assert first == dt.date(2026, 4, 27)
    second = plan_review_due("care_plan", started_on=start, last_review_on=first, reviews_held=1)
    assert second == dt.date(2026, 7, 27)
    third = plan_review_due("care_plan", started_on=start, last_review_on=second, reviews_held=2)
    assert third == dt.date(2027, 1, 27)


def test_child_in_need_and_early_help_plans_are_reviewed_every_three_months_safety_plans_every_six_weeks():
    start = dt.date(2026, 11, 30)
    for kind in ("child_in_need", "early_help"):
        assert plan_review_due(kind, started_on=start, last_review_on=None, reviews_held=0) == dt.date(2027, 2, 28)
    assert plan_review_due("exploitation_safety", started_on=start, last_review_on=None, reviews_held=0) == dt.date(
        2027, 1, 11
    )


def test_a_local_interval_brings_a_review_sooner_but_never_later():
    start = dt.date(2026, 6, 1)
    sooner = plan_review_due("child_in_need", started_on=start, last_review_on=None, reviews_held=0, every_weeks=4)
    assert sooner == dt.date(2026, 6, 29)
    later = plan_review_due(
        "exploitation_safety", started_on=start, last_review_on=None, reviews_held=0, every_weeks=10
    )
    assert later == dt.date(2026, 7, 13)


def test_a_review_due_on_the_day_the_clocks_change_is_due_by_the_end_of_that_day_in_england():
    # A safety plan started on 15 February 2026 is reviewed by Sunday 29 March, when the clocks go forward (a 23-hour
    # day); one reviewed on 13 September, by Sunday 25 October, when they go back (a 25-hour day).
    spring = plan_review_due(
        "exploitation_safety", started_on=dt.date(2026, 2, 15), last_review_on=None, reviews_held=0
    )
    assert spring == dt.date(2026, 3, 29)
    assert london_day_ends(spring) == dt.datetime(2026, 3, 29, 23, 0, tzinfo=dt.UTC)
    autumn = plan_review_due(
        "exploitation_safety", started_on=dt.date(2026, 9, 1), last_review_on=dt.date(2026, 9, 13), reviews_held=1
    )
    assert autumn == dt.date(2026, 10, 25)
    assert london_day_ends(autumn) == dt.datetime(2026, 10, 26, 0, 0, tzinfo=dt.UTC)
