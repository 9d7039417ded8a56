"""Coverage by agency and role (and elected members): each count equals the list behind it, on a known set."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.deadlines import london_date
from joinedup.oversight import figures as oversight
from joinedup.training import selectors
from joinedup.training.figures import elected_members_not_in_date, staff_not_in_date
from joinedup.training.models import ELECTED_MEMBER, Topic, TraineeKind
from joinedup.training.selectors import Status

from .factories import AttendanceFactory, CourseFactory, RequirementFactory, TraineeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def known():
    """Two agencies, two courses, five staff who need training and three elected members, each in a known state."""
    today = london_date(timezone.now())
    recent, long_ago = today - timedelta(days=30), today - timedelta(days=400)  # 12-month courses
    police = AgencyFactory.create(code="POL", name="Wealdbridge Police", kind=AgencyKind.POLICE)
    social_care = AgencyFactory.create(code="CSC", name="Wealdbridge Children's Social Care")
    awareness = CourseFactory.create(name="Exploitation awareness", topic=Topic.EXPLOITATION_AWARENESS)
    interviews = CourseFactory.create(name="Return home interviews", topic=Topic.RETURN_INTERVIEWS)
    RequirementFactory.create(course=awareness, audience=RoleCode.PRACTITIONER)
    RequirementFactory.create(
        course=interviews, audience=RoleCode.PRACTITIONER, agency_kind=AgencyKind.CHILDRENS_SOCIAL_CARE
    )
    RequirementFactory.create(course=awareness, audience=RoleCode.MANAGER)
    RequirementFactory.create(course=awareness, audience=ELECTED_MEMBER)

    def staff(name, agency, role, **kwargs):
        return UserFactory.create(first_name=name, last_name="Test", agency=agency, roles=[role], **kwargs)

    p = {
        "ava": staff("Ava", social_care, RoleCode.PRACTITIONER),  # awareness in date, interviews expired
        "ben": staff("Ben", social_care, RoleCode.PRACTITIONER),  # awareness never, interviews in date
        "cat": staff("Cat", social_care, RoleCode.PRACTITIONER),  # both in date
        "dev": staff("Dev", police, RoleCode.PRACTITIONER),  # awareness expired (interviews not required)
        "eve": staff("Eve", police, RoleCode.MANAGER),  # awareness never
        "gone": staff("Gone", social_care, RoleCode.PRACTITIONER, is_active=False),
        "coordinator": staff("Priya", social_care, RoleCode.COORDINATOR),
        "leader": staff("Alex", social_care, RoleCode.LEADER),
    }
    AttendanceFactory.create(user=p["ava"], course=awareness, attended_on=recent)
    AttendanceFactory.create(user=p["ava"], course=interviews, attended_on=long_ago)
    AttendanceFactory.create(user=p["ben"], course=interviews, attended_on=recent)
    AttendanceFactory.create(user=p["cat"], course=awareness, attended_on=long_ago)  # done again since:
    AttendanceFactory.create(user=p["cat"], course=awareness, attended_on=recent)
    AttendanceFactory.create(user=p["cat"], course=interviews, attended_on=recent)
    AttendanceFactory.create(user=p["dev"], course=awareness, attended_on=long_ago)
    AttendanceFactory.create(user=p["dev"], course=interviews, attended_on=long_ago)
    members = {
        name: TraineeFactory.create(full_name=f"Councillor {name}")
        for name in ("Fern", "Gita", "Hal")  # in date, expired, never
    }
    AttendanceFactory.create(trainee=members["Fern"], course=awareness, attended_on=recent)
    AttendanceFactory.create(trainee=members["Gita"], course=awareness, attended_on=long_ago)
    TraineeFactory.create(full_name="Licensing officer", kind=TraineeKind.OTHER, body="Wealdbridge taxi licensing")
    manager = staff("Kim", police, RoleCode.MANAGER)  # needs awareness too: never done
    return {
        "today": today,
        "police": police,
        "social_care": social_care,
        "awareness": awareness,
        "interviews": interviews,
        "manager": manager,
        **p,
    }


def _table(known, user):
    entries = selectors.coverage_entries(user=user, today=known["today"])
    table = {}
    for coverage in selectors.coverage_summary(entries):
        counts = {"people": vars(coverage.people)}
        counts.update({course.name: vars(c) for course, c in coverage.courses})
        table[coverage.group.label] = counts
    return entries, table


def _names(rows):
    return sorted(
        entry.person.name.split()[-2] if entry.person.name.startswith("Councillor") else entry.person.name.split()[0]
        for entry in rows
    )


def test_coverage_counts_people_required_in_date_expired_and_never_trained_by_agency_and_role(known):
    _, table = _table(known, known["leader"])
    assert table["Wealdbridge Children's Social Care: practitioners"] == {
        "people": {"required": 3, "in_date": 1, "expired": 1, "never": 1},
        "Exploitation awareness": {"required": 3, "in_date": 2, "expired": 0, "never": 1},
        "Return home interviews": {"required": 3, "in_date": 2, "expired": 1, "never": 0},
    }
    assert table["Wealdbridge Police: practitioners"] == {
        "people": {"required": 1, "in_date": 0, "expired": 1, "never": 0},
        "Exploitation awareness": {"required": 1, "in_date": 0, "expired": 1, "never": 0},
    }
    assert table["Wealdbridge Police: team managers"]["people"] == {
        "required": 2,
        "in_date": 0,
        "expired": 0,
        "never": 2,
    }
    assert table["Elected members"] == {
        "people": {"required": 3, "in_date": 1, "expired": 1, "never": 1},
        "Exploitation awareness": {"required": 3, "in_date": 1, "expired": 1, "never": 1},
    }
    assert len(table) == 4  # the coordinator and leader need nothing; inactive accounts and other trainees uncounted


def test_every_count_equals_the_list_of_people_behind_it(known):
    entries, _ = _table(known, known["leader"])
    for coverage in selectors.coverage_summary(entries):
        for status in (Status.IN_DATE, Status.EXPIRED, Status.NEVER):
            listed = selectors.coverage_list(entries, group_key=coverage.group.key, course_id=None, status=status)
            assert len(listed) == getattr(coverage.people, status), (coverage.group.label, status)
            for course, counts in coverage.courses:
                listed = selectors.coverage_list(
                    entries, group_key=coverage.group.key, course_id=course.pk, status=status
                )
                assert len(listed) == getattr(counts, status), (coverage.group.label, course.name, status)


def test_the_lists_name_who_is_missing_or_expired(known):
    entries, _ = _table(known, known["leader"])
    group = f"{known['social_care'].pk}-{RoleCode.PRACTITIONER}"
    never = selectors.coverage_list(entries, group_key=group, course_id=known["awareness"].pk, status=Status.NEVER)
    expired = selectors.coverage_list(entries, group_key=group, course_id=known["interviews"].pk, status=Status.EXPIRED)
    assert _names(never) == ["Ben"] and _names(expired) == ["Ava"]
    assert expired[0].expires_on is not None and expired[0].expires_on <= known["today"]
    members = selectors.coverage_list(entries, group_key="elected", course_id=None, status=Status.NEVER)
    assert [m.person.name for m in members] == ["Councillor Hal"]


def test_a_team_manager_sees_only_their_own_agencys_staff_and_no_elected_members(known):
    _, table = _table(known, known["manager"])
    assert set(table) == {"Wealdbridge Police: practitioners", "Wealdbridge Police: team managers"}


def test_the_dashboard_figures_count_the_people_the_coverage_lists_as_not_in_date(known):
    entries, _ = _table(known, known["leader"])
    overall = selectors.person_statuses(entries)
    staff_out = {
        person.name
        for (group, person), status in overall.items()
        if status != Status.IN_DATE and group.audience != ELECTED_MEMBER
    }
    members_out = {
        person.name
        for (group, person), status in overall.items()
        if status != Status.IN_DATE and group.audience == ELECTED_MEMBER
    }
    today = known["today"]
    assert (
        {u.get_full_name() for u in staff_not_in_date(today=today)}
        == staff_out
        == {"Ava Test", "Ben Test", "Dev Test", "Eve Test", "Kim Test"}
    )
    assert (
        {t.full_name for t in elected_members_not_in_date(today=today)}
        == members_out
        == {"Councillor Gita", "Councillor Hal"}
    )


def test_a_partnership_leader_sees_elected_members_training_on_the_oversight_dashboard(known, client, sign_in):
    sign_in(known["leader"])
    page = client.get(reverse("oversight:dashboard")).content.decode()
    assert 'data-figure="training-elected-members-no-exploitation-awareness">2 elected members' in page
    assert 'data-figure="training-staff-not-in-date">5 members of staff' in page
    listed = client.get(
        reverse("oversight:figure", kwargs={"key": "training-elected-members-no-exploitation-awareness"})
    )
    assert listed.status_code == 200
    body = listed.content.decode()
    assert "Councillor Gita" in body and "Councillor Hal" in body and "Councillor Fern" not in body
    assert not AuditEvent.objects.filter(kind=AuditKind.CHILD_LISTED).exists()  # no child is listed


def test_a_team_managers_dashboard_counts_their_agencys_staff_and_no_elected_members(known):
    counts = {
        item.figure.key: item.count
        for _, items in oversight.figure_counts(user=known["manager"], filters=oversight.default_filters())
        for item in items
    }
    assert counts["training-staff-not-in-date"] == 3  # Dev, Eve and Kim of the police
    assert counts["training-elected-members-not-in-date"] == 0


def test_the_coverage_page_drills_down_and_downloads(known, client, sign_in):
    sign_in(known["coordinator"])
    page = client.get(reverse("training:coverage")).content.decode()
    assert 'data-group="elected"' in page and "Elected members" in page
    listed = client.get(reverse("training:coverage-list"), {"group": "elected", "course": "", "status": "expired"})
    assert "Councillor Gita" in listed.content.decode() and "Councillor Hal" not in listed.content.decode()
    download = client.get(reverse("training:coverage-csv"))
    lines = download.content.decode().strip().splitlines()
    assert len(lines) == 1 + len(selectors.coverage_entries(user=known["coordinator"], today=known["today"]))
    assert AuditEvent.objects.filter(kind=AuditKind.EXPORT_DOWNLOADED, object_type="training_coverage").count() == 1
