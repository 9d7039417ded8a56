"""The synthetic demo area gives every page something real to show, through the platform's own services."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import RoleCode, User
from joinedup.assessments.models import Band, RiskAssessment
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import Child
from joinedup.concerns.models import ConcernCategory
from joinedup.contacts.models import ContactAttempt, ContactOutcome
from joinedup.contacts.selectors import contact_summary, many_professionals
from joinedup.deadlines import is_overdue
from joinedup.demo.generator import ACCOUNTS, demo_area_generate
from joinedup.mace.models import Meeting
from joinedup.missing.models import InterviewResponse, MissingEpisode, ReturnInterview
from joinedup.missing.selectors import repeat_missing
from joinedup.screening.models import ScreeningResponse

REQUIRED = [
    "coordinator",
    "manager",
    "leader",
    "admin",
    "practitioner-police",
    "practitioner-social-care",
    "practitioner-health",
    "practitioner-school",
]


@pytest.fixture
def demo(db):
    return demo_area_generate(children=20, extracts=False)


def test_the_demo_accounts_the_readme_lists_exist_with_their_roles(demo):
    for username in REQUIRED:
        assert User.objects.get(username=username).check_password("joinedup-demo")
    for username, _agency, _team, roles, _first, _last in ACCOUNTS:
        assert User.objects.get(username=username).role_codes() == {str(role) for role in roles}
    assert policy.can_administer(User.objects.get(username="admin"))
    assert User.objects.get(username="coordinator").has_role(RoleCode.COORDINATOR)


def test_the_demo_area_uses_only_fictional_wealdbridge_postcodes_and_test_range_nhs_numbers(demo):
    assert all(child.postcode.startswith("WB") for child in Child.objects.all())
    assert all(child.nhs_number.startswith("999") for child in Child.objects.exclude(nhs_number=""))


def test_the_demo_area_was_recorded_through_audited_services(demo):
    assert AuditEvent.objects.filter(kind=AuditKind.CHILD_CREATED).count() == Child.objects.count() == 20
    assert AuditEvent.objects.filter(kind=AuditKind.MISSING_REPORTED).count() == MissingEpisode.objects.count()


def test_missing_children_show_every_state_of_the_return_interview(demo):
    now = timezone.now()
    interviews = list(ReturnInterview.objects.all())
    completed = [i for i in interviews if i.completed_at]
    assert any(not is_overdue(i.due_at, done_at=i.completed_at, now=now) for i in completed)
    assert any(is_overdue(i.due_at, done_at=i.completed_at, now=now) for i in completed)
    assert any(i.response == InterviewResponse.DECLINED for i in interviews)
    assert any(not i.completed_at and i.response != InterviewResponse.DECLINED and i.due_at < now for i in interviews)
    assert MissingEpisode.objects.filter(returned_at__isnull=True).exists()
    assert any(repeat_missing(child=child) for child in Child.objects.all())


def test_exploitation_work_has_assessments_at_every_band_a_screening_meetings_and_contacts(demo):
    assert set(RiskAssessment.objects.values_list("band", flat=True)) == set(Band.values)
    screening = ScreeningResponse.objects.get()
    assert screening.flagged and screening.concern is not None and screening.concern.category == ConcernCategory.CSE
    assert Meeting.objects.count() == 2
    assert ContactAttempt.objects.exclude(outcome=ContactOutcome.SPOKE).exists()
    coordinator = User.objects.get(username="coordinator")
    children = list(Child.objects.exclude(key_worker=None))
    assert any(contact_summary(user=coordinator, child=c).key_worker_unsuccessful >= 4 for c in children)
    assert any(many_professionals(child=child) is not None for child in Child.objects.all())


def test_the_command_refuses_to_create_the_area_twice_but_can_skip_quietly(demo):
    with pytest.raises(CommandError, match="already there"):
        call_command("demo_area")
    call_command("demo_area", "--if-missing")
    assert Child.objects.count() == 20
