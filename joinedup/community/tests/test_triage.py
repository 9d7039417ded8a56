"""The coordinator's side: the triage queue, turning a report into a concern at the business's place (keeping the
link), closing one with a reason, the task on the work list, and the business pages (training, visits, links)."""

import hashlib
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.tests.factories import ChildFactory
from joinedup.community import services
from joinedup.community.models import Business, BusinessStaff, CloseReason, CommunityReport, ReportStatus
from joinedup.concerns.models import Concern
from joinedup.deadlines import community_report_triage_due, london_date
from joinedup.places.models import Place
from joinedup.tasks.models import Task, TaskKind
from joinedup.training.models import Attendance, Course, Trainee, TraineeKind
from joinedup.training.services import attendance_record

from .factories import business_make, coordinator_make, report_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return coordinator_make()


@pytest.fixture
def hotel(coordinator):
    return business_make(user=coordinator)


def _task(report: CommunityReport) -> Task:
    return Task.objects.get(kind=TaskKind.COMMUNITY_REPORT, source_id=str(report.pk))


def test_the_queue_lists_each_waiting_report_with_business_place_and_signs(client: Client, sign_in, coordinator, hotel):
    report = report_make(business=hotel)
    public = report_make(business=None, text="Seen at the bus station")
    sign_in(coordinator)
    html = client.get(reverse("community:queue")).content.decode()
    assert "Station Hotel" in html and "WB1 1AA" in html and "The public page" in html
    assert all(sign.text.replace("'", "&#x27;") in html for sign in report.signs.all())
    assert reverse("community:report-detail", kwargs={"report_id": public.pk}) in html


def test_only_the_coordinator_triages(client: Client, sign_in, hotel):
    report = report_make(business=hotel)
    practitioner = UserFactory.create(roles=[RoleCode.PRACTITIONER])
    sign_in(practitioner)
    assert client.get(reverse("community:queue")).status_code == 403
    assert client.get(reverse("community:report-detail", kwargs={"report_id": report.pk})).status_code == 403
    with pytest.raises(PermissionDenied):
        services.community_report_close(user=practitioner, report=report, reason=CloseReason.NOT_ENOUGH)


