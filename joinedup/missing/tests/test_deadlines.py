"""The 72-hour return home interview clock: elapsed hours, stored in UTC, shown in Europe/London.

In 2026 the clocks go forward at 01:00 UTC on Sunday 29 March and back at
01:00 UTC on Sunday 25 October, so a 72-hour window over either weekend shows
as 73 or 71 hours on a London wall clock.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from hypothesis import given
from hypothesis import strategies as st

from joinedup.accounts.tests.factories import UserFactory
from joinedup.children.tests.factories import ChildFactory
from joinedup.deadlines import LONDON, is_overdue, london_date, return_interview_due, review_due
from joinedup.missing.models import ReturnInterview
from joinedup.missing.services import missing_episode_return
from joinedup.missing.tests.factories import MissingEpisodeFactory

HOUR = timedelta(hours=1)


def wall_clock(moment: datetime) -> datetime:
    """What a London clock on the wall shows at a moment, as a naive time."""
    return moment.astimezone(LONDON).replace(tzinfo=None)


def shown_in_london(moment: datetime) -> str:
    return moment.astimezone(LONDON).strftime("%Y-%m-%d %H:%M %Z")


# Across the clock changes --------------------------------------------------------------------------------


def test_a_return_the_saturday_before_the_clocks_go_forward_is_due_at_11_bst_on_the_tuesday():
    returned = datetime(2026, 3, 28, 10, 0, tzinfo=LONDON)
    assert returned.tzname() == "GMT"

    due = return_interview_due(returned)

    assert due == datetime(2026, 3, 31, 10, 0, tzinfo=UTC)
    assert due.tzinfo is UTC
    assert shown_in_london(due) == "2026-03-31 11:00 BST"
    assert wall_clock(due) - wall_clock(returned) == 73 * HOUR


def test_a_return_the_saturday_before_the_clocks_go_back_is_due_at_9_gmt_on_the_tuesday():
    returned = datetime(2026, 10, 24, 10, 0, tzinfo=LONDON)
    assert returned.tzname() == "BST"

    due = return_interview_due(returned)

    assert due == datetime(2026, 10, 27, 9, 0, tzinfo=UTC)
    assert shown_in_london(due) == "2026-10-27 09:00 GMT"
    assert wall_clock(due) - wall_clock(returned) == 71 * HOUR


def test_the_two_returns_at_0130_in_the_repeated_hour_are_due_an_hour_apart():
    first = datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=0)
    second = datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=1)
    assert (first.tzname(), second.tzname()) == ("BST", "GMT")

    due_first, due_second = return_interview_due(first), return_interview_due(second)

    assert due_first == datetime(2026, 10, 28, 0, 30, tzinfo=UTC)
    assert due_second == datetime(2026, 10, 28, 1, 30, tzinfo=UTC)
    assert due_second - due_first == HOUR
    assert (shown_in_london(due_first), shown_in_london(due_second)) == ("2026-10-28 00:30 GMT", "2026-10-28 01:30 GMT")


def test_a_return_in_another_time_zone_is_due_72_hours_later_in_utc():
    returned = datetime(2026, 3, 28, 6, 0, tzinfo=ZoneInfo("America/New_York"))

    assert return_interview_due(returned) == datetime(2026, 3, 31, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "compute",
    [
        return_interview_due,
        london_date,
        lambda naive: is_overdue(naive, done_at=None, now=datetime.now(UTC)),
        lambda naive: is_overdue(datetime.now(UTC), done_at=None, now=naive),
        lambda naive: is_overdue(datetime.now(UTC), done_at=naive, now=datetime.now(UTC)),
    ],
    ids=["return_interview_due", "london_date", "is_overdue due", "is_overdue now", "is_overdue done"],
)
def test_a_naive_time_is_refused(compute):
    naive = datetime(2026, 3, 28, 10, 0)  # noqa: DTZ001 - the point of the test

    with pytest.raises(ValueError, match="timezone-aware"):
        compute(naive)


# Stored in UTC, shown in London --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_interview_due_time_is_stored_in_utc_and_shown_in_london_time_on_the_episode_page(sign_in):
    child = ChildFactory.create(given_name="Jordan", family_name="Ashdown")
    key_worker = UserFactory.create(agency=child.owning_agency)
    child.key_worker = key_worker
    child.save()
    episode = MissingEpisodeFactory.create(child=child, started_at=datetime(2026, 3, 27, 20, 0, tzinfo=UTC))

    with time_machine.travel(datetime(2026, 3, 28, 12, 0, tzinfo=UTC), tick=False):
        missing_episode_return(
            user=key_worker, episode=episode, returned_at=datetime(2026, 3, 28, 10, 0, tzinfo=LONDON)
        )
        interview = ReturnInterview.objects.get(episode=episode)
        assert interview.due_at == datetime(2026, 3, 31, 10, 0, tzinfo=UTC)
        assert interview.due_at.utcoffset() == timedelta(0)

        page = sign_in(key_worker).get(f"/missing/episodes/{episode.pk}/")

    assert page.status_code == 200
    assert "31 March 2026 at 11am" in page.content.decode()


# Overdue -------------------------------------------------------------------------------------------------

DUE = datetime(2026, 10, 27, 9, 0, tzinfo=UTC)


def test_an_interview_not_done_is_not_overdue_a_second_before_the_deadline():
    assert not is_overdue(DUE, done_at=None, now=DUE - timedelta(seconds=1))


def test_an_interview_not_done_is_not_overdue_at_the_deadline_itself():
    assert not is_overdue(DUE, done_at=None, now=DUE)


def test_an_interview_not_done_is_overdue_a_second_after_the_deadline():
    assert is_overdue(DUE, done_at=None, now=DUE + timedelta(seconds=1))


def test_an_interview_done_on_time_is_never_overdue_however_late_it_is_now():
    assert not is_overdue(DUE, done_at=DUE - HOUR, now=DUE + timedelta(days=30))


def test_an_interview_done_late_stays_overdue():
    assert is_overdue(DUE, done_at=DUE + timedelta(minutes=1), now=DUE + timedelta(days=30))


def test_overdue_compares_moments_not_wall_clocks():
    # 09:30 in London on 27 October is 09:30 UTC (GMT): after the deadline.
    assert is_overdue(DUE, done_at=None, now=datetime(2026, 10, 27, 9, 30, tzinfo=LONDON))
    # 09:30 in Paris is 08:30 UTC: before it.
    assert not is_overdue(DUE, done_at=None, now=datetime(2026, 10, 27, 9, 30, tzinfo=ZoneInfo("Europe/Paris")))


# Dates in England ----------------------------------------------------------------------------------------


def test_half_past_eleven_at_night_utc_in_summer_is_the_next_day_in_london():
    assert london_date(datetime(2026, 7, 14, 23, 30, tzinfo=UTC)) == date(2026, 7, 15)


def test_one_minute_before_midnight_in_london_in_summer_is_still_the_same_day():
    assert london_date(datetime(2026, 7, 14, 22, 59, tzinfo=UTC)) == date(2026, 7, 14)
    assert london_date(datetime(2026, 7, 14, 23, 0, tzinfo=UTC)) == date(2026, 7, 15)


def test_half_past_eleven_at_night_utc_in_winter_is_the_same_day_in_london():
    assert london_date(datetime(2026, 1, 14, 23, 30, tzinfo=UTC)) == date(2026, 1, 14)


def test_a_review_in_days_is_a_calendar_date_across_the_clock_change():
    assert review_due(date(2026, 3, 20), days=30) == date(2026, 4, 19)


# Properties ----------------------------------------------------------------------------------------------

aware_moments = st.datetimes(
    min_value=datetime(1980, 1, 1),  # noqa: DTZ001 - hypothesis bounds are naive; timezones are drawn below
    max_value=datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=st.timezones(),
)
london_moments = st.datetimes(
    min_value=datetime(1980, 1, 1),  # noqa: DTZ001
    max_value=datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=st.just(LONDON),
)


@given(aware_moments)
def test_the_interview_is_due_exactly_72_elapsed_hours_after_any_aware_return(returned):
    due = return_interview_due(returned)

    assert due - returned == timedelta(hours=72)
    assert due.utcoffset() == timedelta(0)


@given(st.one_of(aware_moments, london_moments))
def test_on_a_london_wall_clock_the_72_hours_show_as_71_72_or_73(returned):
    shown = wall_clock(return_interview_due(returned)) - wall_clock(returned)

    assert shown in {71 * HOUR, 72 * HOUR, 73 * HOUR}


@given(london_moments, st.timedeltas(min_value=-timedelta(days=10), max_value=timedelta(days=10)))
def test_an_interview_not_done_is_overdue_exactly_when_now_is_past_the_deadline(returned, since_return):
    due = return_interview_due(returned)
    now = returned.astimezone(UTC) + since_return  # elapsed time: London + timedelta would move the wall clock

    assert is_overdue(due, done_at=None, now=now) == (since_return > timedelta(hours=72))
