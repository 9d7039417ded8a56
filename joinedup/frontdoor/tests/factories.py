"""Contacts and requests made directly (for pages', figures' and export tests); the services' own tests go
through the services."""

import datetime as dt

from django.utils import timezone

from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import Agency
from joinedup.children.models import Child
from joinedup.deadlines import frontdoor_decision_due, london_day_ends

from ..models import Awareness, Consent, Contact, InformationRequest, ReferrerKind, Route, ToldHow
from ..thresholds import threshold_seed


def contact_make(
    *,
    child: Child,
    recorded_by: User | None = None,
    received_at: dt.datetime | None = None,
    decided: bool = False,
    decided_at: dt.datetime | None = None,
    told_at: dt.datetime | None = None,
) -> Contact:
    """A contact about the child from a school practitioner, under the seeded threshold document; decided (an
    hour after it was received, unless ``decided_at``) when asked."""
    recorded_by = recorded_by or UserFactory.create(roles=[RoleCode.PRACTITIONER])
    received_at = received_at or timezone.now() - dt.timedelta(hours=2)
    threshold = threshold_seed()
    agency = recorded_by.agency
    assert agency is not None
    due = frontdoor_decision_due(received_at)
    if decided and decided_at is None:
        decided_at = received_at + dt.timedelta(hours=1)
    decided_by = UserFactory.create(roles=[RoleCode.PRACTITIONER]) if decided_at else None
    return Contact.objects.create(
        child=child,
        agency=agency,
        recorded_by=recorded_by,
        received_at=received_at,
        threshold=threshold,
        worries="Seen getting into cars with adults the family does not know.",
        child_aware=Awareness.YES,
        family_aware=Awareness.NO,
        consent=Consent.NOT_SOUGHT,
        consent_reason="Telling the family may put the child at risk from the adults.",
        referrer_kind=ReferrerKind.PROFESSIONAL,
        referrer_name="Sam Teacher",
        referrer_role="Designated safeguarding lead",
        referrer_agency=agency,
        referrer_contact="0100 000 0000",
        decision_due=due,
        decision_due_at=london_day_ends(due),
        decided_at=decided_at,
        decided_by=decided_by,
        level=threshold.levels.get(code="specialist") if decided_at else None,
        decision_reason="Reasonable cause to suspect exploitation" if decided_at else "",
        route=Route.STRATEGY if decided_at else "",
        referrer_told_at=told_at,
        referrer_told_how=ToldHow.PHONE if told_at else "",
        referrer_told_by=decided_by if told_at else None,
    )


def information_request_make(
    *,
    contact: Contact,
    to: Agency,
    asked_at: dt.datetime | None = None,
    respond_by: dt.date | None = None,
    answered_at: dt.datetime | None = None,
) -> InformationRequest:
    asked_at = asked_at or contact.received_at + dt.timedelta(minutes=30)
    respond_by = respond_by or contact.decision_due
    return InformationRequest.objects.create(
        contact=contact,
        child=contact.child,
        to_agency=to,
        asked_by=contact.decided_by or contact.recorded_by,
        asked_at=asked_at,
        question="What do you know of the adults the child has been seen with?",
        respond_by=respond_by,
        respond_by_at=london_day_ends(respond_by),
        answer="Two are known to us." if answered_at else "",
        answered_by=UserFactory.create(agency=to) if answered_at else None,
        answered_at=answered_at,
    )
