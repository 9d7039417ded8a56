"""Training on the oversight dashboard: figures whose rows are people (staff and elected members), not children.

Each is as of today (the dashboard's period does not apply); the agency and team filters narrow the staff, and a
team manager's are their own agency's. Elected members belong to no agency, so only the coordinator and partnership
leaders, with no agency chosen, see them. ``child_of`` answers None: nothing here is about a child, so the
dashboard's list audits no child.
"""

from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from joinedup.accounts.models import Role, User
from joinedup.deadlines import london_date
from joinedup.oversight.figures import Column, Figure, Filters, scope_agency

from .models import ELECTED_MEMBER, Attendance, Topic, Trainee, TraineeKind, TrainingRequirement

SECTION = "Training coverage"


def _today() -> date:
    return london_date(timezone.now())


def staff_not_in_date(*, today: date) -> QuerySet[User]:
    """Active staff with at least one required course (by any role they hold, in their kind of agency) that has
    expired or was never done."""
    roles = Role.objects.filter(users=OuterRef(OuterRef("pk"))).values("code")
    in_date = Attendance.objects.filter(user=OuterRef(OuterRef("pk")), course=OuterRef("course"), expires_on__gt=today)
    unmet = (
        TrainingRequirement.objects.filter(course__is_active=True, audience__in=roles)
        .filter(Q(agency_kind="") | Q(agency_kind=OuterRef("agency__kind")))
        .exclude(Exists(in_date))
    )
    return User.objects.filter(is_active=True, agency__isnull=False).filter(Exists(unmet))


def elected_members_not_in_date(*, today: date) -> QuerySet[Trainee]:
    in_date = Attendance.objects.filter(
        trainee=OuterRef(OuterRef("pk")), course=OuterRef("course"), expires_on__gt=today
    )
    unmet = TrainingRequirement.objects.filter(course__is_active=True, audience=ELECTED_MEMBER).exclude(Exists(in_date))
    return Trainee.objects.filter(is_active=True, kind=TraineeKind.ELECTED_MEMBER).filter(Exists(unmet))


def elected_members_without(topic: str, *, today: date) -> QuerySet[Trainee]:
    """Elected members with no in-date attendance at any course on the topic."""
    trained = Attendance.objects.filter(
        trainee=OuterRef("pk"), course__topic=topic, course__is_active=True, expires_on__gt=today
    )
    return Trainee.objects.filter(is_active=True, kind=TraineeKind.ELECTED_MEMBER).exclude(Exists(trained))


def _staff_rows(user: User, filters: Filters) -> QuerySet[User]:
    staff = staff_not_in_date(today=_today())
    agency = scope_agency(user) or filters.agency
    if agency is not None:
        staff = staff.filter(agency=agency)
    if filters.team is not None:
        staff = staff.filter(team=filters.team)
    return staff.select_related("agency", "team").prefetch_related("roles").order_by("last_name", "first_name", "pk")


def _elected(rows: QuerySet[Trainee], user: User, filters: Filters) -> QuerySet[Trainee]:
    if scope_agency(user) is not None or filters.agency is not None or filters.team is not None:
        return rows.none()
    return rows.order_by("full_name", "pk")


def _elected_not_in_date(user: User, filters: Filters) -> QuerySet[Trainee]:
    return _elected(elected_members_not_in_date(today=_today()), user, filters)


def _elected_without_awareness(user: User, filters: Filters) -> QuerySet[Trainee]:
    return _elected(elected_members_without(Topic.EXPLOITATION_AWARENESS, today=_today()), user, filters)


def _no_child(_row: Any) -> None:
    return None


STAFF_COLUMNS = (
    Column("Member of staff", lambda u: u.get_full_name() or u.username),
    Column("Agency", lambda u: u.agency.name if u.agency else ""),
    Column("Team", lambda u: u.team.name if u.team else ""),
    Column("Roles", lambda u: ", ".join(str(role) for role in u.roles.all())),
)
TRAINEE_COLUMNS = (
    Column("Elected member", lambda t: t.full_name),
    Column("Body", lambda t: t.body),
)
_AS_OF_TODAY = "As of today: the period does not apply. See the training coverage page for each course."

FIGURES: tuple[Figure, ...] = (
    Figure(
        "training-staff-not-in-date",
        SECTION,
        "Staff whose required training has expired or was never done",
        "members of staff",
        _staff_rows,
        STAFF_COLUMNS,
        _no_child,
        hint=_AS_OF_TODAY,
    ),
    Figure(
        "training-elected-members-not-in-date",
        SECTION,
        "Elected members whose required training has expired or was never done",
        "elected members",
        _elected_not_in_date,
        TRAINEE_COLUMNS,
        _no_child,
        hint=_AS_OF_TODAY,
    ),
    Figure(
        "training-elected-members-no-exploitation-awareness",
        SECTION,
        "Elected members not trained in exploitation awareness",
        "elected members",
        _elected_without_awareness,
        TRAINEE_COLUMNS,
        _no_child,
        hint="No exploitation awareness course in date today.",
    ),
)
