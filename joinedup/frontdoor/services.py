"""Writes at the front door: permission, the write and its audit row in one transaction.

A refused write raises ``PermissionDenied`` and writes nothing; a write the rules refuse (an empty answer, a
level of need from another version of the threshold document, a date in the past) raises ``ValidationError``
and writes nothing. A contact about a child not yet known records the child through the children app
(``children.services.child_create``), after finding first: never a second record of a child already known.
"""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.answers import required_text
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children import services as children_services
from joinedup.children.models import Child
from joinedup.deadlines import frontdoor_decision_due, london_date, london_day_ends
from joinedup.linkage import search
from joinedup.tasks.models import TaskKind
from joinedup.tasks.services import task_close_for, task_open

from .models import (
    Awareness,
    Consent,
    Contact,
    InformationRequest,
    ReferrerKind,
    Route,
    ThresholdLevel,
    ToldHow,
)
from .selectors import threshold_in_force

# Routes whose decision says what was advised, or which service.
ROUTES_WITH_DETAIL = {Route.NO_FURTHER_ACTION: "Say what advice was given.", Route.OTHER_SERVICE: "Say which service."}


def _when(field: str, at: datetime | None, *, not_before: datetime | None = None) -> datetime:
    now = timezone.now()
    if at is None:
        return now
    if at > now:
        raise ValidationError({field: "The time must not be in the future."})
    if not_before is not None and at < not_before:
        raise ValidationError({field: "The time must not be before the contact was decided."})
    return at


def contact_child_new(
    *,
    user: User,
    given_name: str,
    family_name: str,
    date_of_birth: date | None = None,
    postcode: str = "",
    sex: str = "",
    none_of_these: bool = False,
) -> Child:
    """Record a child not yet known, for a contact about them: found first. A child the user may not see who
    matches closely is reached by asking to be connected (nothing is recorded); one the user may see is chosen
    from the list unless the user says none of them is this child."""
    if not policy.can_record_children(user):
        raise PermissionDenied
    given_name = required_text("given_name", given_name, "Enter the child's first name.")
    family_name = required_text("family_name", family_name, "Enter the child's last name.")
    if search.known_elsewhere(
        user=user, given_name=given_name, family_name=family_name, date_of_birth=date_of_birth, postcode=postcode
    ):
        raise ValidationError(
            "A child with these details may already be known to the partnership: ask to be connected rather than "
            "recording the child again."
        )
    if not none_of_these and search.candidates_for(
        user=user, given_name=given_name, family_name=family_name, date_of_birth=date_of_birth, postcode=postcode
    ):
        raise ValidationError(
            {"none_of_these": "Choose the child from the list, or confirm that none of them is this child."}
        )
    extra = {"sex": sex} if sex else {}
    return children_services.child_create(
        user=user,
        given_name=given_name,
        family_name=family_name,
        date_of_birth=date_of_birth,
        postcode=postcode,
        involvement_reason="Recorded for a contact to the front door",
        **extra,
    )


def _referrer_check(kind: str, name: str, role: str, agency: Agency | None) -> None:
    if kind not in ReferrerKind.values:
        raise ValidationError({"referrer_kind": "Choose who made the contact."})
    if kind != ReferrerKind.ANONYMOUS and not name.strip():
        raise ValidationError({"referrer_name": "Enter the referrer's name, or choose anonymous."})
    if kind == ReferrerKind.PROFESSIONAL:
        if agency is None:
            raise ValidationError({"referrer_agency": "Choose the referrer's agency."})
        if not role.strip():
            raise ValidationError({"referrer_role": "Enter the referrer's role."})


