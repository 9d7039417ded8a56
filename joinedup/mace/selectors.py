"""Reads of MACE meetings. Each takes the user, returns only what they may see and audits the children it names."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import CROSS_AGENCY_ROLES, User
from joinedup.assessments.models import Band, RiskAssessment
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record_children
from joinedup.children.models import Child
from joinedup.children.selectors import children_matching
from joinedup.concerns.models import HandlingCode
from joinedup.missing.models import MissingEpisode

from . import permissions, proposals
from .models import Action, AgendaItem, Attendance, Decision, Meeting

PROPOSED_BANDS = (Band.MEDIUM, Band.HIGH)
MINUTES_WITHHELD = "The minutes are held under handling conditions; ask the meeting's chair."


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    """Every meeting for coordinators and leaders; for others, meetings about a child they may see."""
    if not permissions.can_view_meetings(user):
        return Meeting.objects.none()
    if permissions.sees_all_meetings(user):
        return Meeting.objects.all()
    about_visible_child = AgendaItem.objects.filter(child__in=policy.children_visible_to(user)).values("meeting_id")
    return Meeting.objects.filter(pk__in=about_visible_child)


def meeting_get(*, user: User, meeting_id: UUID) -> Meeting:
    """The meeting if this user may see it; otherwise "not found", as for one that does not exist."""
    try:
        return meetings_visible_to(user).select_related("chair", "owning_agency").get(pk=meeting_id)
    except Meeting.DoesNotExist:
        raise Http404("No meeting found") from None


def meeting_page(*, user: User) -> QuerySet[Meeting]:
    """The meetings this user may see, newest first, with the number of agenda items (names no child)."""
    return meetings_visible_to(user).select_related("chair").annotate(items=Count("agenda"))


def minutes_in_full_for(user: User, meeting: Meeting) -> bool:
    """Minutes under code C are shown only to the owning agency and the agencies the conditions name."""
    if meeting.minutes_handling_code != HandlingCode.CONDITIONS:
        return True
    if user.agency_id is None:
        return False
    if user.agency_id == meeting.owning_agency_id:
        return True
    return meeting.minutes_condition_agencies.filter(pk=user.agency_id).exists()


@dataclass(frozen=True)
class MeetingShown:
    """A meeting as one user may see it: only the agenda items, decisions and actions within their need-to-know."""

    meeting: Meeting
    agenda: list[AgendaItem]
    attendance: list[Attendance]
    decisions: list[Decision]
    actions: list[Action]
    minutes_in_full: bool
    items_withheld: int

    @property
    def minutes(self) -> str:
        return self.meeting.minutes if self.minutes_in_full else MINUTES_WITHHELD


def agenda_visible_to(user: User, meeting: Meeting) -> QuerySet[AgendaItem]:
    items = meeting.agenda.select_related("child", "adult")
    if permissions.sees_all_meetings(user):
        return items
    return items.filter(child__in=policy.children_visible_to(user))


def meeting_shown(*, user: User, meeting: Meeting, reason: str = "MACE meeting") -> MeetingShown:
    """What of a meeting (already fetched with meeting_get) this user sees; each child named is audited."""
    agenda = list(agenda_visible_to(user, meeting))
    item_ids = {item.pk for item in agenda}
    decisions = [
        d
        for d in Decision.objects.filter(agenda_item__meeting=meeting).select_related("recorded_by")
        if d.agenda_item_id in item_ids
    ]
    everything = permissions.sees_all_meetings(user)
    actions = [
        a
        for a in meeting.actions.select_related("owner", "agenda_item")
        if everything or a.agenda_item_id in item_ids or (a.agenda_item_id is None and a.owner_id == user.pk)
    ]
    audit_record_children(
        actor=user,
        kind=AuditKind.CHILD_LISTED,
        child_ids=[item.child_id for item in agenda if item.child_id is not None],
        reason=reason,
    )
    return MeetingShown(
        meeting=meeting,
        agenda=agenda,
        attendance=list(meeting.attendance.select_related("agency", "user")),
        decisions=decisions,
        actions=actions,
        minutes_in_full=minutes_in_full_for(user, meeting),
        items_withheld=meeting.agenda.count() - len(agenda),
    )


@dataclass(frozen=True)
class Proposal:
    """A child proposed for a meeting's agenda, with why."""

    child: Child
    reasons: list[str]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def _latest_completed_band() -> Subquery:
    latest = RiskAssessment.objects.filter(child=OuterRef("pk"), completed_at__isnull=False)
    return Subquery(latest.order_by("-completed_at", "-pk").values("band")[:1])


