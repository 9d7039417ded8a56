"""The problem profile's schedules on pages: the coordinator lists, adds, changes and stops them; each write is
audited; anyone else is refused and nothing is written."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.profiles import selectors, services
from joinedup.profiles.models import ProblemProfile, ProfileSchedule

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    agency = AgencyFactory.create()
    return {
        role: UserFactory.create(agency=agency, roles=[role])
        for role in (RoleCode.COORDINATOR, RoleCode.LEADER, RoleCode.MANAGER, RoleCode.PRACTITIONER)
    }


def _schedule_audits() -> list[str]:
    return list(
        AuditEvent.objects.filter(kind=AuditKind.ADMIN_CHANGE, object_type="profile_schedule")
        .order_by("pk")
        .values_list("reason", flat=True)
    )


def test_the_coordinator_adds_a_schedule_from_the_profiles_page_and_profiles_due_then_makes_its_profile(
    people, client, sign_in
):
    coordinator = people[RoleCode.COORDINATOR]
    sign_in(coordinator)
    profiles_page = client.get(reverse("profiles:list"))
    assert reverse("profiles:schedules").encode() in profiles_page.content
    empty = client.get(reverse("profiles:schedules"))
    assert b"No schedule is set" in empty.content
    response = client.post(reverse("profiles:schedules"), {"frequency": "monthly", "versions": "sanitised"})
    assert response.status_code == 302
    schedule = ProfileSchedule.objects.get()
    assert (schedule.frequency, schedule.versions, schedule.owner, schedule.active) == (
        "monthly",
        "sanitised",
        coordinator,
        True,
    )
    assert _schedule_audits() == ["Set a problem profile schedule: Every month: sanitised only"]
    page = client.get(reverse("profiles:schedules"))
    assert b"Every month" in page.content and b"Sanitised only" in page.content
    queued = services.profiles_due_enqueue(today=dt.date(2026, 11, 20))
    assert [(p.period_start, p.period_end, p.version, p.schedule_id) for p in queued] == [
        (dt.date(2026, 10, 1), dt.date(2026, 10, 31), "sanitised", schedule.pk)
    ]


def test_the_next_profile_is_the_last_period_ended_until_it_is_made_then_the_one_running():
    owner = UserFactory.create(agency=AgencyFactory.create(), roles=[RoleCode.COORDINATOR])
    quarterly = ProfileSchedule.objects.create(owner=owner)
    monthly = ProfileSchedule.objects.create(owner=owner, frequency="monthly")
    today = dt.date(2026, 11, 20)
    assert selectors.schedule_next_period(quarterly, today=today) == (
        dt.date(2026, 7, 1),
        dt.date(2026, 9, 30),
        today,
    )
    services.profiles_due_enqueue(today=today)
    assert selectors.schedule_next_period(quarterly, today=today) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
        dt.date(2027, 1, 1),
    )
    assert selectors.schedule_next_period(monthly, today=today) == (
        dt.date(2026, 11, 1),
        dt.date(2026, 11, 30),
        dt.date(2026, 12, 1),
    )


def test_a_change_sets_frequency_and_versions_and_makes_whoever_changed_it_the_owner(people, client, sign_in):
    first = people[RoleCode.COORDINATOR]
    second = UserFactory.create(agency=first.agency, roles=[RoleCode.COORDINATOR])
    schedule = services.profile_schedule_create(user=first, frequency="quarterly", versions="both")
    sign_in(second)
    form = client.get(reverse("profiles:schedule-edit", args=[schedule.pk]))
    assert form.status_code == 200 and b'value="quarterly"' in form.content
    response = client.post(
        reverse("profiles:schedule-edit", args=[schedule.pk]), {"frequency": "monthly", "versions": "restricted"}
    )
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert (schedule.frequency, schedule.versions, schedule.owner) == ("monthly", "restricted", second)
    changed = AuditEvent.objects.filter(object_type="profile_schedule").order_by("pk").last()
    assert changed is not None and changed.actor == second
    assert changed.payload["before"]["owner"] == first.pk and changed.payload["after"]["owner"] == second.pk


def test_a_stopped_schedule_makes_nothing_is_kept_and_cannot_be_changed_or_stopped_again(people, client, sign_in):
    coordinator = people[RoleCode.COORDINATOR]
    schedule = services.profile_schedule_create(user=coordinator, frequency="quarterly", versions="both")
    sign_in(coordinator)
    response = client.post(reverse("profiles:schedule-stop", args=[schedule.pk]))
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert not schedule.active and schedule.stopped_at is not None
    assert services.profiles_due_enqueue(today=dt.date(2026, 11, 20)) == []
    assert ProblemProfile.objects.count() == 0
    page = client.get(reverse("profiles:schedules"))
    assert b"Stopped" in page.content
    audits = len(_schedule_audits())
    refused = client.post(
        reverse("profiles:schedule-edit", args=[schedule.pk]), {"frequency": "monthly", "versions": "both"}
    )
    assert refused.status_code == 200
    schedule.refresh_from_db()
    assert schedule.frequency == "quarterly" and len(_schedule_audits()) == audits
    with pytest.raises(ValidationError):
        services.profile_schedule_stop(user=coordinator, schedule=schedule)
    assert len(_schedule_audits()) == audits


def test_only_the_coordinator_manages_schedules_and_a_refusal_writes_nothing(people, client, sign_in):
    coordinator = people[RoleCode.COORDINATOR]
    schedule = services.profile_schedule_create(user=coordinator, frequency="quarterly", versions="both")
    audits = len(_schedule_audits())
    for role in (RoleCode.LEADER, RoleCode.MANAGER, RoleCode.PRACTITIONER):
        user = people[role]
        client.logout()
        sign_in(user)
        assert client.get(reverse("profiles:schedules")).status_code == 403
        assert (
            client.post(reverse("profiles:schedules"), {"frequency": "monthly", "versions": "both"}).status_code == 403
        )
        edit = reverse("profiles:schedule-edit", args=[schedule.pk])
        assert client.post(edit, {"frequency": "monthly", "versions": "both"}).status_code == 403
        assert client.post(reverse("profiles:schedule-stop", args=[schedule.pk])).status_code == 403
        with pytest.raises(PermissionDenied):
            services.profile_schedule_create(user=user, frequency="monthly", versions="both")
    client.logout()
    sign_in(people[RoleCode.LEADER])
    leader_page = client.get(reverse("profiles:list"))
    assert leader_page.status_code == 200
    assert reverse("profiles:schedules").encode() not in leader_page.content
    schedule.refresh_from_db()
    assert ProfileSchedule.objects.count() == 1
    assert (schedule.frequency, schedule.versions, schedule.active, schedule.owner) == (
        "quarterly",
        "both",
        True,
        coordinator,
    )
    assert len(_schedule_audits()) == audits
