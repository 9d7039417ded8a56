"""The oversight dashboard's figures for children missing education (registered in ``apps.ready``): children
missing education now, cases open longer than ``LONG_OPEN_DAYS``, part-time timetables in force, and the notices
in the period.

Each is one query over the children the viewer may see (``in_scope``): its count is the query's ``count()`` and
its list the query's rows; those narrowing one base (``Narrowed``) are counted together in one query.
"""

from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from joinedup import dates
from joinedup.accounts.models import User
from joinedup.children.models import Child
from joinedup.deadlines import london_date
from joinedup.oversight.figures import Column, Figure, Filters, Narrowed, children_in_scope, in_scope

from .models import EducationRecord, RecordKind

SECTION = "Children missing education"
# A case open longer than this many days (about six school weeks) is shown to the partnership.
LONG_OPEN_DAYS = 42


def _today() -> date:
    return london_date(timezone.now())


def _open_cases(user: User, filters: Filters) -> QuerySet[EducationRecord]:
    """Open child missing education cases about children in scope, now (whenever the school told)."""
    return (
        EducationRecord.objects.filter(
            in_scope(user, filters), kind=RecordKind.MISSING_EDUCATION, closed_on__isnull=True
        )
        .select_related("child", "owning_agency")
        .order_by("starts_on", "pk")
    )


def _children_missing_education(user: User, filters: Filters) -> QuerySet[Child]:
    open_cases = EducationRecord.objects.filter(kind=RecordKind.MISSING_EDUCATION, closed_on__isnull=True)
    return children_in_scope(user, filters).filter(pk__in=open_cases.values("child_id")).order_by("family_name", "pk")


def _long_open() -> Q:
    return Q(starts_on__lt=_today() - timedelta(days=LONG_OPEN_DAYS))


def _part_time_now(user: User, filters: Filters) -> QuerySet[EducationRecord]:
    today = _today()
    return (
        EducationRecord.objects.filter(in_scope(user, filters), kind=RecordKind.PART_TIME, starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .select_related("child", "owning_agency")
        .order_by("starts_on", "pk")
    )


def _notices(user: User, filters: Filters) -> QuerySet[EducationRecord]:
    return (
        EducationRecord.objects.filter(
            in_scope(user, filters),
            kind=RecordKind.MISSING_EDUCATION,
            starts_on__gte=filters.start,
            starts_on__lte=filters.end,
        )
        .select_related("child", "owning_agency")
        .order_by("-starts_on", "pk")
    )


def _day(value: date | None) -> str:
    return dates.day(value) if value else ""


def _days_open(r: EducationRecord) -> int:
    return r.days_open(_today())


def _record_child(r: EducationRecord) -> Child:
    return r.child


def _itself(c: Child) -> Child:
    return c


CASE_COLUMNS = (
    Column("Child", lambda r: r.child.full_name),
    Column("School", lambda r: r.school),
    Column("Reason", lambda r: r.get_reason_display()),
    Column("Told on", lambda r: _day(r.starts_on)),
    Column("Days open", _days_open),
    Column("Outcome", lambda r: r.get_outcome_display() if r.outcome else "Open"),
)
TIMETABLE_COLUMNS = (
    Column("Child", lambda r: r.child.full_name),
    Column("School", lambda r: r.school),
    Column("From", lambda r: _day(r.starts_on)),
    Column("Planned end", lambda r: _day(r.ends_on)),
    Column("Hours a week", lambda r: r.hours_per_week),
)
CHILD_COLUMNS = (Column("Child", lambda c: c.full_name), Column("Date of birth", lambda c: _day(c.date_of_birth)))

FIGURES = (
    Figure(
        "cme-children-now",
        SECTION,
        "Children missing education now",
        "children",
        _children_missing_education,
        CHILD_COLUMNS,
        _itself,
        hint="With an open case on the children missing education officer's queue, whenever the school told.",
    ),
    Figure(
        "cme-open-long",
        SECTION,
        f"Cases open longer than {LONG_OPEN_DAYS} days",
        "cases",
        Narrowed(_open_cases, _long_open),
        CASE_COLUMNS,
        _record_child,
    ),
    Figure(
        "cme-notices",
        SECTION,
        "Children missing education told to the local authority",
        "cases",
        Narrowed(_notices),
        CASE_COLUMNS,
        _record_child,
        hint="Told in the period, open or closed.",
    ),
    Figure(
        "cme-part-time-now",
        SECTION,
        "Part-time timetables in force",
        "timetables",
        _part_time_now,
        TIMETABLE_COLUMNS,
        _record_child,
        hint="Today, whenever they started.",
    ),
)