def agenda_proposals(*, meeting: Meeting, now: datetime | None = None) -> QuerySet[Child]:
    """Children for the meeting's agenda: the latest completed risk assessment is medium or high, or they are
    repeat missing, or another app proposed them; and they are not on the agenda yet. One query, each child
    annotated with ``latest_band`` and ``recent_missing`` (and ``proposed_<source>``), highest concern first.
    Which children are proposed is asked as lists read once (the repeat-missing children of the window, grouped;
    the latest completed assessments in a proposed band, "no later completed one"; each source's children), so the
    count reads no child's lookups and the list computes them only for the children proposed. Does not authorise
    or audit: see mace_agenda_next."""
    now = now or timezone.now()
    since = now - timedelta(days=settings.JOINEDUP_REPEAT_MISSING_DAYS)
    in_window = MissingEpisode.objects.filter(started_at__gte=since, started_at__lte=now)
    recent = in_window.filter(child=OuterRef("pk")).order_by().values("child").annotate(n=Count("pk")).values("n")
    repeat = (
        in_window.order_by()
        .values("child")
        .annotate(n=Count("pk"))
        .filter(n__gte=settings.JOINEDUP_REPEAT_MISSING_COUNT)
        .values("child")
    )
    later = RiskAssessment.objects.filter(child=OuterRef("child"), completed_at__isnull=False).filter(
        Q(completed_at__gt=OuterRef("completed_at")) | Q(completed_at=OuterRef("completed_at"), pk__gt=OuterRef("pk"))
    )
    latest_in_band = (
        RiskAssessment.objects.filter(completed_at__isnull=False, band__in=PROPOSED_BANDS)
        .exclude(Exists(later))
        .values("child")
    )
    proposed = Q(pk__in=repeat) | Q(pk__in=latest_in_band)
    # Children proposed by another app (a strategy discussion: ``proposals``).
    by_source: dict[str, Exists] = {}
    for source in proposals.sources():
        proposed |= Q(pk__in=source.rows().values("child"))
        by_source[f"proposed_{source.key}"] = Exists(source.rows().filter(child=OuterRef("pk")))
    on_agenda = meeting.agenda.filter(child__isnull=False).values("child_id")
    return (
        Child.objects.filter(proposed, joined_into__isnull=True)
        .exclude(pk__in=on_agenda)
        .annotate(
            latest_band=_latest_completed_band(), recent_missing=Coalesce(Subquery(recent[:1]), Value(0)), **by_source
        )
        .order_by("-recent_missing", "family_name", "given_name", "pk")
    )


def proposal_of(child: Child) -> Proposal:
    """A proposed child (annotated by agenda_proposals) with why."""
    reasons = []
    band = getattr(child, "latest_band", "") or ""
    if band in PROPOSED_BANDS:
        reasons.append(f"Latest risk assessment: {Band(band).label.lower()}")
    times = getattr(child, "recent_missing", 0) or 0
    if times >= settings.JOINEDUP_REPEAT_MISSING_COUNT:
        reasons.append(f"Repeat missing: {times} times in {settings.JOINEDUP_REPEAT_MISSING_DAYS} days")
    reasons += [source.reason for source in proposals.sources() if getattr(child, f"proposed_{source.key}", False)]
    return Proposal(child=child, reasons=reasons)


# Proposals shown on a meeting's page at once; the rest are counted and added with "Add all to the agenda".
PROPOSALS_SHOWN = 50


@dataclass(frozen=True)
class Proposals:
    shown: list[Proposal]
    total: int

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.shown)

    def __len__(self) -> int:
        return len(self.shown)

    def __bool__(self) -> bool:
        return bool(self.shown)


def mace_agenda_next(
    *, user: User, meeting: Meeting, now: datetime | None = None, limit: int = PROPOSALS_SHOWN
) -> Proposals:
    """The children proposed for the next meeting's agenda, for a coordinator who runs it: the first ``limit``
    shown (each audited, in one statement) and how many there are in all."""
    if not permissions.can_run_meetings(user):
        return Proposals([], 0)
    children = agenda_proposals(meeting=meeting, now=now).filter(policy.child_visible_condition(user))
    total = children.count()
    proposals = [proposal_of(child) for child in children[:limit]]
    audit_record_children(
        actor=user,
        kind=AuditKind.CHILD_LISTED,
        child_ids=[p.child.pk for p in proposals],
        reason="Proposed for the MACE agenda",
    )
    return Proposals(proposals, total)


