"""Reads for community reporting. The coordinator's pages check the policy here; the public pages find a business
only by a reporting token in use, and show nothing of any report."""

import re
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record, audit_record_children
from joinedup.children.models import Child
from joinedup.children.selectors import children_matching
from joinedup.places.models import Place, PlaceKind
from joinedup.throttle.tokens import token_hash
from joinedup.training.models import Attendance

from .models import GENERAL, Business, BusinessStaff, CommunityReport, ReportStatus, WarningSign

# What secrets.token_urlsafe(32) gives: 43 characters of the URL-safe alphabet (a little slack either way).
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{32,64}")
CHILDREN_SHOWN = 20


def business_for_token(token: str) -> Business | None:
    """The business whose reporting link this is, while the link is in use; None for anything else (unknown,
    revoked, malformed), alike."""
    if not TOKEN_SHAPE.fullmatch(token):
        return None
    return (
        Business.objects.select_related("place")
        .filter(token_hash=token_hash(token), token_revoked_at__isnull=True)
        .exclude(token_hash="")
        .first()
    )


def warning_signs_for(business: Business | None) -> QuerySet[WarningSign]:
    """The signs listed on the reporting page: the business's kind's, or the public page's."""
    return WarningSign.objects.filter(is_active=True, applies_to=business.kind if business else GENERAL)


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def businesses_for(user: User) -> QuerySet[Business]:
    _require(policy.can_manage_businesses(user))
    return Business.objects.select_related("place").order_by("name")


def business_places() -> QuerySet[Place]:
    """The places a business may be at: any but a private address."""
    return Place.objects.exclude(kind=PlaceKind.PRIVATE_ADDRESS).order_by("name", "postcode")


@dataclass
class StaffTraining:
    staff: BusinessStaff
    attended: list[Attendance]


def business_get(user: User, business_id: UUID) -> Business:
    _require(policy.can_manage_businesses(user))
    try:
        return Business.objects.select_related("place", "agency").get(pk=business_id)
    except Business.DoesNotExist:
        raise Http404("No business found") from None


def business_staff_training(business: Business, *, today: date) -> list[StaffTraining]:
    """The business's staff with the courses each has done, newest first (two queries)."""
    staff = BusinessStaff.objects.filter(business=business).select_related("trainee")
    staff = staff.prefetch_related(
        Prefetch(
            "trainee__attended",
            queryset=Attendance.objects.select_related("course").order_by("-attended_on"),
            to_attr="courses",
        )
    )
    return [StaffTraining(member, list(member.trainee.courses)) for member in staff]  # type: ignore[attr-defined]


def reports_waiting(user: User) -> list[CommunityReport]:
    """The triage queue, oldest first: each report with its business, place and signs (three queries)."""
    _require(policy.can_triage_community_reports(user))
    return list(
        CommunityReport.objects.filter(status=ReportStatus.OPEN)
        .select_related("business__place")
        .prefetch_related("signs")
        .order_by("received_at")
    )


def reports_triaged(user: User, *, limit: int = 20) -> list[CommunityReport]:
    _require(policy.can_triage_community_reports(user))
    return list(
        CommunityReport.objects.exclude(status=ReportStatus.OPEN)
        .select_related("business__place", "triaged_by")
        .order_by("-triaged_at")[:limit]
    )


def report_get(user: User, report_id: UUID) -> CommunityReport:
    """One report, for the coordinator; the read is audited."""
    _require(policy.can_triage_community_reports(user))
    try:
        report = (
            CommunityReport.objects.select_related("business__place", "triaged_by", "concern")
            .prefetch_related("signs")
            .get(pk=report_id)
        )
    except CommunityReport.DoesNotExist:
        raise Http404("No report found") from None
    audit_record(
        actor=user,
        kind=AuditKind.COMMUNITY_REPORT_VIEWED,
        child_id=report.concern.child_id if report.concern else None,
        object_type="community_report",
        object_id=str(report.pk),
    )
    return report


def children_for_concern(user: User, query: str) -> list[Child]:
    """The children the coordinator may see whose names (or local authority id or postcode) match, to choose the
    child a report is about; each child shown is audited."""
    query = query.strip()
    if not query:
        return []
    children = list(
        children_matching(policy.children_visible_to(user), query).order_by("family_name", "given_name")[
            :CHILDREN_SHOWN
        ]
    )
    audit_record_children(
        actor=user,
        kind=AuditKind.CHILD_LISTED,
        child_ids=[child.pk for child in children],
        reason=f"Community report: search {query}",
    )
    return children


def child_for_concern(user: User, child_id: UUID) -> Child | None:
    """The chosen child, if this user may see them (None alike for one they may not and one that does not exist)."""
    return policy.children_visible_to(user).filter(pk=child_id).first()
