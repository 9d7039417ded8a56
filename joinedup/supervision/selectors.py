"""Reads of management oversight and challenges: only about children the user may see, each read audited.

The child's record shows its notes and challenges through the child fetched (and audited) by ``child_get``;
a challenge's own page is fetched, authorised and audited here in one call (``challenge_get``).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import Http404
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import RoleCode, User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record, audit_record_children
from joinedup.children.models import Child, Involvement
from joinedup.deadlines import LONDON, OVERSIGHT_EVERY_DAYS, london_date, next_oversight_due

from .models import Challenge, OversightNote

# The work list shows oversight due within this many days, and overdue.
OVERSIGHT_DUE_SOON_DAYS = 7


def oversight_notes_for(*, user: User, child: Child) -> list[OversightNote]:
    """Every agency's management oversight notes on a child the user may see, newest first."""
    if not policy.can_view_child(user, child):
        return []
    return list(child.oversight_notes.select_related("agency", "manager"))


def challenges_for(*, user: User, child: Child) -> list[Challenge]:
    """The challenges between agencies about a child the user may see, newest first, with their steps."""
    if not policy.can_view_child(user, child):
        return []
    return list(
        child.challenges.select_related("raising_agency", "to_agency", "raised_by", "resolved_by").prefetch_related(
            "steps__asked_by", "steps__responded_by"
        )
    )


def challenge_get(*, user: User, challenge_id: UUID, reason: str = "Viewed a challenge between agencies") -> Challenge:
    """One challenge, if the user may see its child (otherwise "not found", as for none); the read is audited."""
    challenge = (
        Challenge.objects.filter(child__in=policy.children_visible_to(user).values("pk"))
        .select_related("child", "raising_agency", "to_agency", "raised_by", "resolved_by")
        .prefetch_related("steps__asked_by", "steps__responded_by")
        .filter(pk=challenge_id)
        .first()
    )
    if challenge is None:
        raise Http404("No challenge found")
    audit_record(
        actor=user,
        kind=AuditKind.CHILD_VIEWED,
        child_id=challenge.child_id,
        object_type="challenge",
        object_id=str(challenge.pk),
        reason=reason,
    )
    return challenge


@dataclass(frozen=True)
class OversightDue:
    child: Child
    due: date
    last_written_at: datetime | None
    overdue: bool


def oversight_due_for_worklist(*, user: User, today: date | None = None) -> list[OversightDue]:
    """For a team manager: the children their agency works with whose next management oversight is due within
    seven days or overdue, soonest first. With no note yet, the first is due 28 days after the involvement opened.
    Each child shown is audited."""
    if not (user.has_role(RoleCode.MANAGER) and user.agency_id is not None):
        return []
    today = today or london_date(timezone.now())
    horizon = today + timedelta(days=OVERSIGHT_DUE_SOON_DAYS)
    notes = OversightNote.objects.filter(child=OuterRef("pk"), agency_id=user.agency_id).order_by("-written_at", "-pk")
    involvement = Involvement.objects.filter(child=OuterRef("pk"), agency_id=user.agency_id, ended_at__isnull=True)
    # An involvement opened on or before this moment has its first oversight due by the horizon.
    opened_by = datetime.combine(horizon - timedelta(days=OVERSIGHT_EVERY_DAYS) + timedelta(days=1), time.min, LONDON)
    children = (
        policy.children_visible_to(user)
        .filter(Exists(involvement))
        .annotate(
            last_due=Subquery(notes.values("next_due")[:1]),
            last_written_at=Subquery(notes.values("written_at")[:1]),
            involved_since=Subquery(involvement.order_by("started_at").values("started_at")[:1]),
        )
        .filter(Q(last_due__lte=horizon) | Q(last_due__isnull=True, involved_since__lt=opened_by))
    )
    rows = []
    for child in children:
        due = child.last_due or next_oversight_due(child.involved_since)
        rows.append(OversightDue(child, due, child.last_written_at, due < today))
    rows.sort(key=lambda row: (row.due, row.child.family_name, row.child.given_name))
    audit_record_children(
        actor=user,
        kind=AuditKind.CHILD_LISTED,
        child_ids=[row.child.pk for row in rows],
        reason="Management oversight work list",
    )
    return rows