def contact_record(
    *,
    user: User,
    child: Child,
    worries: str,
    child_aware: str,
    family_aware: str,
    consent: str,
    referrer_kind: str,
    consent_reason: str = "",
    referrer_name: str = "",
    referrer_role: str = "",
    referrer_agency: Agency | None = None,
    referrer_contact: str = "",
    received_at: datetime | None = None,
) -> Contact:
    """Record a contact about a child to the front door, under the threshold document in force on the day it was
    received; its decision is due one working day after that day."""
    if not policy.can_record_contact(user, child) or user.agency is None:
        raise PermissionDenied
    worries = required_text("worries", worries, "Say what you are worried about.")
    if child_aware not in Awareness.values:
        raise ValidationError({"child_aware": "Say whether the child knows about the contact."})
    if family_aware not in Awareness.values:
        raise ValidationError({"family_aware": "Say whether the family knows about the contact."})
    if consent not in Consent.values:
        raise ValidationError({"consent": "Say whether the family consented."})
    if consent == Consent.NOT_SOUGHT:
        required_text("consent_reason", consent_reason, "Say how seeking consent would put the child at risk of harm.")
    _referrer_check(referrer_kind, referrer_name, referrer_role, referrer_agency)
    received_at = _when("received_at", received_at)
    threshold = threshold_in_force(london_date(received_at))
    if threshold is None:
        raise ValidationError("No threshold document is in force: the partnership's coordinator adds one.")
    due = frontdoor_decision_due(received_at)
    with transaction.atomic():
        contact = Contact.objects.create(
            child=child,
            agency=user.agency,
            recorded_by=user,
            received_at=received_at,
            threshold=threshold,
            worries=worries,
            child_aware=child_aware,
            family_aware=family_aware,
            consent=consent,
            consent_reason=consent_reason.strip(),
            referrer_kind=referrer_kind,
            referrer_name=referrer_name.strip(),
            referrer_role=referrer_role.strip(),
            referrer_agency=referrer_agency if referrer_kind == ReferrerKind.PROFESSIONAL else None,
            referrer_contact=referrer_contact.strip(),
            decision_due=due,
            decision_due_at=london_day_ends(due),
        )
        audit_record(
            actor=user,
            kind=AuditKind.CONTACT_RECORDED,
            child_id=child.pk,
            object_type="frontdoor_contact",
            object_id=str(contact.pk),
            payload={"threshold": threshold.pk, "decision_due": due.isoformat()},
        )
    return contact


def _locked(contact: Contact) -> Contact:
    """The contact as it is now, locked for this write (another may have decided it meanwhile)."""
    return Contact.objects.select_for_update().select_related("child").get(pk=contact.pk)


def information_request_make(
    *,
    user: User,
    contact: Contact,
    to_agency: Agency,
    question: str,
    respond_by: date | None = None,
    asked_at: datetime | None = None,
) -> InformationRequest:
    """The front door asks a partner agency for information about the child of an undecided contact, to be
    answered by a date (by default the day the decision is due)."""
    if not policy.can_decide_contact(user, contact):
        raise PermissionDenied
    question = required_text("question", question, "Say what you need to know.")
    asked_at = _when("asked_at", asked_at)
    respond_by = respond_by or max(contact.decision_due, london_date(asked_at))
    if respond_by < london_date(asked_at):
        raise ValidationError({"respond_by": "The answer must be due today or later."})
    if to_agency.pk == user.agency_id:
        raise ValidationError({"to_agency": "Choose a partner agency, not your own."})
    with transaction.atomic():
        contact = _locked(contact)
        if not policy.can_decide_contact(user, contact):
            raise PermissionDenied
        request = InformationRequest.objects.create(
            contact=contact,
            child=contact.child,
            to_agency=to_agency,
            asked_by=user,
            asked_at=asked_at,
            question=question,
            respond_by=respond_by,
            respond_by_at=london_day_ends(respond_by),
        )
        audit_record(
            actor=user,
            kind=AuditKind.INFORMATION_REQUESTED,
            child_id=contact.child_id,
            object_type="frontdoor_information_request",
            object_id=str(request.pk),
            payload={"to_agency": to_agency.code, "respond_by": respond_by.isoformat()},
        )
        task_open(
            actor=user,
            kind=TaskKind.INFORMATION_REQUEST,
            source_id=str(request.pk),
            title=f"The front door asks: {question}",
            link=reverse("frontdoor:request", args=[request.pk]),
            due_at=request.respond_by_at,
            child=contact.child,
            owner_agency=to_agency,
        )
    return request


