"""The oversight dashboard's figures: each a count the database computes, and the list of records behind it.

A figure is a query over what the viewer may see (``policy.children_visible_to``), narrowed by the filters
(an agency and team working with the child, a period in Europe/London dates). Its count is that query's
``count()`` and its drill-down is the same query's rows, so the count always equals the list. The dashboard
counts figures on one base together (``Narrowed``: a conditional count each) and every other figure with one
COUNT, all in one statement (``count_figures``), so its queries do not grow with the data; each figure's
conditions read the other tables once a query (uncorrelated lists, anti-joins), not once a row. An episode's
grades are columns of the episode (``missing.grades`` keeps them from the gradings).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from joinedup import dates
from joinedup.access import policy
from joinedup.accounts.models import RoleCode, User
from joinedup.agencies.models import Agency, Team
from joinedup.assessments.models import AssessmentIndicator, Band, IndicatorKind, RiskAssessment
from joinedup.children.models import Child, Involvement
from joinedup.contacts.models import ContactAttempt
from joinedup.deadlines import LONDON, london_date
from joinedup.mace.models import Action

if TYPE_CHECKING:
    from .models import Goal
from joinedup.missing.models import (
    Factor,
    InterviewResponse,
    MissingEpisode,
    ReturnInterview,
    RiskGrade,
)

# A child at high risk should have had a contact within this many days.
RECENT_CONTACT_DAYS = 28
# The police grade a missing child's risk within this many hours of the report (the figure counts those later).
POLICE_GRADE_HOURS = 2
# Children missing this many times or more in the period.
REPEAT_TIMES = 3


@dataclass(frozen=True)
class Filters:
    """What the figures are narrowed to: children an agency (or one of its teams) works with, and a period."""

    start: date
    end: date  # inclusive
    agency: Agency | None = None
    team: Team | None = None

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time.min, tzinfo=LONDON)

    @property
    def end_before(self) -> datetime:
        return datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=LONDON)

    def query(self) -> dict[str, str]:
        """The filters as the dashboard's query string, for links that keep them."""
        query = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.agency is not None:
            query["agency"] = str(self.agency.pk)
        if self.team is not None:
            query["team"] = str(self.team.pk)
        return query


def default_filters(*, today: date | None = None) -> Filters:
    """The last twelve months, to today."""
    today = today or london_date(timezone.now())
    return Filters(start=today.replace(year=today.year - 1) + timedelta(days=1), end=today)


def scope_agency(user: User) -> Agency | None:
    """The agency a viewer's figures are fixed to: a team manager's own; none for the partnership's leaders."""
    if user.has_role(RoleCode.LEADER) or user.has_role(RoleCode.COORDINATOR):
        return None
    return user.agency


def children_in_scope(user: User, filters: Filters) -> QuerySet[Child]:
    """The children the figures count: those the viewer may see, worked with by the agency or team chosen."""
    children = policy.children_visible_to(user)
    agency = scope_agency(user) or filters.agency
    if agency is not None or filters.team is not None:
        involvements = Involvement.objects.filter(child=OuterRef("pk"))
        if agency is not None:
            involvements = involvements.filter(agency=agency)
        if filters.team is not None:
            involvements = involvements.filter(team=filters.team)
        children = children.filter(Exists(involvements))
    return children


def in_scope(user: User, filters: Filters, child: str = "child") -> Q:
    """Rows about a child in scope (``children_in_scope``), as a condition on the path from the rows to their child.
    A viewer who sees every child but a few (``policy.children_hidden_from``: the partnership's leaders and the
    coordinator), with no agency or team chosen, is asked "about a child not one of those few": a short list,
    where "one of the children in scope" reads every child of the county for each figure."""
    hidden = policy.children_hidden_from(user)
    if hidden is not None and scope_agency(user) is None and filters.agency is None and filters.team is None:
        return Q(**{f"{child}__isnull": False}) & ~Q(**{f"{child}__in": hidden.values("pk")})
    return Q(**{f"{child}__in": children_in_scope(user, filters).values("pk")})


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class Figure:
    """One figure: its label, what it counts, the rows behind it and the columns they show."""

    key: str
    section: str
    label: str
    counts: str  # "children", "missing episodes", ...
    rows: Callable[[User, Filters], QuerySet[Any]]
    columns: tuple[Column, ...]
    child_of: Callable[[Any], Child | None]  # None: the row is not about a child (training: staff, elected members)
    hint: str = ""
    breakdowns: tuple[str, ...] = field(default=())
    # A line under the heading of the drill-down, from its whole list (e.g. a median time), if any.
    summary: Callable[[QuerySet[Any]], str] | None = None


