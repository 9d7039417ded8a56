"""When a community report must be triaged by (across bank holidays and clock changes), and the demo area's
businesses and reports."""

from datetime import UTC, date, datetime

import pytest

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.community.demo import demo_community_generate
from joinedup.community.models import Business, CommunityReport, ReportStatus
from joinedup.deadlines import community_report_triage_due, london_day_ends
from joinedup.tasks.models import Task, TaskKind


@pytest.mark.parametrize(
    ("received_utc", "due"),
    [
        # A Tuesday: the Wednesday.
        (datetime(2026, 6, 9, 10, 0, tzinfo=UTC), date(2026, 6, 10)),
        # Christmas Eve 2026 (a Thursday): Christmas Day, then Boxing Day's substitute Monday, are bank holidays.
        (datetime(2026, 12, 24, 23, 30, tzinfo=UTC), date(2026, 12, 29)),
        # Saturday night before the clocks go forward (29 March 2026): still Saturday in England, due Monday.
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 30)),
        # 23:30 UTC on the Sunday the clocks went forward is 00:30 on Monday in England: due Tuesday.
        (datetime(2026, 3, 29, 23, 30, tzinfo=UTC), date(2026, 3, 31)),
        # Friday 23:30 UTC in summer is Saturday 00:30 in England: due Monday.
        (datetime(2026, 7, 3, 23, 30, tzinfo=UTC), date(2026, 7, 6)),
    ],
)
def test_a_report_is_triaged_by_the_end_of_the_next_working_day_in_england(received_utc: datetime, due: date):
    assert community_report_triage_due(received_utc) == due


def test_the_day_the_clocks_go_back_the_triage_day_ends_at_midnight_gmt():
    # Received on Saturday 24 October 2026; due Monday 26 October, which ends at midnight GMT (00:00 UTC).
    due = community_report_triage_due(datetime(2026, 10, 24, 12, 0, tzinfo=UTC))
    assert due == date(2026, 10, 26)
    assert london_day_ends(due) == datetime(2026, 10, 27, 0, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_the_demo_area_registers_the_station_hotel_and_puts_reports_in_triage():
    coordinator = UserFactory.create(username="coordinator", roles=[RoleCode.COORDINATOR])
    summary = demo_community_generate(users={"coordinator": coordinator})
    assert summary.businesses == 3 and 4 <= summary.reports <= 6
    hotel = Business.objects.get(name="Station Hotel")
    assert hotel.kind == "hotel" and hotel.place.postcode == "WB1 1AA" and hotel.reporting_open
    assert hotel.staff.count() == 3 and hotel.last_visit_on is not None
    assert {b.kind for b in Business.objects.all()} == {"hotel", "taxi_firm", "takeaway"}
    assert all(b.reporting_open for b in Business.objects.all())
    waiting = CommunityReport.objects.filter(status=ReportStatus.OPEN)
    assert waiting.count() == summary.reports
    assert waiting.filter(business=hotel).count() >= 1 and waiting.filter(business__isnull=True).exists()
    assert Task.objects.filter(kind=TaskKind.COMMUNITY_REPORT, completed_at__isnull=True).count() == summary.reports
