"""Strategy discussions and NRM referrals made directly (for pages', matrix and export tests); the services' own
tests go through the services."""

import datetime as dt

from django.utils import timezone

from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import Agency, AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.children.models import Child
from joinedup.deadlines import initial_conference_due, london_date

from ..models import (
    ExploitationType,
    FirstResponderKind,
    NRMReferral,
    Participant,
    Section47Enquiry,
    StrategyDecision,
    StrategyDiscussion,
)


def discussion_make(
    *,
    child: Child,
    recorded_by: User | None = None,
    decision: str = StrategyDecision.S47_JOINT,
    held_at: dt.datetime | None = None,
) -> StrategyDiscussion:
    """A discussion with children's social care and police taking part; a section 47 enquiry when decided."""
    recorded_by = recorded_by or UserFactory.create(agency=child.owning_agency, roles=[RoleCode.PRACTITIONER])
    held_at = held_at or timezone.now() - dt.timedelta(days=1)
    assert recorded_by.agency is not None
    discussion = StrategyDiscussion.objects.create(
        child=child,
        held_at=held_at,
        chaired_by=recorded_by,
        agency=recorded_by.agency,
        recorded_by=recorded_by,
        why="Found in a flat used to sell drugs, 20 miles from home.",
        decision=decision,
        reasons="Reasonable cause to suspect the child is being criminally exploited.",
    )
    police = AgencyFactory.create(code="POLSD", kind=AgencyKind.POLICE)
    Participant.objects.create(
        discussion=discussion, agency=recorded_by.agency, person_name="Alex Socialworker", role="Team manager"
    )
    Participant.objects.create(
        discussion=discussion,
        agency=police,
        person_name="DS Synthofficer",
        role="Child exploitation team",
        information_shared="Two adults at the flat are known for supplying drugs.",
    )
    if decision in (StrategyDecision.S47_SINGLE, StrategyDecision.S47_JOINT):
        Section47Enquiry.objects.create(
            discussion=discussion,
            child=child,
            joint_with_police=decision == StrategyDecision.S47_JOINT,
            started_on=london_date(held_at),
            conference_due=initial_conference_due(held_at),
        )
    return discussion


def nrm_make(*, child: Child, agency: Agency, referred_on: dt.date | None = None) -> NRMReferral:
    return NRMReferral.objects.create(
        child=child,
        first_responder=agency,
        first_responder_kind=FirstResponderKind.LOCAL_AUTHORITY,
        referred_on=referred_on or timezone.localdate() - dt.timedelta(days=10),
        exploitation_type=ExploitationType.CRIMINAL,
        recorded_by=UserFactory.create(agency=agency),
    )