def information_request_answer(
    *, user: User, request: InformationRequest, answer: str, answered_at: datetime | None = None
) -> InformationRequest:
    """The agency asked answers the front door's request, once."""
    if not policy.can_answer_information_request(user, request):
        raise PermissionDenied
    answer = required_text("answer", answer, "Write your agency's answer.")
    answered_at = _when("answered_at", answered_at)
    with transaction.atomic():
        request = InformationRequest.objects.select_for_update().get(pk=request.pk)
        if not policy.can_answer_information_request(user, request):
            raise PermissionDenied
        if answered_at < request.asked_at:
            raise ValidationError("The answer cannot be before the question.")
        request.answer, request.answered_by, request.answered_at = answer, user, answered_at
        request.save(update_fields=["answer", "answered_by", "answered_at"])
        audit_record(
            actor=user,
            kind=AuditKind.INFORMATION_REQUEST_ANSWERED,
            child_id=request.child_id,
            object_type="frontdoor_information_request",
            object_id=str(request.pk),
            payload={"late": answered_at >= request.respond_by_at},
        )
        task_close_for(actor=user, kind=TaskKind.INFORMATION_REQUEST, source_id=str(request.pk), at=answered_at)
    return request


def contact_decide(
    *,
    user: User,
    contact: Contact,
    level: ThresholdLevel,
    decision_reason: str,
    route: str,
    route_detail: str = "",
    decided_at: datetime | None = None,
) -> Contact:
    """The front door's decision: the level of need in the threshold version the contact was received under,
    why, and the route."""
    if not policy.can_decide_contact(user, contact):
        raise PermissionDenied
    if level.document_id != contact.threshold_id:
        raise ValidationError({"level": "Choose a level of need from the threshold document the contact is under."})
    decision_reason = required_text("decision_reason", decision_reason, "Say why, against the threshold.")
    if route not in Route.values:
        raise ValidationError({"route": "Choose what happens next."})
    if route in ROUTES_WITH_DETAIL:
        required_text("route_detail", route_detail, ROUTES_WITH_DETAIL[Route(route)])
    decided_at = _when("decided_at", decided_at)
    with transaction.atomic():
        contact = _locked(contact)
        if not policy.can_decide_contact(user, contact):
            raise PermissionDenied
        if decided_at < contact.received_at:
            raise ValidationError("The decision cannot be before the contact was received.")
        contact.decided_at, contact.decided_by, contact.level = decided_at, user, level
        contact.decision_reason, contact.route, contact.route_detail = decision_reason, route, route_detail.strip()
        contact.save(update_fields=["decided_at", "decided_by", "level", "decision_reason", "route", "route_detail"])
        audit_record(
            actor=user,
            kind=AuditKind.CONTACT_DECIDED,
            child_id=contact.child_id,
            object_type="frontdoor_contact",
            object_id=str(contact.pk),
            payload={"level": level.code, "route": route, "in_time": decided_at < contact.decision_due_at},
        )
    return contact


def referrer_told_record(
    *, user: User, contact: Contact, referrer_told_how: str, referrer_told_at: datetime | None = None
) -> Contact:
    """Record when and how the referrer was told the outcome of the decision."""
    if not policy.can_tell_referrer(user, contact):
        raise PermissionDenied
    if referrer_told_how not in ToldHow.values:
        raise ValidationError({"referrer_told_how": "Choose how the referrer was told."})
    told_at = _when("referrer_told_at", referrer_told_at, not_before=contact.decided_at)
    with transaction.atomic():
        contact = _locked(contact)
        if not policy.can_tell_referrer(user, contact):
            raise PermissionDenied
        contact.referrer_told_at, contact.referrer_told_how, contact.referrer_told_by = told_at, referrer_told_how, user
        contact.save(update_fields=["referrer_told_at", "referrer_told_how", "referrer_told_by"])
        audit_record(
            actor=user,
            kind=AuditKind.REFERRER_TOLD,
            child_id=contact.child_id,
            object_type="frontdoor_contact",
            object_id=str(contact.pk),
            payload={"how": referrer_told_how},
        )
    return contact