@dataclass(frozen=True)
class ActionRow:
    """An open action on its owner's work list; the child is named only if the owner may see them."""

    action: Action
    child: Child | None
    meeting_visible: bool
    overdue: bool


def mace_actions_for_worklist(*, user: User) -> list[ActionRow]:
    """The user's open MACE actions, soonest due first; each child named is audited."""
    actions = list(
        Action.objects.filter(owner=user, done_at__isnull=True).select_related("meeting", "agenda_item__child")
    )
    child_ids = {a.agenda_item.child_id for a in actions if a.agenda_item and a.agenda_item.child_id}
    visible_children = set(policy.children_visible_to(user).filter(pk__in=child_ids).values_list("pk", flat=True))
    visible_meetings = set(
        meetings_visible_to(user).filter(pk__in={a.meeting_id for a in actions}).values_list("pk", flat=True)
    )
    today = timezone.localdate()
    rows = []
    for action in actions:
        item = action.agenda_item
        child = item.child if item is not None and item.child_id in visible_children else None
        rows.append(ActionRow(action, child, action.meeting_id in visible_meetings, action.due_on < today))
    audit_record_children(
        actor=user,
        kind=AuditKind.CHILD_LISTED,
        child_ids=sorted({row.child.pk for row in rows if row.child is not None}),
        reason="MACE actions work list",
    )
    return rows


def agenda_for_choice(*, user: User, meeting: Meeting, reason: str) -> QuerySet[AgendaItem]:
    """The agenda items a form offers to choose from; the children they name are audited as listed."""
    items = agenda_visible_to(user, meeting)
    audit_record_children(
        actor=user,
        kind=AuditKind.CHILD_LISTED,
        child_ids=[child_id for child_id in items.values_list("child_id", flat=True) if child_id is not None],
        reason=reason,
    )
    return items


def child_by_reference(*, user: User, reference: str) -> Child | None:
    """A child this user may see, by local authority id or joinedup record id; None if there is none."""
    reference = reference.strip()
    if not reference:
        return None
    children = policy.children_visible_to(user)
    try:
        return children.get(pk=UUID(reference))
    except (ValueError, Child.DoesNotExist):
        pass
    return children.filter(la_child_id__iexact=reference).first()


# At most this many children are listed to choose from when a name matches several.
REFERENCE_MATCHES_SHOWN = 10


def children_by_reference(*, user: User, reference: str) -> list[Child]:
    """The children this user may see that a reference names: by joinedup record id or local authority id
    (one child), else by name (every word matching; at most ``REFERENCE_MATCHES_SHOWN + 1``, so the page can
    say there are more). Each child listed is audited, as the children list is."""
    reference = reference.strip()
    if not reference:
        return []
    children = policy.children_visible_to(user)
    try:
        found = list(children.filter(pk=UUID(reference)))
    except ValueError:
        found = []
    if not found:
        found = list(children.filter(la_child_id__iexact=reference)[:1])
    if not found:
        found = list(
            children_matching(children, reference).order_by("family_name", "given_name", "pk")[
                : REFERENCE_MATCHES_SHOWN + 1
            ]
        )
    if len(found) > 1:
        audit_record_children(
            actor=user,
            kind=AuditKind.CHILD_LISTED,
            child_ids=[child.pk for child in found],
            reason=f"MACE agenda: children matching {reference[:50]}",
        )
    return found


def staff_who_can_own_actions() -> QuerySet[User]:
    """Accounts an action may be given to (``permissions.can_own_actions``): not leaders or administrators."""
    return (
        User.objects.filter(is_active=True, roles__code__in=permissions.ACTION_OWNER_ROLES)
        .select_related("agency")
        .distinct()
        .order_by("agency__name", "last_name", "first_name")
    )


def staff_who_work_with_children() -> QuerySet[User]:
    """Accounts that may chair a meeting or own an action (not administrators)."""
    return (
        User.objects.filter(is_active=True, roles__code__in=[*policy.CASE_ROLES, *CROSS_AGENCY_ROLES])
        .select_related("agency")
        .distinct()
        .order_by("agency__name", "last_name", "first_name")
    )
