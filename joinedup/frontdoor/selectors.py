"""Reads at the front door: only what the user may see, each child shown audited.

The front door sees every contact (it decides them); anyone else a contact about a child they may see. A request
for information is seen by the front door and by the agency asked, which answers it.
"""

from datetime import date
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record, audit_record_children
from joinedup.children.models import Child

from .models import Contact, InformationRequest, ThresholdDocument, ThresholdLevel


def threshold_in_force(on: date) -> ThresholdDocument | None:
    """The threshold document in force on a day: the latest version in force by then."""
    return ThresholdDocument.objects.filter(in_force_from__lte=on).order_by("-in_force_from", "-version").first()


def threshold_levels(document: ThresholdDocument) -> QuerySet[ThresholdLevel]:
    """A version's levels of need, lowest first, with their indicators."""
    return document.levels.prefetch_related("indicators").order_by("order")


def _contacts_visible_to(user: User) -> QuerySet[Contact]:
    contacts = Contact.objects.select_related(
        "child", "agency", "recorded_by", "threshold", "level", "referrer_agency", "decided_by", "referrer_told_by"
    )
    if policy.is_front_door(user):
        return contacts.filter(child__joined_into__isnull=True)
    return contacts.filter(child__in=policy.children_visible_to(user).values("pk"))


def contact_get(*, user: User, contact_id: UUID, reason: str = "Viewed a contact to the front door") -> Contact:
    """One contact, if the user may see it (otherwise "not found", as for none); the read is audited."""
    contact = _contacts_visible_to(user).filter(pk=contact_id).first()
    if contact is None:
        raise Http404("No contact found")
    audit_record(
        actor=user,
        kind=AuditKind.CHILD_VIEWED,
        child_id=contact.child_id,
        object_type="frontdoor_contact",
        object_id=str(contact.pk),
        reason=reason,
    )
    return contact


def contacts_for(*, user: User, child: Child) -> list[Contact]:
    """The contacts about a child already fetched (and audited) for the user, newest first."""
    if not policy.can_view_child(user, child):
        return []
    return list(Contact.objects.filter(child=child).select_related("agency", "level"))


def triage_queue(*, user: User) -> tuple[list[Contact], list[Contact]]:
    """For the front door: contacts waiting for a decision (the longest waiting first), and those decided whose
    referrer has not been told yet. Each child shown is audited."""
    if not policy.is_front_door(user):
        return [], []
    contacts = _contacts_visible_to(user)
    waiting = list(contacts.filter(decided_at__isnull=True).order_by("received_at", "pk"))
    to_tell = list(
        contacts.filter(decided_at__isnull=False, referrer_told_at__isnull=True).order_by("decided_at", "pk")
    )
    audit_record_children(
        actor=user,
        kind=AuditKind.CHILD_LISTED,
        child_ids=list(dict.fromkeys(c.child_id for c in [*waiting, *to_tell])),
        reason="The front door's triage queue",
    )
    return waiting, to_tell


def requests_of(*, contact: Contact) -> list[InformationRequest]:
    """A contact's requests for information (the contact fetched and audited already)."""
    return list(contact.information_requests.select_related("to_agency", "asked_by", "answered_by"))


def requests_to_answer(*, user: User) -> tuple[list[InformationRequest], list[InformationRequest]]:
    """The requests for information to the user's agency: unanswered (soonest due first), and the last answered.
    Each child shown is audited."""
    if not policy.answers_information_requests(user):
        return [], []
    asked = InformationRequest.objects.filter(to_agency_id=user.agency_id, child__joined_into__isnull=True)
    asked = asked.select_related("child", "asked_by", "answered_by")
    waiting = list(asked.filter(answered_at__isnull=True).order_by("respond_by", "asked_at", "pk"))
    answered = list(asked.filter(answered_at__isnull=False).order_by("-answered_at", "-pk")[:20])
    audit_record_children(
        actor=user,
        kind=AuditKind.CHILD_LISTED,
        child_ids=list(dict.fromkeys(r.child_id for r in [*waiting, *answered])),
        reason="Requests for information from the front door",
    )
    return waiting, answered


def information_request_get(
    *, user: User, request_id: UUID, reason: str = "Viewed a request for information"
) -> InformationRequest:
    """One request for information, to the front door or the agency asked (otherwise "not found"); audited."""
    request = (
        InformationRequest.objects.select_related("child", "to_agency", "asked_by", "answered_by", "contact")
        .filter(pk=request_id, child__joined_into__isnull=True)
        .first()
    )
    if request is None or not policy.can_view_information_request(user, request):
        raise Http404("No request for information found")
    audit_record(
        actor=user,
        kind=AuditKind.CHILD_VIEWED,
        child_id=request.child_id,
        object_type="frontdoor_information_request",
        object_id=str(request.pk),
        reason=reason,
    )
    return request


def threshold_versions() -> QuerySet[ThresholdDocument]:
    """Every version held, the newest first."""
    return ThresholdDocument.objects.order_by("-in_force_from", "-version")
