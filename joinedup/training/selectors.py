"""Reads about training: the courses, and who is trained, expired or never trained (coverage).

Coverage is worked out as of a day, for each person and each course their role (or being an elected member)
requires: **in date** when their latest attendance expires after that day, **expired** when they did it but it
has expired, **never trained** when no attendance is recorded. A member of staff holding two roles is counted
under each. The counts and the lists behind them come from the same entries, so a count always equals its list.
A team manager sees their own agency's staff; the coordinator and partnership leaders see every agency and the
elected members. Nothing here is about a child.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Max, QuerySet

from joinedup.access import policy
from joinedup.accounts.models import User

from .models import ELECTED_MEMBER, Attendance, Audience, Course, Trainee, TraineeKind, TrainingRequirement


class Status:
    IN_DATE = "in_date"
    EXPIRED = "expired"
    NEVER = "never"


STATUS_LABELS = {Status.IN_DATE: "In date", Status.EXPIRED: "Expired", Status.NEVER: "Never trained"}
ELECTED_MEMBERS_GROUP = "elected"


@dataclass(frozen=True)
class Person:
    key: str  # "user-12" or "trainee-3"
    name: str
    where: str  # the agency (and team), or the body an elected member belongs to


@dataclass(frozen=True)
class Group:
    """Who the coverage is counted for: staff of one agency holding one role, or the elected members."""

    agency_id: int | None
    agency_name: str
    audience: str

    @property
    def key(self) -> str:
        return ELECTED_MEMBERS_GROUP if self.audience == ELECTED_MEMBER else f"{self.agency_id}-{self.audience}"

    @property
    def label(self) -> str:
        if self.audience == ELECTED_MEMBER:
            return "Elected members"
        return f"{self.agency_name}: {Audience(self.audience).label.lower()}"


@dataclass(frozen=True)
class Entry:
    group: Group
    person: Person
    course: Course
    status: str
    attended_on: date | None
    expires_on: date | None


@dataclass
class Counts:
    required: int = 0
    in_date: int = 0
    expired: int = 0
    never: int = 0

    def add(self, status: str) -> None:
        self.required += 1
        setattr(self, status, getattr(self, status) + 1)


def courses_all() -> QuerySet[Course]:
    return Course.objects.prefetch_related("requirements").order_by("-is_active", "topic", "name")


def staff_recordable_by(user: User) -> QuerySet[User]:
    """The staff whose training this user may record: every active account for the coordinator, a team manager's
    own agency's."""
    staff = User.objects.filter(is_active=True, agency__isnull=False).select_related("agency")
    if not policy.can_record_training(user):
        return staff.none()
    if policy.can_manage_training(user):
        return staff.order_by("last_name", "first_name", "username")
    return staff.filter(agency_id=user.agency_id or 0).order_by("last_name", "first_name", "username")


def trainees_recordable_by(user: User) -> QuerySet[Trainee]:
    if not policy.can_manage_training(user):
        return Trainee.objects.none()
    return Trainee.objects.filter(is_active=True)


def attendance_recent(*, user: User, limit: int = 20) -> list[Attendance]:
    """The latest attendance this user may record, newest first (their own agency's for a team manager)."""
    rows = Attendance.objects.select_related("course", "user__agency", "trainee", "recorded_by")
    if not policy.can_record_training(user):
        return []
    if not policy.can_manage_training(user):
        rows = rows.filter(user__agency_id=user.agency_id or 0)
    return list(rows.order_by("-recorded_at", "-pk")[:limit])


def _status(expires_on: date | None, today: date) -> str:
    if expires_on is None:
        return Status.NEVER
    return Status.IN_DATE if expires_on > today else Status.EXPIRED


