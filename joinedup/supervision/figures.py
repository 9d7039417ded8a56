"""The oversight dashboard's figures for management oversight and challenges (registered in ``apps.ready``).

Like every figure, each is one query over the children the viewer may see (``children_in_scope``): its count is
the query's ``count()`` and its list the query's rows. "A case" is a child with an open involvement of the agency
in scope (a team manager's own, or the agency chosen), or of any agency for the partnership's leaders; its last
management oversight is the latest note by that agency (or by any agency, when none is chosen).
"""

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from joinedup import dates
from joinedup.accounts.models import User
from joinedup.children.models import Child, Involvement
from joinedup.deadlines import OVERSIGHT_EVERY_DAYS, london_date, working_days_between
from joinedup.oversight.figures import Column, Figure, Filters, Narrowed, children_in_scope, scope_agency

from .models import Challenge, ChallengeStage, ChallengeStep, OversightNote

SECTION = "Management oversight and challenge"


def _agency_id(user: User, filters: Filters) -> int | None:
    agency = scope_agency(user) or filters.agency
    return agency.pk if agency is not None else None


def _cases(user: User, filters: Filters) -> QuerySet[Child]:
    """Open cases in scope with the time of their last management oversight, the longest without first."""
    agency_id = _agency_id(user, filters)
    involvements = Involvement.objects.filter(child=OuterRef("pk"), ended_at__isnull=True)
    notes = OversightNote.objects.filter(child=OuterRef("pk"))
    if agency_id is not None:
        involvements = involvements.filter(agency_id=agency_id)
        notes = notes.filter(agency_id=agency_id)
    return (
        children_in_scope(user, filters)
        .filter(Exists(involvements))
        .annotate(last_oversight=Subquery(notes.order_by("-written_at", "-pk").values("written_at")[:1]))
        .select_related("owning_agency")
        # None at all first, on every database (PostgreSQL puts NULL last by default, SQLite first).
        .order_by(F("last_oversight").asc(nulls_first=True), "family_name", "given_name", "pk")
    )


def _no_recent_oversight_condition(user: User, filters: Filters) -> Q:
    """Open cases with no oversight note since ``OVERSIGHT_EVERY_DAYS`` ago (none at all, or only older ones):
    asked as "not one of the children with a recent note", one list read once, rather than by comparing each
    child's latest. Counted with the open cases in one query (``Narrowed``): the two figures share their base."""
    since = timezone.now() - timedelta(days=OVERSIGHT_EVERY_DAYS)
    recent = OversightNote.objects.filter(written_at__gte=since)
    agency_id = _agency_id(user, filters)
    if agency_id is not None:
        recent = recent.filter(agency_id=agency_id)
    return ~Q(pk__in=recent.values("child_id"))


_all_cases = Narrowed(_cases)
_no_recent_oversight = Narrowed(_cases, scoped_condition=_no_recent_oversight_condition)


def _since(moment: datetime | None) -> str:
    if moment is None:
        return "Never"
    days = (london_date(timezone.now()) - london_date(moment)).days
    return "Today" if days == 0 else f"{days} day{'s' if days != 1 else ''}"


def _when(moment: datetime | None) -> str:
    return dates.day(moment) if moment else ""


CASE_COLUMNS = (
    Column("Child", lambda c: c.full_name),
    Column("Last management oversight", lambda c: _when(c.last_oversight) or "None recorded"),
    Column("Time since", lambda c: _since(c.last_oversight)),
    Column("Record held by", lambda c: c.owning_agency.name),
)


# Challenges -------------------------------------------------------------------------------------------------------


def _challenges(user: User, filters: Filters) -> QuerySet[Challenge]:
    return (
        Challenge.objects.filter(child__in=children_in_scope(user, filters).values("pk"))
        .select_related("child", "raising_agency", "to_agency")
        .order_by("raised_at", "pk")
    )


def _open(user: User, filters: Filters) -> QuerySet[Challenge]:
    return _challenges(user, filters).filter(resolved_at__isnull=True)


def _raised(user: User, filters: Filters) -> QuerySet[Challenge]:
    return _challenges(user, filters).filter(raised_at__gte=filters.start_at, raised_at__lt=filters.end_before)


def _senior(user: User, filters: Filters) -> QuerySet[Challenge]:
    return _raised(user, filters).filter(stage=ChallengeStage.SENIOR)


