"""Reads: a subject access export for its requester, and the retention review list."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Max, Model, Q
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from joinedup import dates
from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.assessments.models import RiskAssessment
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record, audit_record_children
from joinedup.children.models import Child, ChronologyEntry, DetailChange, Involvement, ItemCorrection, ItemKind
from joinedup.concerns.models import Concern
from joinedup.contacts.models import ContactAttempt
from joinedup.deadlines import london_date, years_after
from joinedup.missing.models import MissingEpisode
from joinedup.plans.models import Closure, Plan

from .models import CountedFrom, RecordType, RetentionRule, SubjectAccessExport

REVIEW_PAGE_SIZE = 50


def subject_access_exports_for(*, user: User, child: Child) -> list[SubjectAccessExport]:
    """The exports of this child this user asked for (only the coordinator asks), newest first."""
    return list(SubjectAccessExport.objects.filter(child=child, requested_by=user).select_related("job")[:20])


def subject_access_export_get(*, user: User, export_id: UUID, reason: str | None) -> SubjectAccessExport:
    """An export is seen only by who asked for it, while they answer subject access requests; anyone else's is
    "not found". With a ``reason``, the read of the child (their name on the page) is audited; without one the
    caller audits (a download is its own audit row)."""
    if not policy.can_answer_subject_access(user):
        raise PermissionDenied
    try:
        export = SubjectAccessExport.objects.select_related("job", "child").get(pk=export_id, requested_by=user)
    except SubjectAccessExport.DoesNotExist:
        raise Http404("No export found") from None
    if reason is None:
        return export
    audit_record(
        actor=user,
        kind=AuditKind.CHILD_VIEWED,
        child_id=export.child_id,
        object_type="subject_access_export",
        object_id=str(export.pk),
        reason=reason,
    )
    return export


@dataclass(frozen=True)
class ReviewRow:
    """A record past its retention date, for the coordinator to decide about."""

    record_type: str
    child_id: UUID
    child_name: str
    description: str
    counted_from: date
    retention_date: date
    url: str


def _looked_after(child: Child) -> bool:
    """Ever looked after, as far as the record shows: now, or with a legal status or a placement recorded."""
    return bool(child.looked_after or child.legal_status or child.placement_type or child.placement_started)


def _latest(pairs: Iterable[tuple[Any, datetime | None]], into: dict[Any, date]) -> None:
    for key, moment in pairs:
        if key is None or moment is None:
            continue
        day = london_date(moment)
        if key not in into or day > into[key]:
            into[key] = day


def _children_last_activity(child_ids: list[UUID]) -> dict[UUID, date]:
    """The day of the newest thing recorded under each child: the record itself, entries, changes, involvements
    (a closure's day among them), episodes, concerns, contact attempts, assessments, plans."""
    latest: dict[UUID, date] = {}
    sources: list[tuple[type[Model], str]] = [
        (ChronologyEntry, "recorded_at"),
        (DetailChange, "changed_at"),
        (Involvement, "started_at"),
        (Involvement, "ended_at"),
        (MissingEpisode, "reported_at"),
        (MissingEpisode, "returned_at"),
        (Concern, "recorded_at"),
        (ContactAttempt, "recorded_at"),
        (RiskAssessment, "started_at"),
        (RiskAssessment, "completed_at"),
        (Plan, "created_at"),
        (Closure, "recorded_at"),
    ]
    wanted = set(child_ids)
    _latest(Child.objects.filter(joined_into__isnull=True).values_list("pk", "created_at"), latest)
    for model, name in sources:
        # Grouped over every row rather than filtered by a list of ids, which could pass the database's limit.
        rows = (
            model._base_manager.order_by()
            .values("child_id")
            .annotate(latest=Max(name))
            .values_list("child_id", "latest")
        )
        _latest(rows, latest)
    return {child_id: day for child_id, day in latest.items() if child_id in wanted}


def _child_rows(rule: RetentionRule, looked_after: bool, today: date) -> list[ReviewRow]:
    children = Child.objects.filter(joined_into__isnull=True)
    if rule.counted_from == CountedFrom.DATE_OF_BIRTH:
        # A loose cut in SQL (a day's margin), the exact date worked out below.
        children = children.filter(date_of_birth__lte=years_after(today, years=-rule.years))
    candidates = [
        child
        for child in children.only(
            "pk",
            "given_name",
            "family_name",
            "date_of_birth",
            "created_at",
            "looked_after",
            "legal_status",
            "placement_type",
            "placement_started",
        )
        if _looked_after(child) == looked_after
    ]
    if rule.counted_from == CountedFrom.DATE_OF_BIRTH:
        counted = {child.pk: child.date_of_birth for child in candidates if child.date_of_birth is not None}
    else:
        counted = _children_last_activity([child.pk for child in candidates])  # type: ignore[assignment]
    rows = []
    for child in candidates:
        start = counted.get(child.pk)
        if start is None:
            continue
        until = years_after(start, years=rule.years)
        if until <= today:
            rows.append(
                ReviewRow(
                    rule.get_record_type_display(),
                    child.pk,
                    child.full_name,
                    "The child's whole record",
                    start,
                    until,
                    reverse("children:detail", args=[child.pk]),
                )
            )
    return rows


def _concern_rows(rule: RetentionRule, today: date) -> list[ReviewRow]:
    concerns = Concern._base_manager.filter(child__joined_into__isnull=True).select_related("child")
    if rule.counted_from == CountedFrom.LAST_ACTIVITY:
        cutoff = years_after(today, years=-rule.years)
        concerns = concerns.filter(Q(recorded_at__date__lte=cutoff) & Q(occurred_at__date__lte=cutoff))
    else:
        concerns = concerns.filter(child__date_of_birth__lte=years_after(today, years=-rule.years))
    candidates = list(
        concerns.only(
            "pk",
            "category",
            "occurred_at",
            "recorded_at",
            "child__given_name",
            "child__family_name",
            "child__date_of_birth",
        )
    )
    corrected: dict[str, date] = {}
    _latest(
        ItemCorrection.objects.filter(item_kind=ItemKind.CONCERN, item_id__in=[str(c.pk) for c in candidates])
        .order_by()
        .values("item_id")
        .annotate(latest=Max("corrected_at"))
        .values_list("item_id", "latest"),
        corrected,
    )
    rows = []
    for concern in candidates:
        if rule.counted_from == CountedFrom.LAST_ACTIVITY:
            start: date | None = max(
                london_date(concern.recorded_at),
                london_date(concern.occurred_at),
                corrected.get(str(concern.pk), date.min),
            )
        else:
            start = concern.child.date_of_birth
        if start is None:
            continue
        until = years_after(start, years=rule.years)
        if until <= today:
            rows.append(
                ReviewRow(
                    rule.get_record_type_display(),
                    concern.child_id,
                    concern.child.full_name,
                    f"{concern.get_category_display()} concern of {dates.day(concern.occurred_at)}",
                    start,
                    until,
                    reverse("children:item-history", args=[concern.child_id, ItemKind.CONCERN, concern.pk]),
                )
            )
    return rows


def retention_review_rows(*, today: date | None = None) -> list[ReviewRow]:
    """Every record past its retention date under the partnership's rules, the longest past first."""
    today = today or london_date(timezone.now())
    rows: list[ReviewRow] = []
    for rule in RetentionRule.objects.all():
        if rule.record_type == RecordType.CHILD:
            rows.extend(_child_rows(rule, False, today))
        elif rule.record_type == RecordType.LOOKED_AFTER_CHILD:
            rows.extend(_child_rows(rule, True, today))
        elif rule.record_type == RecordType.CONCERN:
            rows.extend(_concern_rows(rule, today))
    rows.sort(key=lambda row: (row.retention_date, row.child_name, row.description))
    return rows


def retention_review_page(*, user: User, page_number: str | int = 1, today: date | None = None) -> Page[ReviewRow]:
    """One page of the review list for the coordinator; each child named on it is audited as listed."""
    if not policy.can_answer_subject_access(user):
        raise PermissionDenied
    page = Paginator(retention_review_rows(today=today), REVIEW_PAGE_SIZE).get_page(page_number)
    shown = list(dict.fromkeys(row.child_id for row in page.object_list))
    audit_record_children(actor=user, kind=AuditKind.CHILD_LISTED, child_ids=shown, reason="Retention review list")
    return page


def records_without_date_of_birth() -> int:
    """Children's records that cannot be placed by a date-of-birth rule: they never reach the list by it."""
    return Child.objects.filter(joined_into__isnull=True, date_of_birth__isnull=True).count()
