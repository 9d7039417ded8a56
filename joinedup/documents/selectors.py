"""Reads of documents. Each takes the user and returns only what they may see; opening a document is audited."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.core.files import File
from django.db.models import Model, QuerySet
from django.http import Http404

from joinedup import dates
from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.assessments.models import RiskAssessment
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child
from joinedup.concerns.models import Concern
from joinedup.concerns.selectors import concern_in_full_for
from joinedup.contacts.models import ContactAttempt
from joinedup.missing.models import MissingEpisode, PhilomenaProfile

from .models import Document, ItemType
from .permissions import documents_visible_to
from .storage import documents_storage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Item:
    """One item of a child's record a document may be attached to."""

    item_type: str
    item_id: str
    label: str
    handling_code: str = ""

    @property
    def key(self) -> str:
        return f"{self.item_type}:{self.item_id}"


def _label(item_type: ItemType, obj: Model) -> str:
    if isinstance(obj, PhilomenaProfile):
        return ItemType.PHILOMENA_PROFILE.label
    if isinstance(obj, RiskAssessment):
        state = obj.get_band_display() or "in progress"
        return f"{item_type.label}: started {dates.day(obj.started_at)} ({state})"
    return f"{item_type.label}: {obj}"


def items_for(*, user: User, child: Child) -> list[Item]:
    """The items of a child's record this user may see and attach a document to (no audit: the caller audits
    the read of the child)."""
    if not policy.can_view_child(user, child):
        return []
    found: list[tuple[ItemType, Iterable[Model]]] = [
        (ItemType.CHRONOLOGY_ENTRY, policy.chronology_visible_to(user, child)),
        (ItemType.CONCERN, Concern.objects.filter(child=child).prefetch_related("condition_agencies")),
        (ItemType.MISSING_EPISODE, MissingEpisode.objects.filter(child=child)),
        (ItemType.PHILOMENA_PROFILE, PhilomenaProfile.objects.filter(child=child)),
        (ItemType.CONTACT_ATTEMPT, ContactAttempt.objects.filter(child=child)),
        (ItemType.RISK_ASSESSMENT, RiskAssessment.objects.filter(child=child)),
    ]
    items = []
    for item_type, objects in found:
        for obj in objects:
            if isinstance(obj, Concern):
                if not concern_in_full_for(user, obj):
                    continue
                items.append(Item(item_type, str(obj.pk), _label(item_type, obj), obj.handling_code))
            else:
                items.append(Item(item_type, str(obj.pk), _label(item_type, obj)))
    return items


def item_find(*, user: User, child: Child, item_type: str, item_id: str) -> Item | None:
    """The item, if it is one of this child's that the user may see."""
    return next(
        (i for i in items_for(user=user, child=child) if i.item_type == item_type and i.item_id == item_id), None
    )


def documents_for(*, user: User, child: Child) -> QuerySet[Document]:
    """A child's documents this user may see (the read of the child is audited by child_get)."""
    return documents_visible_to(user, child).select_related("owning_agency", "uploaded_by")


def document_open(*, user: User, document_id: UUID, reason: str = "Opened a document") -> tuple[Document, File]:
    """Fetch and authorise one document, open its file and audit the opening, in one call; "not found" alike
    for a document that does not exist, one the user may not see and one whose file is missing.

    The caller sends the file: the audit row is written before any of it goes out.
    """
    document = Document.objects.select_related("child").filter(pk=document_id).first()
    if document is None or not documents_visible_to(user, document.child).filter(pk=document.pk).exists():
        raise Http404("No document found")
    try:
        handle = documents_storage().open(document.storage_name, "rb")
    except FileNotFoundError:
        logger.error("The file of document %s is missing from the documents storage", document.pk)
        raise Http404("No document found") from None
    try:
        audit_record(
            actor=user,
            kind=AuditKind.DOCUMENT_VIEWED,
            child_id=document.child_id,
            object_type="document",
            object_id=str(document.pk),
            reason=reason,
            payload={"handling_code": document.handling_code, "content_type": document.content_type},
        )
    except BaseException:
        handle.close()
        raise
    return document, handle