def _when(moment: datetime | None) -> str:
    return dates.when(moment) if moment else ""


def _day(value: date | None) -> str:
    return dates.day(value) if value else ""


# Missing episodes -----------------------------------------------------------------------------------------------


def _episodes(user: User, filters: Filters) -> QuerySet[MissingEpisode]:
    """The period's episodes in scope. Their police grade now and first police grading are columns of the episode
    (``police_grade``, ``police_first_graded_at``: ``missing.grades`` keeps them from the gradings, counting the
    police's staff and the coordinator as grading for the police)."""
    return (
        MissingEpisode.objects.filter(
            in_scope(user, filters),
            started_at__gte=filters.start_at,
            started_at__lt=filters.end_before,
        )
        .select_related("child", "owning_agency")
        .order_by("-started_at", "pk")
    )


@dataclass(frozen=True)
class Narrowed:
    """A figure's rows as a base query narrowed by a condition. Figures sharing a base are counted together, in
    one query with a conditional count each (``figure_counts``); the list is the base filtered by the same
    condition, so the count still equals the list. ``scoped_condition`` is a condition that needs the viewer and
    the filters (e.g. to read a list of the period once, uncorrelated, rather than a lookup a row)."""

    base: Callable[[User, Filters], QuerySet[Any]]
    condition: Callable[[], Q] | None = None
    scoped_condition: Callable[[User, Filters], Q] | None = None

    def where(self, user: User, filters: Filters) -> Q | None:
        """The condition narrowing the base, if any."""
        if self.scoped_condition is not None:
            return self.scoped_condition(user, filters)
        return None if self.condition is None else self.condition()

    def __call__(self, user: User, filters: Filters) -> QuerySet[Any]:
        rows = self.base(user, filters)
        condition = self.where(user, filters)
        return rows if condition is None else rows.filter(condition)


def _graded(grade: str) -> Narrowed:
    return Narrowed(_episodes, lambda: Q(police_grade=grade))


_ungraded = Narrowed(_episodes, lambda: Q(police_grade=""))


def _graded_late_condition() -> Q:
    """Episodes the police first graded more than ``POLICE_GRADE_HOURS`` after the report, or not at all yet
    though the report is older than that (a grading is never in the future: ``missing.services`` refuses one, so a
    first grading after the hours means the report is older than them)."""
    hours = timedelta(hours=POLICE_GRADE_HOURS)
    return Q(reported_at__lt=timezone.now() - hours) & (
        Q(police_first_graded_at__isnull=True) | Q(police_first_graded_at__gt=F("reported_at") + hours)
    )


_graded_late = Narrowed(_episodes, _graded_late_condition)


