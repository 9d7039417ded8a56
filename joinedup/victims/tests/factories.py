"""Crimes against children and their victim care, straight into the database (bypassing the services' checks)."""

import datetime as dt

from django.utils import timezone

from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import Agency
from joinedup.children.models import Child
from joinedup.deadlines import LONDON, victim_needs_assessment_due
from joinedup.victims.models import Investigation


def police_officer(agency: Agency, *roles: str) -> User:
    return UserFactory.create(agency=agency, roles=list(roles) or [RoleCode.PRACTITIONER])


def investigation_make(
    *,
    child: Child,
    agency: Agency,
    days_ago: float = 10,
    reference: str = "",
    recorded_by: User | None = None,
    **fields: object,
) -> Investigation:
    reported_at = timezone.now() - dt.timedelta(days=days_ago)
    due = victim_needs_assessment_due(reported_at) + dt.timedelta(days=1)
    return Investigation.objects.create(
        child=child,
        owning_agency=agency,
        crime_reference=reference or f"CR/{Investigation.objects.count() + 1:05d}",
        offence="Sexual exploitation of a child",
        reported_at=reported_at,
        needs_due_before=dt.datetime.combine(due, dt.time.min, tzinfo=LONDON),
        recorded_by=recorded_by or police_officer(agency),
        **fields,  # type: ignore[misc]
    )
