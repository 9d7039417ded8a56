"""The demo area's children missing education, part-time timetables, a suspension, a permanent exclusion and an
elective home education notification, recorded by the school practitioner through the same services as the pages,
and the children missing education officer's checks and outcomes at different stages.

The officer is a manager of the borough's education service (``manager-education``); the children are among those
the education service works with (the coordinator opens its involvement where it has none yet).
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.services import user_create
from joinedup.agencies.models import Agency, Team
from joinedup.children import services as children_services
from joinedup.children.models import Child
from joinedup.deadlines import london_date
from joinedup.demo.generator import DEMO_PASSWORD

from . import services
from .models import CheckKind, CheckResult, CmeOutcome, CmeReason, RecordKind

OFFICER = "manager-education"
SCHOOLS = ["Wealdbridge Academy", "St Anne's CE High School", "Riverside Primary School", "Weald Park School"]

# Each case: (days since the school told, reason, last known address, postcode, destination, checks made as
# (check, days after the notice, result), outcome and detail when closed after so many days).
CASES: list[tuple[int, str, str, str, str, list[tuple[str, int, str]], tuple[str, str, int] | None]] = [
    (3, CmeReason.OFF_ROLL, "14 Mill Lane, Wealdbridge", "WB3 4QT", "", [], None),
    (
        19,
        CmeReason.TEN_DAYS,
        "Flat 2, 7 Station Road, Wealdbridge",
        "WB1 2AX",
        "",
        [(CheckKind.FAMILY, 1, CheckResult.NO_TRACE), (CheckKind.HOME_VISIT, 3, CheckResult.NO_TRACE)],
        None,
    ),
    (
        63,
        CmeReason.MOVED_UNKNOWN,
        "31 Orchard Close, Wealdbridge",
        "WB2 9LP",
        "Family said they may move abroad",
        [
            (CheckKind.FAMILY, 2, CheckResult.NO_TRACE),
            (CheckKind.HOME_VISIT, 4, CheckResult.INFORMATION),
            (CheckKind.SCHOOLS, 8, CheckResult.NO_TRACE),
            (CheckKind.AGENCIES, 10, CheckResult.INFORMATION),
        ],
        None,
    ),
    (
        40,
        CmeReason.ABSENT_UNEXPLAINED,
        "5 Church Walk, Wealdbridge",
        "WB4 1DS",
        "",
        [
            (CheckKind.FAMILY, 1, CheckResult.INFORMATION),
            (CheckKind.SCHOOLS, 6, CheckResult.LOCATED),
            (CheckKind.ABROAD, 6, CheckResult.NOT_APPLICABLE),
        ],
        (CmeOutcome.IN_SCHOOL, "On roll at Eastmere Secondary School, Eastmere", 12),
    ),
    (
        90,
        CmeReason.TEN_DAYS,
        "22 Canal Street, Wealdbridge",
        "WB1 7HH",
        "",
        [
            (CheckKind.FAMILY, 1, CheckResult.NO_TRACE),
            (CheckKind.HOME_VISIT, 2, CheckResult.NO_TRACE),
            (CheckKind.AGENCIES, 3, CheckResult.INFORMATION),
        ],
        (CmeOutcome.REFERRED_SOCIAL_CARE, "Referred to the front door with the police's information", 5),
    ),
]


@dataclass
class EducationSummary:
    cme_cases: int = 0
    other_records: int = 0


def _officer(users: dict[str, User]) -> User:
    if OFFICER not in users:
        agency = Agency.objects.get(code="EDU")
        users[OFFICER] = user_create(
            username=OFFICER,
            password=DEMO_PASSWORD,
            agency=agency,
            roles=[RoleCode.MANAGER],
            team=Team.objects.filter(agency=agency).first(),
            first_name="Nia",
            last_name="Inclusion Officer",
            email=f"{OFFICER}@edu.wealdbridge.example",
        )
    return users[OFFICER]


def demo_education_generate(*, users: dict[str, User], children: list[Child], rng: random.Random) -> EducationSummary:
    """Five children missing education (new, checks under way, open longer than six weeks, found in school,
    referred to children's social care), two part-time timetables (one in force), a suspension, a permanent
    exclusion and an elective home education notification."""
    summary = EducationSummary()
    school = users["practitioner-school"]
    officer = _officer(users)
    edu = Agency.objects.get(code="EDU")
    today = london_date(timezone.now())
    chosen = children[: len(CASES) + 5]
    for child in chosen:
        children_services.involvement_open(
            user=users["coordinator"], child=child, agency=edu, reason="Schools' information about education"
        )

    def day(days_ago: int) -> date:
        return today - timedelta(days=days_ago)

    for child, (ago, reason, address, postcode, destination, checks, closing) in zip(chosen, CASES, strict=False):
        record = services.education_record_create(
            user=school,
            child=child,
            kind=RecordKind.MISSING_EDUCATION,
            school=rng.choice(SCHOOLS),
            starts_on=day(ago),
            reason=reason,
            last_known_address=address,
            last_known_postcode=postcode,
            destination=destination,
            note=f"Phoned home on three days and wrote to the family; no reply. {child.given_name} is not known to "
            "have started at another school.",
        )
        for kind, after, result in checks:
            services.cme_check_record(
                user=officer, record=record, kind=kind, checked_on=day(ago - after), result=result
            )
        if closing is not None:
            outcome, detail, after = closing
            services.cme_case_close(
                user=officer, record=record, outcome=outcome, outcome_detail=detail, closed_on=day(ago - after)
            )
        summary.cme_cases += 1
    others = chosen[len(CASES) :]
    if len(others) < 5:
        return summary
    services.education_record_create(
        user=school,
        child=others[0],
        kind=RecordKind.PART_TIME,
        school=SCHOOLS[0],
        starts_on=day(20),
        ends_on=day(-22),
        hours_per_week=Decimal("15.0"),
        note="Mornings only while a plan for support in class is agreed; reviewed every two weeks.",
    )
    services.education_record_create(
        user=school,
        child=others[1],
        kind=RecordKind.PART_TIME,
        school=SCHOOLS[2],
        starts_on=day(120),
        ends_on=day(78),
        hours_per_week=Decimal("20.0"),
        note="Back to full time after six weeks.",
    )
    services.education_record_create(
        user=school,
        child=others[2],
        kind=RecordKind.SUSPENSION,
        school=SCHOOLS[1],
        starts_on=day(9),
        ends_on=day(5),
        days=3,
    )
    services.education_record_create(
        user=school, child=others[3], kind=RecordKind.EXCLUSION, school=SCHOOLS[3], starts_on=day(35)
    )
    services.education_record_create(
        user=school, child=others[4], kind=RecordKind.HOME_EDUCATION, school=SCHOOLS[0], starts_on=day(50)
    )
    summary.other_records = 5
    return summary
