"""Reads about children's education: only about children the user may see; a case's own page audited here."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child
from joinedup.deadlines import london_date

from .models import CheckKind, CmeCheck, EducationRecord, RecordKind


def open_cme_cases() -> QuerySet[EducationRecord]:
    """Every open child missing education case (not filtered for a viewer)."""
    return EducationRecord.objects.filter(kind=RecordKind.MISSING_EDUCATION, closed_on__isnull=True)


@dataclass(frozen=True)
class ChecklistItem:
    kind: str
    label: str
    latest: CmeCheck | None


def checklist(record: EducationRecord) -> list[ChecklistItem]:
    """The statutory enquiries, each with the latest check of its kind (from the prefetched checks)."""
    latest: dict[str, CmeCheck] = {}
    for check in record.checks.all():
        latest[check.kind] = check
    return [ChecklistItem(kind, str(label), latest.get(kind)) for kind, label in CheckKind.choices]


@dataclass(frozen=True)
class QueueRow:
    record: EducationRecord
    days_open: int
    checklist: list[ChecklistItem]

    @property
    def checks_done(self) -> int:
        return sum(1 for item in self.checklist if item.latest is not None)


def cme_queue(*, user: User, today: date | None = None) -> list[QueueRow]:
    """The CME officer's queue: open cases about children the officer may see, longest open first."""
    if not policy.is_cme_officer(user):
        return []
    today = today or london_date(timezone.now())
    records = (
        open_cme_cases()
        .filter(child__in=policy.children_visible_to(user).values("pk"))
        .select_related("child", "owning_agency")
        .prefetch_related("checks")
        .order_by("starts_on", "recorded_at")
    )
    return [QueueRow(r, r.days_open(today), checklist(r)) for r in records]


@dataclass(frozen=True)
class ChildEducation:
    """What the child's record shows: open CME cases, part-time timetables and suspensions in force, and the
    history."""

    open_cases: list[EducationRecord]
    part_time_now: list[EducationRecord]
    records: list[EducationRecord]
    today: date

    @property
    def home_educated(self) -> EducationRecord | None:
        return next((r for r in self.records if r.kind == RecordKind.HOME_EDUCATION), None)


def education_for(*, user: User, child: Child) -> ChildEducation:
    """A child's education records for a user who may see the child (already fetched and audited), in one query."""
    today = london_date(timezone.now())
    if not policy.can_view_child(user, child):
        return ChildEducation([], [], [], today)
    records = list(EducationRecord.objects.filter(child=child).select_related("owning_agency"))
    return ChildEducation(
        open_cases=[r for r in records if r.is_open],
        part_time_now=[r for r in records if r.kind == RecordKind.PART_TIME and r.in_force(today)],
        records=records,
        today=today,
    )


def cme_case_get(
    *, user: User, record_id: UUID, reason: str = "Viewed a child missing education case"
) -> EducationRecord:
    """One child missing education case, if the user may see its child (otherwise "not found", as for none); the
    read is audited."""
    record = (
        EducationRecord.objects.filter(
            child__in=policy.children_visible_to(user).values("pk"), pk=record_id, kind=RecordKind.MISSING_EDUCATION
        )
        .select_related("child", "owning_agency", "recorded_by", "closed_by")
        .prefetch_related("checks__checked_by")
        .first()
    )
    if record is None:
        raise Http404("No case found")
    audit_record(
        actor=user,
        kind=AuditKind.CHILD_VIEWED,
        child_id=record.child_id,
        object_type="education_record",
        object_id=str(record.pk),
        reason=reason,
    )
    return record


def cme_notices_for_map() -> QuerySet[EducationRecord]:
    """Every child missing education notice with a last known address or postcode, for the map's build (which
    reads everything and is filtered for each viewer when read, as the missing episodes it reads)."""
    return (
        EducationRecord.objects.filter(kind=RecordKind.MISSING_EDUCATION)
        .exclude(last_known_address="", last_known_postcode="")
        .select_related("child", "owning_agency")
        .order_by("starts_on", "pk")
    )