def coverage_entries(*, user: User, today: date, agency_id: int | None = None) -> list[Entry]:
    """Every (group, person, required course) the viewer may see, with its status as of ``today``: five queries,
    whatever the number of people."""
    if not policy.can_view_training_coverage(user):
        return []
    fixed = policy.training_coverage_agency(user)
    agency_id = fixed if fixed is not None else agency_id
    requirements = list(TrainingRequirement.objects.filter(course__is_active=True).select_related("course"))
    by_audience: dict[str, list[TrainingRequirement]] = defaultdict(list)
    for requirement in requirements:
        by_audience[requirement.audience].append(requirement)

    staff = User.objects.filter(is_active=True, agency__isnull=False).select_related("agency", "team")
    staff = staff.prefetch_related("roles").order_by("last_name", "first_name", "username")
    if agency_id is not None:
        staff = staff.filter(agency_id=agency_id)
    latest: dict[tuple[str, int], tuple[date, date]] = {}
    attended = Attendance.objects.filter(course__is_active=True)
    for row in attended.values("user_id", "trainee_id", "course_id").annotate(
        last_expires=Max("expires_on"), last_attended=Max("attended_on")
    ):
        who = f"user-{row['user_id']}" if row["user_id"] else f"trainee-{row['trainee_id']}"
        latest[(who, row["course_id"])] = (row["last_attended"], row["last_expires"])

    entries: list[Entry] = []

    def add(group: Group, person: Person, needed: Iterable[TrainingRequirement]) -> None:
        seen: set[int] = set()
        for requirement in needed:
            if requirement.course_id in seen:
                continue
            seen.add(requirement.course_id)
            attended_on, expires_on = latest.get((person.key, requirement.course_id), (None, None))
            entries.append(
                Entry(group, person, requirement.course, _status(expires_on, today), attended_on, expires_on)
            )

    for member in staff:
        assert member.agency is not None  # noqa: S101 - filtered above
        where = member.agency.name + (f", {member.team.name}" if member.team else "")
        person = Person(f"user-{member.pk}", member.get_full_name() or member.username, where)
        for role in sorted(role.code for role in member.roles.all()):
            needed = [r for r in by_audience.get(role, []) if r.agency_kind in ("", member.agency.kind)]
            if needed:
                add(Group(member.agency_id, member.agency.name, role), person, needed)
    if agency_id is None and by_audience.get(ELECTED_MEMBER):
        group = Group(None, "", ELECTED_MEMBER)
        for trainee in Trainee.objects.filter(is_active=True, kind=TraineeKind.ELECTED_MEMBER):
            add(group, Person(f"trainee-{trainee.pk}", trainee.full_name, trainee.body), by_audience[ELECTED_MEMBER])
    return entries


@dataclass
class GroupCoverage:
    group: Group
    people: Counts  # each person once: never trained in any required course, else expired in any, else in date
    courses: list[tuple[Course, Counts]]


_WORST = [Status.NEVER, Status.EXPIRED, Status.IN_DATE]


def person_statuses(entries: Iterable[Entry]) -> dict[tuple[Group, Person], str]:
    """Each person's overall status in a group: the worst of their required courses'."""
    worst: dict[tuple[Group, Person], str] = {}
    for entry in entries:
        key = (entry.group, entry.person)
        if key not in worst or _WORST.index(entry.status) < _WORST.index(worst[key]):
            worst[key] = entry.status
    return worst


def coverage_summary(entries: list[Entry]) -> list[GroupCoverage]:
    """The counts by group (agency and role, then the elected members), and within each by course."""
    groups: dict[Group, GroupCoverage] = {}
    by_course: dict[Group, dict[int, tuple[Course, Counts]]] = defaultdict(dict)
    for entry in entries:
        groups.setdefault(entry.group, GroupCoverage(entry.group, Counts(), []))
        _, counts = by_course[entry.group].setdefault(entry.course.pk, (entry.course, Counts()))
        counts.add(entry.status)
    for (group, _person), status in person_statuses(entries).items():
        groups[group].people.add(status)
    for group, coverage in groups.items():
        coverage.courses = sorted(by_course[group].values(), key=lambda pair: (pair[0].topic, pair[0].name))
    return sorted(
        groups.values(),
        key=lambda c: (
            c.group.audience == ELECTED_MEMBER,
            c.group.agency_name,
            list(Audience.values).index(c.group.audience),
        ),
    )


def coverage_list(entries: list[Entry], *, group_key: str, course_id: int | None, status: str) -> list[Entry]:
    """The people behind one count: in a group, for one course (or, with no course, by their overall status)."""
    chosen = [entry for entry in entries if entry.group.key == group_key]
    if course_id is not None:
        return [entry for entry in chosen if entry.course.pk == course_id and entry.status == status]
    overall = person_statuses(chosen)
    shown: list[Entry] = []
    listed: set[Person] = set()
    for entry in chosen:
        if overall[(entry.group, entry.person)] == status and entry.person not in listed and entry.status == status:
            listed.add(entry.person)
            shown.append(entry)
    return shown