def _overdue(user: User, filters: Filters) -> QuerySet[Challenge]:
    waiting = ChallengeStep.objects.filter(challenge=OuterRef("pk"), stage=OuterRef("stage"), responded_at__isnull=True)
    return _open(user, filters).filter(Exists(waiting), response_due__lt=london_date(timezone.now()))


def _working_days(start: datetime, end: datetime | None) -> str:
    if end is None:
        return ""
    days = working_days_between(london_date(start), london_date(end))
    return f"{days} working day{'s' if days != 1 else ''}"


CHALLENGE_COLUMNS = (
    Column("Child", lambda c: c.child.full_name),
    Column("Raised by", lambda c: c.raising_agency.name),
    Column("To", lambda c: c.to_agency.name),
    Column("About", lambda c: c.get_about_display()),
    Column("Stage", lambda c: c.get_stage_display()),
    Column("Raised", lambda c: _when(c.raised_at)),
    Column("Answer due", lambda c: dates.day(c.response_due)),
    Column("Time to first answer", lambda c: _working_days(c.raised_at, c.first_responded_at) or "Not answered"),
    Column("Time to resolve", lambda c: _working_days(c.raised_at, c.resolved_at) or "Open"),
)


def median(values: list[int]) -> float | None:
    """The median of the values (the mean of the middle two for an even count); None for none."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    return float(ordered[middle]) if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _median_text(label: str, values: list[int], done: str) -> str:
    value = median(values)
    if value is None:
        return f"{label}: none {done} yet."
    shown = f"{value:g}"
    return f"{label}: {shown} working day{'' if shown == '1' else 's'} ({len(values)} {done})."


def challenge_times(rows: QuerySet[Any]) -> str:
    """The median time to the first answer and to the resolution, in working days, over the whole list (one
    query, whatever the page shown)."""
    answered, resolved = [], []
    for raised_at, first_responded_at, resolved_at in rows.values_list(
        "raised_at", "first_responded_at", "resolved_at"
    ):
        start = london_date(raised_at)
        if first_responded_at is not None:
            answered.append(working_days_between(start, london_date(first_responded_at)))
        if resolved_at is not None:
            resolved.append(working_days_between(start, london_date(resolved_at)))
    return " ".join(
        (
            _median_text("Median time to the first answer", answered, "answered"),
            _median_text("Median time to resolve", resolved, "resolved"),
        )
    )


def _itself(c: Child) -> Child:
    return c


def _challenge_child(c: Challenge) -> Child:
    return c.child


FIGURES: tuple[Figure, ...] = (
    Figure(
        "cases-oversight",
        SECTION,
        "Open cases: time since the last management oversight",
        "children",
        _all_cases,
        CASE_COLUMNS,
        _itself,
        hint="Every open case now, the longest without management oversight first.",
    ),
    Figure(
        "cases-no-oversight-28-days",
        SECTION,
        f"Cases with no management oversight in {OVERSIGHT_EVERY_DAYS} days",
        "children",
        _no_recent_oversight,
        CASE_COLUMNS,
        _itself,
        hint="Open cases now whose last oversight note is older, or who have none.",
    ),
    Figure(
        "challenges-raised",
        SECTION,
        "Challenges raised",
        "challenges",
        _raised,
        CHALLENGE_COLUMNS,
        _challenge_child,
        hint="Raised in the period, open or resolved.",
        summary=challenge_times,
    ),
    Figure(
        "challenges-open",
        SECTION,
        "Challenges open",
        "challenges",
        _open,
        CHALLENGE_COLUMNS,
        _challenge_child,
        hint="Open now, whenever raised.",
        summary=challenge_times,
    ),
    Figure(
        "challenges-senior",
        SECTION,
        "Challenges escalated to senior managers",
        "challenges",
        _senior,
        CHALLENGE_COLUMNS,
        _challenge_child,
        hint="Raised in the period.",
        summary=challenge_times,
    ),
    Figure(
        "challenges-overdue",
        SECTION,
        "Challenge answers overdue",
        "challenges",
        _overdue,
        CHALLENGE_COLUMNS,
        _challenge_child,
        hint="Open now and not answered at their stage within five working days.",
        summary=challenge_times,
    ),
)
