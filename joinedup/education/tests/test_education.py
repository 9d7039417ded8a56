"""Children missing education: a school's notice reaches the officer's queue and the child's record; the checks and
the closing (only with an outcome); the date rules; refusals write nothing; the figures' counts equal their lists;
the map reads the last known address."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import Involvement
from joinedup.children.tests.factories import ChildFactory
from joinedup.deadlines import london_date
from joinedup.education import services
from joinedup.education.figures import LONG_OPEN_DAYS
from joinedup.education.models import CheckKind, CheckResult, CmeCheck, CmeOutcome, CmeReason, EducationRecord
from joinedup.education.models import RecordKind as K
from joinedup.oversight.figures import BY_KEY, count_figures, default_filters
from joinedup.tasks.models import Task, TaskKind

from .factories import education_agency, education_record_make, school_staff

pytestmark = pytest.mark.django_db


def _today() -> dt.date:
    return london_date(timezone.now())


def _ago(days: int) -> dt.date:
    return _today() - dt.timedelta(days=days)


@pytest.fixture
def edu():
    return education_agency()


@pytest.fixture
def child(edu):
    return ChildFactory.create(owning_agency=edu)


@pytest.fixture
def school(edu):
    return school_staff(edu)


@pytest.fixture
def officer(edu):
    return school_staff(edu, RoleCode.MANAGER)


def _writes() -> tuple[int, int, int, int]:
    return (
        EducationRecord.objects.count(),
        CmeCheck.objects.count(),
        Task.objects.count(),
        AuditEvent.objects.exclude(kind=AuditKind.CHILD_VIEWED).count(),
    )


def _cme(user, child, days_ago: int = 12, **fields):
    values = {"reason": CmeReason.TEN_DAYS, "last_known_address": "3 Synthetic Way", "last_known_postcode": "wb1 2ab"}
    return services.education_record_create(
        user=user,
        child=child,
        kind=K.MISSING_EDUCATION,
        school="Synthetic Academy",
        starts_on=_ago(days_ago),
        **{**values, **fields},
    )


def test_a_child_missing_education_appears_on_the_officers_queue_and_the_childs_record(
    child, school, officer, sign_in, client
):
    sign_in(school)
    response = client.post(
        reverse("education:child", args=[child.pk]) + "?kind=missing_education",
        {
            "school": "Wealdbridge Academy",
            "starts_on": _ago(12).isoformat(),
            "reason": CmeReason.TEN_DAYS,
            "last_known_address": "14 Mill Lane, Wealdbridge",
            "last_known_postcode": "WB3 4QT",
        },
    )
    record = EducationRecord.objects.get(child=child)
    assert response.status_code == 302
    assert response["Location"] == reverse("education:case", args=[record.pk])
    task = Task.objects.get(kind=TaskKind.MISSING_EDUCATION, source_id=str(record.pk))
    assert task.completed_at is None and task.agency == child.owning_agency and task.child == child

    client.logout()
    sign_in(officer)
    queue = client.get(reverse("education:queue"))
    rows = queue.context["rows"]
    assert [(row.record, row.days_open, row.checks_done) for row in rows] == [(record, 12, 0)]
    page = queue.content.decode()
    assert child.full_name in page and "To do: Home visit" in page

    detail = client.get(reverse("children:detail", args=[child.pk])).content.decode()
    assert "Missing education now" in detail
    assert reverse("education:case", args=[record.pk]) in detail


def test_the_officer_records_checks_and_closes_the_case_only_with_an_outcome(child, school, officer, sign_in, client):
    record = _cme(school, child, days_ago=20)
    services.cme_check_record(
        user=officer, record=record, kind=CheckKind.HOME_VISIT, checked_on=_ago(18), result=CheckResult.NO_TRACE
    )
    sign_in(officer)
    row = client.get(reverse("education:queue")).context["rows"][0]
    done = {item.kind: item.latest for item in row.checklist if item.latest}
    assert set(done) == {CheckKind.HOME_VISIT} and done[CheckKind.HOME_VISIT].checked_on == _ago(18)

    before = _writes()
    response = client.post(reverse("education:close", args=[record.pk]), {"closed_on": _today().isoformat()})
    assert response.status_code == 200 and "outcome" in response.context["form"].errors
    with pytest.raises(ValidationError):
        services.cme_case_close(user=officer, record=record, outcome="", closed_on=_today())
    with pytest.raises(ValidationError):  # found in school: say where
        services.cme_case_close(user=officer, record=record, outcome=CmeOutcome.IN_SCHOOL, closed_on=_today())
    assert _writes() == before

    response = client.post(
        reverse("education:close", args=[record.pk]),
        {"outcome": CmeOutcome.IN_SCHOOL, "outcome_detail": "Eastmere Secondary", "closed_on": _today().isoformat()},
    )
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.outcome, record.closed_on, record.closed_by) == (CmeOutcome.IN_SCHOOL, _today(), officer)
    assert Task.objects.get(kind=TaskKind.MISSING_EDUCATION, source_id=str(record.pk)).completed_at is not None
    assert client.get(reverse("education:queue")).context["rows"] == []
    with pytest.raises(ValidationError):
        services.cme_check_record(
            user=officer, record=record, kind=CheckKind.FAMILY, checked_on=_today(), result=CheckResult.LOCATED
        )
    assert AuditEvent.objects.filter(kind=AuditKind.CME_CASE_CLOSED, child_id=child.pk).count() == 1


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        (K.MISSING_EDUCATION, {"starts_on": 1, "reason": CmeReason.OFF_ROLL}, "starts_on"),
        (K.MISSING_EDUCATION, {"starts_on": -3}, "reason"),
        (K.PART_TIME, {"starts_on": -5, "ends_on": -8, "hours_per_week": Decimal(10)}, "ends_on"),
        (K.PART_TIME, {"starts_on": -5, "ends_on": -5, "hours_per_week": Decimal(10)}, "ends_on"),
        (K.PART_TIME, {"starts_on": -5, "hours_per_week": Decimal(10)}, "ends_on"),
        (K.PART_TIME, {"starts_on": -5, "ends_on": 10, "hours_per_week": Decimal("32.5")}, "hours_per_week"),
        (K.SUSPENSION, {"starts_on": -5, "ends_on": -6, "days": 1}, "ends_on"),
        (K.SUSPENSION, {"starts_on": -5, "ends_on": -4, "days": 0}, "days"),
        (K.EXCLUSION, {"starts_on": 1}, "starts_on"),
        (K.HOME_EDUCATION, {"starts_on": 2}, "starts_on"),
    ],
)
def test_dates_in_the_future_and_ends_before_starts_are_refused_and_write_nothing(child, school, kind, fields, field):
    # Day offsets from today: positive is in the future.
    values: dict[str, Any] = {
        k: _today() + dt.timedelta(days=v) if k in ("starts_on", "ends_on") else v for k, v in fields.items()
    }
    before = _writes()
    with pytest.raises(ValidationError) as refused:
        services.education_record_create(user=school, child=child, kind=kind, school="Synthetic Academy", **values)
    assert field in refused.value.message_dict
    assert _writes() == before


def test_each_kind_is_recorded_with_its_own_fields_and_shows_on_the_childs_record(child, school, sign_in, client):
    services.education_record_create(
        user=school,
        child=child,
        kind=K.PART_TIME,
        school="Synthetic Academy",
        starts_on=_ago(10),
        ends_on=_ago(-20),
        hours_per_week=Decimal("12.5"),
        reason=CmeReason.OFF_ROLL,
    )
    services.education_record_create(
        user=school,
        child=child,
        kind=K.SUSPENSION,
        school="Synthetic Academy",
        starts_on=_ago(30),
        ends_on=_ago(28),
        days=3,
    )
    services.education_record_create(user=school, child=child, kind=K.EXCLUSION, school="Synthetic", starts_on=_ago(5))
    services.education_record_create(
        user=school, child=child, kind=K.HOME_EDUCATION, school="Synthetic", starts_on=_ago(2), last_known_address="x"
    )
    part_time = EducationRecord.objects.get(kind=K.PART_TIME)
    assert part_time.reason == "" and part_time.hours_per_week == Decimal("12.5")
    assert EducationRecord.objects.get(kind=K.HOME_EDUCATION).last_known_address == ""
    assert not Task.objects.exists()  # only a child missing education opens a task
    sign_in(school)
    page = client.get(reverse("children:detail", args=[child.pk])).content.decode()
    assert "Part-time timetable" in page and "12.5 hours a week" in page
    for label in ("Suspension", "Permanent exclusion", "Elective home education notification", "3 school days"):
        assert label in page
    assert "Missing education now" not in page


def test_a_check_before_the_notice_or_in_the_future_is_refused(child, school, officer):
    record = _cme(school, child, days_ago=5)
    before = _writes()
    for day in (_ago(6), _ago(-1)):
        with pytest.raises(ValidationError):
            services.cme_check_record(
                user=officer, record=record, kind=CheckKind.FAMILY, checked_on=day, result=CheckResult.NO_TRACE
            )
    with pytest.raises(ValidationError):
        services.cme_case_close(user=officer, record=record, outcome=CmeOutcome.HOME_EDUCATED, closed_on=_ago(6))
    assert _writes() == before


def test_only_schools_record_and_only_the_officer_works_the_case_refusals_write_nothing(child, school, officer):
    social_care = AgencyFactory.create(code="CSC")
    Involvement.objects.create(child=child, agency=social_care)
    worker = school_staff(social_care)
    social_care_manager = school_staff(social_care, RoleCode.MANAGER)
    record = _cme(school, child)
    before = _writes()
    with pytest.raises(PermissionDenied):
        _cme(worker, child)
    for user in (school, worker, social_care_manager):
        with pytest.raises(PermissionDenied):
            services.cme_check_record(
                user=user, record=record, kind=CheckKind.FAMILY, checked_on=_today(), result=CheckResult.NO_TRACE
            )
        with pytest.raises(PermissionDenied):
            services.cme_case_close(user=user, record=record, outcome=CmeOutcome.HOME_EDUCATED, closed_on=_today())
    assert _writes() == before


def test_the_queue_shows_only_children_the_officer_may_see(child, school, officer, sign_in, client):
    other_school = education_agency("EDU2")
    unseen = ChildFactory.create(owning_agency=other_school)
    _cme(school, child)
    _cme(school_staff(other_school), unseen)
    sign_in(officer)
    rows = client.get(reverse("education:queue")).context["rows"]
    assert [row.record.child for row in rows] == [child]
    hidden = EducationRecord.objects.get(child=unseen)
    assert client.get(reverse("education:case", args=[hidden.pk])).status_code == 404
    sign_in(school)
    assert client.get(reverse("education:queue")).status_code == 403


def test_the_figures_count_what_their_lists_show(edu, school, officer):
    coordinator = school_staff(AgencyFactory.create(code="CSC"), RoleCode.COORDINATOR)
    children = [ChildFactory.create(owning_agency=edu) for _ in range(5)]
    _cme(school, children[0], days_ago=LONG_OPEN_DAYS + 5)
    _cme(school, children[0], days_ago=3)  # the same child twice: one child, two cases
    _cme(school, children[1], days_ago=LONG_OPEN_DAYS - 1)
    closed = _cme(school, children[2], days_ago=LONG_OPEN_DAYS + 10)
    services.cme_case_close(
        user=officer, record=closed, outcome=CmeOutcome.MOVED_ABROAD, outcome_detail="Portugal", closed_on=_today()
    )
    education_record_make(child=children[3], kind=K.PART_TIME, days_ago=5, ends_on=_ago(-5), hours_per_week=10)
    education_record_make(child=children[4], kind=K.PART_TIME, days_ago=50, ends_on=_ago(20), hours_per_week=10)
    filters = default_filters()
    keys = ["cme-children-now", "cme-open-long", "cme-notices", "cme-part-time-now"]
    expected = {"cme-children-now": 2, "cme-open-long": 1, "cme-notices": 4, "cme-part-time-now": 1}
    for viewer in (coordinator, officer):
        counts = count_figures([BY_KEY[k] for k in keys], user=viewer, filters=filters)
        lists = {k: BY_KEY[k].rows(viewer, filters).count() for k in keys}
        assert counts == lists == expected
    assert set(BY_KEY["cme-children-now"].rows(coordinator, filters)) == {children[0], children[1]}
    outsider = school_staff(education_agency("EDU2"), RoleCode.MANAGER)
    assert count_figures([BY_KEY[k] for k in keys], user=outsider, filters=filters) == dict.fromkeys(keys, 0)


def test_the_map_reads_a_child_missing_educations_last_known_address(child, school):
    from joinedup.mapping.internals.build import graph_data_build

    record = _cme(school, child)
    _cme(school, child, last_known_address="", last_known_postcode="")
    events = [e for e in graph_data_build().events if e["source"] == "missing_education"]
    assert [(e["record"], e["type"]) for e in events] == [(str(record.pk), "missing_education")]
    place = next(n for n in events[0]["nodes"] if n.startswith("place:"))
    assert "WB1 2AB" in graph_data_build().nodes[place]["label"]


def _queries(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_the_queue_and_the_childs_record_read_the_same_number_of_queries_however_many_records(
    edu, child, school, officer, sign_in, client
):
    _cme(school, child)
    sign_in(officer)
    queue, record = reverse("education:queue"), reverse("children:detail", args=[child.pk])
    few = (_queries(client, queue), _queries(client, record))
    for _ in range(3):
        other = ChildFactory.create(owning_agency=edu)
        case = _cme(school, other)
        services.cme_check_record(
            user=officer, record=case, kind=CheckKind.FAMILY, checked_on=_today(), result=CheckResult.NO_TRACE
        )
        _cme(school, child, days_ago=3)
        education_record_make(child=child, kind=K.SUSPENSION, ends_on=_today(), days=2)
    assert len(client.get(queue).context["rows"]) == 7
    assert (_queries(client, queue), _queries(client, record)) == few