def test_triage_to_a_concern_keeps_the_place_and_the_link(client: Client, sign_in, coordinator, hotel):
    report = report_make(business=hotel)
    child = ChildFactory.create(given_name="Jordan", family_name="Synthchild")
    ChildFactory.create(given_name="Other", family_name="Person")
    assert _task(report).completed_at is None
    sign_in(coordinator)
    url = reverse("community:report-detail", kwargs={"report_id": report.pk})
    found = client.get(url, {"child": "Synthchild"}).content.decode()
    assert "Jordan Synthchild" in found and "Other Person" not in found
    assert AuditEvent.objects.filter(kind=AuditKind.CHILD_LISTED, child_id=child.pk).exists()

    response = client.post(
        reverse("community:report-concern", kwargs={"report_id": report.pk}),
        {"child": str(child.pk), "category": "11A", "what_happened": report.what_happened},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    concern = Concern.objects.get(child=child)
    assert report.status == ReportStatus.CONCERN and report.concern == concern
    assert concern.place == hotel.place
    assert (concern.place_name, concern.place_postcode) == ("Station Hotel", "WB1 1AA")
    assert concern.from_community and concern.occurred_at == report.happened_at
    assert _task(report).completed_at is not None
    assert AuditEvent.objects.filter(kind=AuditKind.COMMUNITY_REPORT_TRIAGED, child_id=child.pk).exists()
    # Triaged once: a second triage is refused.
    with pytest.raises(ValidationError):
        services.community_report_close(user=coordinator, report=report, reason=CloseReason.DUPLICATE)


def test_a_child_the_coordinator_may_not_choose_is_refused_and_nothing_written(client: Client, sign_in, hotel):
    report = report_make(business=hotel)
    sign_in(hotel.created_by)
    response = client.post(
        reverse("community:report-concern", kwargs={"report_id": report.pk}),
        {"child": "00000000-0000-4000-8000-000000000000", "category": "11A", "what_happened": "x"},
    )
    assert response.status_code == 200 and "Choose the child" in response.content.decode()
    assert not Concern.objects.exists()
    report.refresh_from_db()
    assert report.status == ReportStatus.OPEN


def test_closing_needs_a_reason_and_closes_the_task(client: Client, sign_in, coordinator, hotel):
    report = report_make(business=hotel)
    sign_in(coordinator)
    url = reverse("community:report-close", kwargs={"report_id": report.pk})
    refused = client.post(url, {"reason": CloseReason.OTHER, "note": ""})
    assert refused.status_code == 200 and "Say why the report is closed." in refused.content.decode()
    assert client.post(url, {"reason": CloseReason.NOT_ENOUGH, "note": "No child described"}).status_code == 302
    report.refresh_from_db()
    assert (report.status, report.close_reason, report.close_note) == (
        ReportStatus.CLOSED,
        CloseReason.NOT_ENOUGH,
        "No child described",
    )
    assert report.triaged_by == coordinator and _task(report).completed_at is not None
    assert "No reports are waiting" in client.get(reverse("community:queue")).content.decode()


def test_the_task_is_due_at_the_end_of_the_next_working_day(hotel):
    report = report_make(business=hotel)
    task = _task(report)
    due = community_report_triage_due(report.received_at)
    assert task.due_at is not None and london_date(task.due_at - timedelta(seconds=1)) == due


def test_a_business_is_registered_at_its_place_and_its_link_shown_once(client: Client, sign_in, coordinator):
    place = Place.objects.create(name="Mill Lane Kebab House", kind="takeaway", postcode="WB3 2MQ")
    Place.objects.create(name="A private address", kind="private_address", postcode="WB9 9ZZ")
    sign_in(coordinator)
    form = client.get(reverse("community:business-create")).content.decode()
    assert "Mill Lane Kebab House" in form and "A private address" not in form
    response = client.post(
        reverse("community:business-create"),
        {"name": "Mill Lane Kebab House", "kind": "takeaway", "place": str(place.pk), "contact_name": "Sami Owner"},
    )
    business = Business.objects.get()
    assert response.status_code == 302 and business.place == place and business.agency == coordinator.agency
    issued = client.post(reverse("community:business-link", kwargs={"business_id": business.pk})).content.decode()
    business.refresh_from_db()
    token = issued.split("/report/", 1)[1].split("/", 1)[0]
    assert len(token) >= 43 and business.token_hash == hashlib.sha256(token.encode()).hexdigest()
    # Only the hash is kept: the page never shows the link again.
    assert token not in client.get(reverse("community:business", kwargs={"business_id": business.pk})).content.decode()
    assert client.get(reverse("community:report", kwargs={"token": token})).status_code == 200
    client.post(reverse("community:business-revoke", kwargs={"business_id": business.pk}))
    assert Client().get(reverse("community:report", kwargs={"token": token})).status_code == 404
    kinds = set(AuditEvent.objects.filter(object_id=str(business.pk)).values_list("kind", flat=True))
    assert {AuditKind.BUSINESS_REGISTERED, AuditKind.REPORTING_LINK_ISSUED, AuditKind.REPORTING_LINK_REVOKED} <= kinds


def test_the_business_page_shows_its_staff_training_and_last_visit(client: Client, sign_in, coordinator, hotel):
    sign_in(coordinator)
    url = reverse("community:business-staff", kwargs={"business_id": hotel.pk})
    assert client.post(url, {"full_name": "Casey Reception", "job_title": "Night receptionist"}).status_code == 302
    staff = BusinessStaff.objects.get(business=hotel)
    # The member of staff is a trainee of the training app, without an account.
    assert staff.trainee.kind == TraineeKind.OTHER and staff.trainee.body == "Station Hotel, staff"
    assert Trainee.objects.count() == 1
    course = Course.objects.create(
        name="Spotting exploitation at work", topic="exploitation_awareness", validity_months=12
    )
    trained_on = timezone.localdate() - timedelta(days=40)
    attendance_record(
        user=coordinator, course=course, attended_on=trained_on, today=timezone.localdate(), trainee=staff.trainee
    )
    visited = timezone.localdate() - timedelta(days=3)
    visit = client.post(
        reverse("community:business-visit", kwargs={"business_id": hotel.pk}), {"visited_on": visited.isoformat()}
    )
    assert visit.status_code == 302
    html = client.get(reverse("community:business", kwargs={"business_id": hotel.pk})).content.decode()
    assert "Casey Reception" in html and "Spotting exploitation at work" in html
    assert trained_on.strftime("%-d %B %Y") in html and visited.strftime("%-d %B %Y") in html
    assert Attendance.objects.get().trainee == staff.trainee
    future = client.post(
        reverse("community:business-visit", kwargs={"business_id": hotel.pk}),
        {"visited_on": (timezone.localdate() + timedelta(days=2)).isoformat()},
    )
    assert future.status_code == 200 and "today or in the past" in future.content.decode()


def test_the_queue_costs_the_same_queries_however_many_reports_wait(client: Client, sign_in, coordinator, hotel):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(coordinator)
    report_make(business=hotel)
    report_make(business=None)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("community:queue")).status_code == 200
        return len(captured)

    few = queries()
    for _ in range(6):
        report_make(business=hotel)
        report_make(business=None)
    assert queries() == few
