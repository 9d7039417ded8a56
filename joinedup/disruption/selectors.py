"""Reads about adults of concern: each takes the user, shows only children they may see and audits them."""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Count, QuerySet
from django.http import Http404

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record, audit_record_children
from joinedup.children.models import Child
from joinedup.concerns.models import AdultOfConcern
from joinedup.concerns.selectors import ConcernShown, concern_in_full_for
from joinedup.mace.selectors import child_by_reference

from . import permissions
from .models import DisruptionAction


def adults_for_list(*, user: User) -> QuerySet[AdultOfConcern]:
    """Adults of concern with how many concerns and disruptions each has (names no child)."""
    if not permissions.can_list_adults(user):
        return AdultOfConcern.objects.none()
    return AdultOfConcern.objects.select_related("owning_agency").annotate(
        concern_count=Count("concerns", distinct=True), disruption_count=Count("disruptions", distinct=True)
    )


@dataclass(frozen=True)
class DisruptionShown:
    action: DisruptionAction
    children: list[Child]


@dataclass(frozen=True)
class AdultShown:
    """An adult of concern as one user may see them: concerns and linked children only within need-to-know."""

    adult: AdultOfConcern
    concerns: list[ConcernShown]
    disruptions: list[DisruptionShown]

    @property
    def aliases(self) -> list[str]:
        return [name.strip() for name in self.adult.other_names.split(";") if name.strip()]


def adult_get(*, user: User, adult_id: UUID) -> AdultOfConcern:
    if not permissions.can_view_adult(user):
        raise Http404("No adult of concern found")
    try:
        return AdultOfConcern.objects.select_related("owning_agency").get(pk=adult_id)
    except AdultOfConcern.DoesNotExist:
        raise Http404("No adult of concern found") from None


def adult_shown(*, user: User, adult: AdultOfConcern) -> AdultShown:
    """The adult's page: the read is audited, and so is each child it names."""
    visible = policy.children_visible_to(user)
    concerns = [
        ConcernShown(concern, concern_in_full_for(user, concern))
        for concern in adult.concerns.filter(child__in=visible).select_related("child", "owning_agency")
    ]
    visible_ids = set(visible.values_list("pk", flat=True))
    disruptions = [
        DisruptionShown(action, [child for child in action.children.all() if child.pk in visible_ids])
        for action in adult.disruptions.select_related("owning_agency", "recorded_by").prefetch_related("children")
    ]
    audit_record(
        actor=user,
        kind=AuditKind.ADULT_OF_CONCERN_VIEWED,
        object_type="adult_of_concern",
        object_id=str(adult.pk),
        reason="Adult of concern's page",
    )
    named = {shown.concern.child_id for shown in concerns} | {c.pk for d in disruptions for c in d.children}
    audit_record_children(
        actor=user, kind=AuditKind.CHILD_LISTED, child_ids=sorted(named, key=str), reason=f"Adult of concern: {adult}"
    )
    return AdultShown(adult=adult, concerns=concerns, disruptions=disruptions)


def children_by_references(*, user: User, references: str) -> tuple[list[Child], list[str]]:
    """Children this user may see, by local authority or record id separated with ; and the references not found."""
    found: list[Child] = []
    unknown: list[str] = []
    for reference in (part.strip() for part in references.split(";")):
        if not reference:
            continue
        child = child_by_reference(user=user, reference=reference)
        if child is None:
            unknown.append(reference)
        elif child not in found:
            found.append(child)
    return found, unknown
