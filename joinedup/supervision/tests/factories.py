"""Challenges and notes made directly (for pages' tests); the services' own tests go through the services."""

import datetime as dt

from django.utils import timezone

from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import Agency
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.children.models import Child, Involvement
from joinedup.deadlines import challenge_response_due
from joinedup.supervision.models import Challenge, ChallengeAbout, ChallengeStage, ChallengeStep


def challenge_make(
    *, child: Child, raising_agency: Agency, to_agency: Agency, raised_by: User | None = None, days_ago: int = 1
) -> Challenge:
    """An open challenge at the practitioner stage, both agencies working with the child."""
    for agency in (raising_agency, to_agency):
        Involvement.objects.get_or_create(child=child, agency=agency, ended_at=None)
    raised_by = raised_by or UserFactory.create(agency=raising_agency, roles=[RoleCode.PRACTITIONER])
    raised_at = timezone.now() - dt.timedelta(days=days_ago)
    due = challenge_response_due(raised_at)
    challenge = Challenge.objects.create(
        child=child,
        raised_by=raised_by,
        raising_agency=raising_agency,
        to_agency=to_agency,
        about=ChallengeAbout.DELAY,
        what="The strategy meeting has not been held.",
        raised_at=raised_at,
        response_due=due,
    )
    ChallengeStep.objects.create(
        challenge=challenge, stage=ChallengeStage.PRACTITIONER, asked_by=raised_by, asked_at=raised_at, response_due=due
    )
    return challenge


def matrix_challenge(*, child: Child, own: Agency, other: Agency, relation: str) -> Challenge:
    """For the permission matrix: on the own agency's child, the other agency challenges the own agency; on the
    other children, the other agency challenges a third."""
    if relation == "own":
        return challenge_make(child=child, raising_agency=other, to_agency=own)
    third = Agency.objects.filter(code="THD").first() or AgencyFactory.create(code="THD")
    return challenge_make(child=child, raising_agency=other, to_agency=third)
