"""The demo area's training: five courses, who needs them, six elected members and a year of attendance.

Recorded through the same services as the pages, by the demo coordinator (and the police team manager for the
police's own staff). Attendance is spread over the last year, with some older training that has since expired and
some people who have never done a course they need, so the coverage page and the dashboard have something to show.
Its own random generator, so the rest of the demo area is the same with or without it.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.agencies.models import AgencyKind
from joinedup.deadlines import london_date

from . import services
from .models import ELECTED_MEMBER, Audience, Course, Topic, Trainee

COUNCIL = "Wealdbridge Borough Council, elected member"

# name, topic, months in date, who needs it: (audience, kind of agency or "")
COURSES: list[tuple[str, str, int, list[tuple[str, str]]]] = [
    (
        "Child exploitation awareness",
        Topic.EXPLOITATION_AWARENESS,
        12,
        [
            (Audience.PRACTITIONER, ""),
            (Audience.MANAGER, ""),
            (Audience.COORDINATOR, ""),
            (Audience.LEADER, ""),
            (Audience.ELECTED_MEMBER, ""),
        ],
    ),
    (
        "Return home interviews: offering, doing and recording them",
        Topic.RETURN_INTERVIEWS,
        24,
        [
            (Audience.PRACTITIONER, AgencyKind.VOLUNTARY_SECTOR),
            (Audience.PRACTITIONER, AgencyKind.CHILDRENS_SOCIAL_CARE),
            (Audience.COORDINATOR, ""),
        ],
    ),
    (
        "Using the partnership's risk model",
        Topic.RISK_MODEL,
        24,
        [(Audience.PRACTITIONER, ""), (Audience.MANAGER, ""), (Audience.COORDINATOR, "")],
    ),
    (
        "Language that does not blame children",
        Topic.APPROPRIATE_LANGUAGE,
        36,
        [(Audience.PRACTITIONER, ""), (Audience.MANAGER, ""), (Audience.LEADER, ""), (Audience.ELECTED_MEMBER, "")],
    ),
    (
        "Thresholds and referral pathways",
        Topic.THRESHOLDS_AND_REFERRALS,
        24,
        [
            (Audience.PRACTITIONER, AgencyKind.EDUCATION),
            (Audience.PRACTITIONER, AgencyKind.HEALTH),
            (Audience.MANAGER, ""),
        ],
    ),
]

ELECTED_MEMBERS = [
    "Cllr Margaret Oduya",
    "Cllr Peter Halloran",
    "Cllr Sunita Varma",
    "Cllr Gareth Pryce",
    "Cllr Helen Achterberg",
    "Cllr Tomasz Nowicki",
]


@dataclass
class TrainingSummary:
    courses: int = 0
    requirements: int = 0
    elected_members: int = 0
    attendances: int = 0


def demo_training_generate(*, users: dict[str, User], seed: int = 2016) -> TrainingSummary:
    """Needs the demo accounts coordinator and manager-police; records everyone else's training as well."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    today = london_date(timezone.now())
    coordinator, police_manager = users["coordinator"], users["manager-police"]
    summary = TrainingSummary()
    courses: list[Course] = []
    for name, topic, months, needed in COURSES:
        course = services.course_create(user=coordinator, name=name, topic=topic, validity_months=months)
        courses.append(course)
        summary.courses += 1
        for audience, kind in needed:
            services.training_requirement_add(user=coordinator, course=course, audience=audience, agency_kind=kind)
            summary.requirements += 1
    members = [services.trainee_create(user=coordinator, full_name=name, body=COUNCIL) for name in ELECTED_MEMBERS]
    summary.elected_members = len(members)

    # As plain strings: an enum member hashes by its name, so a set of members would not find a role's code.
    needs = {c.pk: {(str(a), str(k)) for a, k in n} for c, (_, _, _, n) in zip(courses, COURSES, strict=True)}

    def required(course: Course, audiences: list[str], kind: str) -> bool:
        return any((a, k) in needs[course.pk] for a in audiences for k in ("", kind))

    def attend(course: Course, *, staff: User | None = None, trainee: Trainee | None = None) -> None:
        roll = rng.random()
        if roll < 0.2:
            return  # never trained
        if roll < 0.4:  # done once, long enough ago to have expired
            done = today - timedelta(days=course.validity_months * 31 + rng.randint(5, 150))
        else:  # done in the last year
            done = today - timedelta(days=rng.randint(1, 330))
        recorder = police_manager if staff is not None and staff.agency_id == police_manager.agency_id else coordinator
        services.attendance_record(
            user=recorder, course=course, attended_on=done, today=today, staff=staff, trainee=trainee
        )
        summary.attendances += 1

    for user in sorted(users.values(), key=lambda u: u.username):
        if user.agency is None:
            continue
        codes = sorted(user.role_codes())
        for course in courses:
            if required(course, codes, user.agency.kind):
                attend(course, staff=user)
    for member in members:
        for course in courses:
            if required(course, [ELECTED_MEMBER], ""):
                attend(course, trainee=member)
    # Two members trained in exploitation awareness recently, whatever the dice said: some are trained.
    for member in members[:2]:
        services.attendance_record(
            user=coordinator, course=courses[0], attended_on=today - timedelta(days=40), today=today, trainee=member
        )
        summary.attendances += 1
    return summary
