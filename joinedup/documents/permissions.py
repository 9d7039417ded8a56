"""Need-to-know for documents, on top of joinedup.access.policy.

A document is shown to someone who may see the child and who is also one of:
its owning agency (the uploader's), a cross-agency role, someone with an
emergency (break-glass) grant for the child, or an agency or person the child's
whole record is shared with: the rule policy.chronology_visible_to applies to
chronology entries. A document attached to a concern with handling code C is
shown, further, only within the concern's conditions, as the concern itself is.
Anyone else is answered "not found".
"""

from datetime import datetime

from django.db.models import QuerySet

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.children.models import Child
from joinedup.concerns.models import Concern, HandlingCode

from .models import Document, ItemType


def _concerns_outside_conditions(user: User, child: Child) -> list[str]:
    """Ids of the child's code C concerns this user may not read in full (see concerns.selectors)."""
    coded = Concern.with_entered_in_error.filter(child=child, handling_code=HandlingCode.CONDITIONS)
    if user.agency_id is not None:
        coded = coded.exclude(owning_agency_id=user.agency_id).exclude(condition_agencies__id=user.agency_id)
    return [str(pk) for pk in coded.values_list("pk", flat=True)]


def documents_visible_to(user: User, child: Child, *, now: datetime | None = None) -> QuerySet[Document]:
    """The child's documents this user may see."""
    documents = Document.objects.filter(child=child)
    if not policy.can_view_child(user, child):
        return documents.none()
    if not policy.sees_whole_record(user, child, now=now):
        documents = documents.filter(owning_agency_id=user.agency_id)
    hidden_concerns = _concerns_outside_conditions(user, child)
    if hidden_concerns:
        documents = documents.exclude(item_type=ItemType.CONCERN, item_id__in=hidden_concerns)
    return documents


def can_view_document(user: User, document: Document) -> bool:
    return documents_visible_to(user, document.child).filter(pk=document.pk).exists()


def can_add_document(user: User, child: Child) -> bool:
    """Whoever may record about the child attaches documents to the record."""
    return policy.can_record_about_child(user, child)
