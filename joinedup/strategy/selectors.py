"""Reads of strategy discussions, section 47 enquiries and NRM referrals: only about children the user may see,
each read audited.

The child's record shows them through the child fetched (and audited) by ``child_get``; a discussion's or a
referral's own page is fetched, authorised and audited here in one call.
"""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import AgencyKind
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child
from joinedup.mace.models import AgendaItem

from .models import EXPECTED_AGENCY_KINDS, NRMReferral, Section47Enquiry, StrategyDiscussion


def discussions_for(*, user: User, child: Child) -> list[StrategyDiscussion]:
    """The strategy discussions about a child already fetched (and audited) for the user, newest first."""
    if not policy.can_view_child(user, child):
        return []
    return list(StrategyDiscussion.objects.filter(child=child).select_related("section47"))


def enquiries_for(*, user: User, child: Child) -> list[Section47Enquiry]:
    if not policy.can_view_child(user, child):
        return []
    return list(Section47Enquiry.objects.filter(child=child))


def nrm_referrals_for(*, user: User, child: Child) -> list[NRMReferral]:
    if not policy.can_view_child(user, child):
        return []
    return list(NRMReferral.objects.filter(child=child).select_related("first_responder"))


def discussion_get(
    *, user: User, discussion_id: UUID, reason: str = "Viewed a strategy discussion"
) -> StrategyDiscussion:
    """One discussion, if the user may see its child (otherwise "not found", as for none); the read is audited."""
    discussion = (
        StrategyDiscussion.objects.filter(pk=discussion_id, child__in=policy.children_visible_to(user).values("pk"))
        .select_related(
            "child", "contact", "chaired_by", "agency", "recorded_by", "mace_proposed_by", "disruption_adult"
        )
        .first()
    )
    if discussion is None:
        raise Http404("No strategy discussion found")
    audit_record(
        actor=user,
        kind=AuditKind.CHILD_VIEWED,
        child_id=discussion.child_id,
        object_type="strategy_discussion",
        object_id=str(discussion.pk),
        reason=reason,
    )
    return discussion


@dataclass(frozen=True)
class DiscussionShown:
    discussion: StrategyDiscussion
    participants: list
    actions: list
    enquiry: Section47Enquiry | None
    absent: list[str]  # the expected agencies (their kinds' labels) that did not take part


def discussion_shown(*, discussion: StrategyDiscussion) -> DiscussionShown:
    """A discussion already fetched (and audited): who took part, its actions, its enquiry, and which of the
    agencies expected (children's social care, police, health, education) did not take part."""
    participants = list(discussion.participants.select_related("agency", "user"))
    kinds = {p.agency.kind for p in participants}
    enquiry = Section47Enquiry.objects.filter(discussion=discussion).first()
    return DiscussionShown(
        discussion=discussion,
        participants=participants,
        actions=list(discussion.actions.select_related("owner", "done_by")),
        enquiry=enquiry,
        absent=[AgencyKind(kind).label for kind in EXPECTED_AGENCY_KINDS if kind not in kinds],
    )


def nrm_referral_get(*, user: User, referral_id: UUID, reason: str = "Viewed an NRM referral") -> NRMReferral:
    referral = (
        NRMReferral.objects.filter(pk=referral_id, child__in=policy.children_visible_to(user).values("pk"))
        .select_related("child", "first_responder", "recorded_by")
        .first()
    )
    if referral is None:
        raise Http404("No NRM referral found")
    audit_record(
        actor=user,
        kind=AuditKind.CHILD_VIEWED,
        child_id=referral.child_id,
        object_type="nrm_referral",
        object_id=str(referral.pk),
        reason=reason,
    )
    return referral


def open_mace_proposals() -> QuerySet[StrategyDiscussion]:
    """Discussions that proposed their child for MACE, the child not put on a meeting's agenda since. Read by the
    MACE agenda's proposals (``mace.proposals``), which authorise and audit the children they show."""
    on_agenda_since = AgendaItem.objects.filter(child=OuterRef("child"), added_at__gte=OuterRef("mace_proposed_at"))
    return StrategyDiscussion.objects.filter(mace_proposed_at__isnull=False).exclude(Exists(on_agenda_since))