def _time_to_grade(e: MissingEpisode) -> str:
    first: datetime | None = e.police_first_graded_at
    if first is None:
        return "Not graded by the police"
    minutes = max(0, int((first - e.reported_at).total_seconds() // 60))
    return f"{minutes // 60} h {minutes % 60:02d} min"


def _repeat_children(user: User, filters: Filters) -> QuerySet[Child]:
    in_period = MissingEpisode.objects.filter(started_at__gte=filters.start_at, started_at__lt=filters.end_before)
    episodes = in_period.values("child").annotate(n=Count("pk")).filter(n__gte=REPEAT_TIMES).values("child")
    return (
        children_in_scope(user, filters)
        .filter(pk__in=episodes)
        # A lookup a child listed (not a grouping of every child, so the count is the short list's).
        .annotate(
            episodes_in_period=Subquery(
                in_period.filter(child=OuterRef("pk")).order_by().values("child").annotate(n=Count("pk")).values("n")
            )
        )
        .select_related("owning_agency")
        .order_by("-episodes_in_period", "family_name", "given_name", "pk")
    )


EPISODE_COLUMNS = (
    Column("Child", lambda e: e.child.full_name),
    Column("Started", lambda e: _when(e.started_at)),
    Column("Returned", lambda e: _when(e.returned_at) or "Still missing"),
    Column("Police grade", lambda e: RiskGrade(e.police_grade).label if e.police_grade else "Not graded by the police"),
    Column("Report to police grade", _time_to_grade),
    Column("Recorded by", lambda e: e.owning_agency.name),
)


# Return interviews ----------------------------------------------------------------------------------------------


def _interviews(user: User, filters: Filters) -> QuerySet[ReturnInterview]:
    """Interviews falling due in the period (72 hours after each return)."""
    return (
        ReturnInterview.objects.filter(
            in_scope(user, filters, "episode__child"),
            due_at__gte=filters.start_at,
            due_at__lt=filters.end_before,
        )
        .select_related("episode__child", "owner")
        .order_by("due_at", "pk")
    )


def _late_condition() -> Q:
    """Not offered by the deadline: offered after it, or not offered and the deadline has passed."""
    return Q(offered_at__gt=F("due_at")) | Q(offered_at__isnull=True, due_at__lt=timezone.now())


_offered = Narrowed(_interviews, lambda: Q(offered_at__isnull=False))
_offered_in_time = Narrowed(_interviews, lambda: Q(offered_at__isnull=False, offered_at__lte=F("due_at")))
_late = Narrowed(_interviews, _late_condition)
_accepted = Narrowed(_interviews, lambda: Q(response=InterviewResponse.ACCEPTED))
_declined = Narrowed(_interviews, lambda: Q(response=InterviewResponse.DECLINED))
_completed = Narrowed(_interviews, lambda: Q(completed_at__isnull=False))


INTERVIEW_COLUMNS = (
    Column("Child", lambda i: i.episode.child.full_name),
    Column("Due", lambda i: _when(i.due_at)),
    Column("Offered", lambda i: _when(i.offered_at) or "Not offered"),
    Column("Answer", lambda i: i.get_response_display()),
    Column("Completed", lambda i: _when(i.completed_at)),
    Column("Why declined", lambda i: i.declined_reason),
    Column("Owner", lambda i: i.owner.get_full_name() or i.owner.username),
)


# Assessments and children at high risk --------------------------------------------------------------------------


def _latest_completed() -> QuerySet[RiskAssessment]:
    """Each child's latest completed assessment (by completion, then id): the one no later one follows."""
    later = RiskAssessment.objects.filter(child=OuterRef("child"), completed_at__isnull=False).filter(
        Q(completed_at__gt=OuterRef("completed_at")) | Q(completed_at=OuterRef("completed_at"), pk__gt=OuterRef("pk"))
    )
    return RiskAssessment.objects.filter(completed_at__isnull=False).exclude(Exists(later))


def _latest_assessments(user: User, filters: Filters) -> QuerySet[RiskAssessment]:
    """Each child's latest completed assessment (the band the child is held at now)."""
    return (
        _latest_completed()
        .filter(in_scope(user, filters))
        .select_related("child", "owning_agency")
        .order_by("child__family_name", "child__given_name", "pk")
    )


def _banded(band: str) -> Narrowed:
    return Narrowed(_latest_assessments, lambda: Q(band=band))


_reviews_overdue = Narrowed(_latest_assessments, lambda: Q(review_due__lt=london_date(timezone.now())))


ASSESSMENT_COLUMNS = (
    Column("Child", lambda a: a.child.full_name),
    Column("Band", lambda a: a.get_band_display()),
    Column("Completed", lambda a: _when(a.completed_at)),
    Column("Review due", lambda a: _day(a.review_due)),
    Column("Assessed by", lambda a: a.owning_agency.name),
)


def _high_risk(user: User, filters: Filters) -> QuerySet[Child]:
    """Children whose latest completed assessment is high: one list of those assessments, not a lookup a child."""
    last_contact = ContactAttempt.objects.filter(child=OuterRef("pk")).order_by("-attempted_at").values("attempted_at")
    return (
        children_in_scope(user, filters)
        .filter(pk__in=_latest_completed().filter(band=Band.HIGH).values("child"))
        .annotate(last_contact=Subquery(last_contact[:1]))
        .select_related("key_worker", "owning_agency")
        .order_by("family_name", "given_name", "pk")
    )


def _no_recent_contact() -> Q:
    since = timezone.now() - timedelta(days=RECENT_CONTACT_DAYS)
    return ~Q(Exists(ContactAttempt.objects.filter(child=OuterRef("pk"), attempted_at__gte=since)))


# Both narrow the children at high risk, so the dashboard counts them in one query.
_high_risk_no_key_worker = Narrowed(_high_risk, lambda: Q(key_worker__isnull=True))
_high_risk_no_recent_contact = Narrowed(_high_risk, _no_recent_contact)


CHILD_COLUMNS = (
    Column("Child", lambda c: c.full_name),
    Column("Key worker", lambda c: (c.key_worker.get_full_name() or c.key_worker.username) if c.key_worker else "None"),
    Column("Last contact", lambda c: _when(getattr(c, "last_contact", None)) or "None recorded"),
    Column("Record held by", lambda c: c.owning_agency.name),
)
REPEAT_COLUMNS = (
    Column("Child", lambda c: c.full_name),
    Column("Times missing in the period", lambda c: c.episodes_in_period),
    Column("Record held by", lambda c: c.owning_agency.name),
)


# MACE actions ---------------------------------------------------------------------------------------------------


def _mace_overdue(user: User, filters: Filters) -> QuerySet[Action]:
    """Open MACE actions past their date about children in scope."""
    today = london_date(timezone.now())
    return (
        Action.objects.filter(
            in_scope(user, filters, "agenda_item__child"),
            done_at__isnull=True,
            due_on__lt=today,
        )
        .select_related("owner", "agenda_item__child")
        .order_by("due_on", "pk")
    )


ACTION_COLUMNS = (
    Column("Action", lambda a: a.description),
    Column("Child", lambda a: a.agenda_item.child.full_name if a.agenda_item and a.agenda_item.child else ""),
    Column("Owner", lambda a: a.owner.get_full_name() or a.owner.username),
    Column("Due", lambda a: _day(a.due_on)),
)


def _episode_child(e: MissingEpisode) -> Child:
    return e.child


def _interview_child(i: ReturnInterview) -> Child:
    return i.episode.child


def _assessment_child(a: RiskAssessment) -> Child:
    return a.child


def _itself(c: Child) -> Child:
    return c


def _action_child(a: Action) -> Child:
    # Only actions about a child are counted (``_mace_overdue``).
    assert a.agenda_item is not None and a.agenda_item.child is not None  # noqa: S101
    return a.agenda_item.child


_MISSING = "Children missing"
_INTERVIEWS = "Return home interviews"
_RISK = "Risk and who is working with the child"

FIGURES: tuple[Figure, ...] = (
    Figure(
        "missing-episodes",
        _MISSING,
        "Missing episodes",
        "missing episodes",
        Narrowed(_episodes),
        EPISODE_COLUMNS,
        _episode_child,
        hint="Episodes that started in the period.",
        breakdowns=("month", "grade"),
    ),
    *(
        Figure(
            f"missing-graded-{grade.value}",
            _MISSING,
            f"Graded {grade.label.lower()} by the police",
            "missing episodes",
            _graded(grade.value),
            EPISODE_COLUMNS,
            _episode_child,
        )
        for grade in reversed(RiskGrade)
    ),
    Figure(
        "missing-not-graded",
        _MISSING,
        "Not graded by the police",
        "missing episodes",
        _ungraded,
        EPISODE_COLUMNS,
        _episode_child,
    ),
    Figure(
        "missing-graded-late",
        _MISSING,
        f"Graded by the police more than {POLICE_GRADE_HOURS} hours after the report",
        "missing episodes",
        _graded_late,
        EPISODE_COLUMNS,
        _episode_child,
        hint="Or not graded yet, though reported longer ago than that.",
    ),
    Figure(
        "missing-three-or-more",
        _MISSING,
        f"Children missing {REPEAT_TIMES} or more times",
        "children",
        _repeat_children,
        REPEAT_COLUMNS,
        _itself,
        hint="Episodes that started in the period.",
    ),
    Figure(
        "interviews-due",
        _INTERVIEWS,
        "Return interviews due",
        "return interviews",
        Narrowed(_interviews),
        INTERVIEW_COLUMNS,
        _interview_child,
        hint="Due in the period: 72 hours after each return.",
    ),
    Figure(
        "interviews-offered", _INTERVIEWS, "Offered", "return interviews", _offered, INTERVIEW_COLUMNS, _interview_child
    ),
    Figure(
        "interviews-offered-in-time",
        _INTERVIEWS,
        "Offered within 72 hours",
        "return interviews",
        _offered_in_time,
        INTERVIEW_COLUMNS,
        _interview_child,
    ),
    Figure(
        "interviews-late",
        _INTERVIEWS,
        "Return interviews late",
        "return interviews",
        _late,
        INTERVIEW_COLUMNS,
        _interview_child,
        hint="Not offered within 72 hours of the child's return.",
    ),
    Figure(
        "interviews-accepted",
        _INTERVIEWS,
        "Accepted",
        "return interviews",
        _accepted,
        INTERVIEW_COLUMNS,
        _interview_child,
    ),
    Figure(
        "interviews-declined",
        _INTERVIEWS,
        "Declined",
        "return interviews",
        _declined,
        INTERVIEW_COLUMNS,
        _interview_child,
        hint="The list says why.",
    ),
    Figure(
        "interviews-completed",
        _INTERVIEWS,
        "Completed",
        "return interviews",
        _completed,
        INTERVIEW_COLUMNS,
        _interview_child,
    ),
    *(
        Figure(
            f"assessed-{band.value}",
            _RISK,
            f"Children assessed at {band.label.lower()} risk",
            "children's latest assessments",
            _banded(band.value),
            ASSESSMENT_COLUMNS,
            _assessment_child,
        )
        for band in reversed(Band)
    ),
    Figure(
        "assessment-reviews-overdue",
        _RISK,
        "Assessment reviews overdue",
        "children's latest assessments",
        _reviews_overdue,
        ASSESSMENT_COLUMNS,
        _assessment_child,
    ),
    Figure(
        "high-risk-no-key-worker",
        _RISK,
        "Children at high risk without a key worker",
        "children",
        _high_risk_no_key_worker,
        CHILD_COLUMNS,
        _itself,
    ),
    Figure(
        "high-risk-no-recent-contact",
        _RISK,
        f"Children at high risk with no contact in {RECENT_CONTACT_DAYS} days",
        "children",
        _high_risk_no_recent_contact,
        CHILD_COLUMNS,
        _itself,
    ),
    Figure(
        "mace-actions-overdue",
        "MACE",
        "MACE actions overdue",
        "actions",
        _mace_overdue,
        ACTION_COLUMNS,
        _action_child,
    ),
)
BY_KEY = {figure.key: figure for figure in FIGURES}


def register(*more: Figure) -> None:
    """Add another app's figures to the dashboard (call it from the app's ``AppConfig.ready``): each is shown in
    its section, after the sections above, and drills down like the rest."""
    global FIGURES
    for figure in more:
        if figure.key in BY_KEY:
            raise ValueError(f"A figure {figure.key!r} is already registered.")
        BY_KEY[figure.key] = figure
    FIGURES = (*FIGURES, *more)


@dataclass(frozen=True)
class FigureCount:
    figure: Figure
    count: int


def _counts_sql(rows: QuerySet[Any], conditions: list[Q | None]) -> tuple[str, list[Any]]:
    """One SELECT of a conditional count each (a plain count for None) over ``rows``: each condition is a boolean
    column of the rows (so the database evaluates it once a row), counted outside; no GROUP BY, so one row,
    0 for none."""
    conditions = [condition or None for condition in conditions]  # an empty Q narrows nothing: a plain count
    flags = {f"_c{n}": ExpressionWrapper(c, output_field=BooleanField()) for n, c in enumerate(conditions) if c}
    inner, params = rows.order_by().annotate(**flags).values("pk", *flags).query.sql_with_params()
    quote = connection.ops.quote_name
    counts = [
        "COUNT(*)" if condition is None else f"COUNT(CASE WHEN {quote(f'_c{n}')} THEN 1 END)"
        for n, condition in enumerate(conditions)
    ]
    # Django's own compiled SQL and our own column names; every value is a parameter.
    return f"SELECT {', '.join(counts)} FROM ({inner}) {quote('_rows')}", list(params)  # noqa: S608


def _counted_in_one_statement(parts: list[tuple[QuerySet[Any], list[Q | None]]]) -> list[list[int]]:
    """Each part's counts (``_counts_sql``), every part in one statement (UNION ALL, one row a part, padded to the
    widest): one round trip for the whole dashboard, where a query a part cost a round trip and its overhead each.
    The database plans and counts each part as it would alone."""
    if not parts:
        return []
    width = max(len(conditions) for _, conditions in parts)
    selects, params = [], []
    found: dict[int, tuple[Any, ...]] = {}
    for n, (rows, conditions) in enumerate(parts):
        try:
            sql, part_params = _counts_sql(rows, conditions)
        except EmptyResultSet:  # rows that can hold nothing (e.g. ``none()``), as ``count()`` answers them
            found[n] = (0,) * len(conditions)
            continue
        padding = ", 0" * (width - len(conditions))  # a number, as the counts are, in every column
        selects.append(f"SELECT {n}, *{padding} FROM ({sql}) {connection.ops.quote_name(f'_part{n}')}")  # noqa: S608
        params.extend(part_params)
    if selects:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(selects), params)
            found.update((row[0], row[1:]) for row in cursor.fetchall())
    return [[int(value) for value in found[n][: len(conditions)]] for n, (_, conditions) in enumerate(parts)]


def count_figures(figures: Iterable[Figure], *, user: User, filters: Filters) -> dict[str, int]:
    """These figures' counts for the viewer, by key: the figures narrowing the same base (``Narrowed``) as one
    row of conditional counts, each other figure as a COUNT, all in one statement."""
    counts: dict[str, int] = {}
    together: dict[Any, dict[str, Narrowed]] = {}
    alone: dict[str, QuerySet[Any]] = {}
    for figure in figures:
        if isinstance(figure.rows, Narrowed):
            together.setdefault(figure.rows.base, {})[figure.key] = figure.rows
        else:
            alone[figure.key] = figure.rows(user, filters)
    # The conditional counts of each base and the plain counts, all sent in one statement.
    parts: list[tuple[QuerySet[Any], list[Q | None]]] = []
    keys: list[list[str]] = []
    for base, narrowed in together.items():
        parts.append((base(user, filters), [rows.where(user, filters) for rows in narrowed.values()]))
        keys.append(list(narrowed))
    for key, rows in alone.items():
        parts.append((rows, [None]))
        keys.append([key])
    for part_keys, part_counts in zip(keys, _counted_in_one_statement(parts), strict=True):
        counts.update(zip(part_keys, part_counts, strict=True))
    return counts


def figure_counts(*, user: User, filters: Filters) -> list[tuple[str, list[FigureCount]]]:
    """Every figure's count for the viewer, by section, in order (``count_figures``), so the dashboard's queries
    do not grow with the data."""
    counts = count_figures(FIGURES, user=user, filters=filters)
    sections: dict[str, list[FigureCount]] = {}
    for figure in FIGURES:
        sections.setdefault(figure.section, []).append(FigureCount(figure, counts[figure.key]))
    return list(sections.items())


def counts_of(sections: list[tuple[str, list[FigureCount]]]) -> dict[str, int]:
    """``figure_counts``' counts by figure key."""
    return {counted.figure.key: counted.count for _, in_section in sections for counted in in_section}


def _months(filters: Filters) -> list[date]:
    first, months = filters.start.replace(day=1), list[date]()
    while first <= filters.end and len(months) < 61:
        months.append(first)
        first = (first + timedelta(days=32)).replace(day=1)
    return months


def month_breakdown(*, user: User, filters: Filters) -> list[tuple[str, int]]:
    """Missing episodes a month in the period (London months, every month shown), in one grouped query."""
    rows = (
        _episodes(user, filters)
        .order_by()
        .annotate(month=TruncMonth("started_at", tzinfo=LONDON))
        .values("month")
        .annotate(n=Count("pk"))
    )
    counts = {_month_date(row["month"]): row["n"] for row in rows}
    return [(f"{month:%B %Y}", counts.get(month, 0)) for month in _months(filters)]


_GRADE_FIGURES = {
    **{grade.label: f"missing-graded-{grade.value}" for grade in reversed(RiskGrade)},
    "Not graded": "missing-not-graded",
}


def grade_breakdown(*, user: User, filters: Filters, counts: dict[str, int] | None = None) -> list[tuple[str, int]]:
    """Missing episodes by their police grade, highest first, then those not graded: the grade figures' counts
    (from ``counts``, the dashboard's own, where given; else counted here, in two queries)."""
    if counts is None or any(key not in counts for key in _GRADE_FIGURES.values()):
        counts = count_figures([BY_KEY[key] for key in _GRADE_FIGURES.values()], user=user, filters=filters)
    return [(label, counts[key]) for label, key in _GRADE_FIGURES.items()]


def factors_told(*, user: User, filters: Filters) -> tuple[int, list[tuple[str, int]]]:
    """What children said took them away or drew them, from the return interviews completed in the period:
    (interviews completed, [(push or pull factor, interviews naming it)], most named first). One query; counts
    only, no child named."""
    interviews = ReturnInterview.objects.filter(
        in_scope(user, filters, "episode__child"),
        completed_at__gte=filters.start_at,
        completed_at__lt=filters.end_before,
    )
    # Each factor is a code in the interview's JSON list; the quotes make a code match only itself.
    counted = interviews.aggregate(
        total=Count("pk"),
        **{
            f"factor_{n}": Count("pk", filter=Q(factors__icontains=f'"{code}"')) for n, code in enumerate(Factor.values)
        },
    )
    factors = [(Factor(code).label, counted[f"factor_{n}"] or 0) for n, code in enumerate(Factor.values)]
    return counted["total"] or 0, sorted(factors, key=lambda item: (-item[1], item[0]))


def indicators_seen(*, user: User, filters: Filters) -> list[tuple[str, str, int]]:
    """The risk indicators assessments completed in the period found, with how many children each was found for:
    (indicator, its kind, children), most common first. One grouped query; counts only."""
    rows = (
        AssessmentIndicator.objects.filter(
            in_scope(user, filters, "assessment__child"),
            assessment__completed_at__gte=filters.start_at,
            assessment__completed_at__lt=filters.end_before,
        )
        .values("indicator__text", "indicator__kind")
        .annotate(children=Count("assessment__child", distinct=True))
        .order_by("-children", "indicator__text")
    )
    return [(row["indicator__text"], IndicatorKind(row["indicator__kind"]).label, row["children"]) for row in rows]


def _month_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def rows_for(*, user: User, figure: Figure, filters: Filters) -> QuerySet[Any]:
    return figure.rows(user, filters)


# Strategic goals -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalReading:
    """A goal's measure over one period: the counts it is made of, the value and whether it met the target."""

    start: date
    end: date
    numerator: int
    denominator: int | None
    value: Decimal | None  # None: a percentage of nothing
    met: bool | None

    @property
    def label(self) -> str:
        return f"{self.start:%B %Y}" if self.start.day == 1 else f"{dates.day(self.start)} to {dates.day(self.end)}"


def goal_reading(goal: "Goal", *, user: User, filters: Filters, counts: dict[str, int] | None = None) -> GoalReading:
    """The goal's measure over the filters' period, from what the viewer may see: the figures' counts from
    ``counts`` (the dashboard's own, for the same viewer and filters) where given, else two COUNT queries at most."""

    def count(key: str) -> int:
        if counts is not None and key in counts:
            return counts[key]
        return BY_KEY[key].rows(user, filters).count() if key in BY_KEY else 0

    numerator = count(goal.numerator)
    denominator = None
    value: Decimal | None = Decimal(numerator)
    if goal.denominator:
        denominator = count(goal.denominator)
        value = (
            (Decimal(100 * numerator) / denominator).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
            if denominator
            else None
        )
    met = None if value is None else (value >= goal.target if goal.direction == "at_least" else value <= goal.target)
    return GoalReading(filters.start, filters.end, numerator, denominator, value, met)


def goal_trend(goal: "Goal", *, user: User, months: int = 12, today: date | None = None) -> list[GoalReading]:
    """The goal's measure month by month, the last ``months`` months to this one (the partnership's view, as the
    viewer may see it), oldest first."""
    today = today or london_date(timezone.now())
    first = today.replace(day=1)
    starts = [first]
    while len(starts) < months:
        starts.insert(0, (starts[0] - timedelta(days=1)).replace(day=1))
    readings = []
    for start in starts:
        end = min(today, (start + timedelta(days=32)).replace(day=1) - timedelta(days=1))
        readings.append(goal_reading(goal, user=user, filters=Filters(start=start, end=end)))
    return readings


def goals_in_force() -> QuerySet["Goal"]:
    from .models import Goal

    return Goal.objects.filter(retired_at__isnull=True).select_related("owner_agency")
