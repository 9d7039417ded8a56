"""The demo area's case audits: a round about every quarter over the last year, a few audits in each, graded by
auditors from social care, the police and the coordinator, with the child's and family's experience, learning
points tagged with themes, and actions (most done, a few overdue, so the dashboard has something to show).

Recorded through the same services as the pages, dated in the past.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.deadlines import london_date

from . import services
from .models import CaseAudit, Grade, Theme
from .seed import standard_seed

ROUND_THEMES = [
    "Children going missing from care",
    "Information sharing between agencies",
    "The voice of the child in risk assessments",
    "Children at high risk of criminal exploitation",
    "Return home interviews and what children told us",
]
# Each round: days ago it opened. It looks back over the six months before it opened (the demo's missing
# histories reach back about fifteen months); the latest round's audits are still to do.
ROUND_OPENED_DAYS = (330, 240, 150, 60, 3)
LOOK_BACK_DAYS = 182
EXPERIENCES = [
    "{name} told the auditors that the youth worker was the one person they trusted; their mother felt she was "
    "told about meetings too late.",
    "{name} said nobody asked why they kept going missing until the return interview; the family felt listened "
    "to once the key worker was allocated.",
    "{name} did not want to meet the auditors; their carer said the visits became steadier after the MACE meeting.",
    "{name}'s grandmother said she had to repeat the story to five professionals before anything changed.",
]
LEARNING = [
    ("The school knew of the older friends weeks before social care did.", ["information_sharing"]),
    ("The assessment did not record what {name} said about the parties.", ["voice_of_the_child"]),
    ("Return interviews were offered late after two of the episodes.", ["missing_return_interviews"]),
    ("Domestic abuse at home was not linked to the risk outside it.", ["assessment_quality", "domestic_abuse"]),
    ("{name}'s low mood was known to health but not to the plan.", ["information_sharing", "mental_health"]),
    ("Cannabis use was treated as the problem rather than as a sign of exploitation.", ["substance_misuse"]),
    ("Exclusion from school left {name}'s days unsupervised.", ["missing_education", "thresholds"]),
    ("Contact through social media was not part of the safety plan.", ["online_harm"]),
    ("Each missing episode was handled alone; the pattern was not seen.", ["going_missing", "management_oversight"]),
]
ACTIONS = [
    ("POL", "Share the intelligence about the address with the school's designated safeguarding lead."),
    ("CSC", "Add the child's own words to the risk assessment template."),
    ("CSC", "Remind team managers to record oversight of every open exploitation case monthly."),
    ("POL", "Review how return home interview requests reach the voluntary sector provider."),
]


@dataclass
class CaseAuditSummary:
    rounds: int = 0
    audits: int = 0
    completed: int = 0


def _ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)


def demo_caseaudits_generate(*, users: dict[str, User], rng: random.Random) -> CaseAuditSummary:
    """A round about every quarter over the last year (``ROUND_OPENED_DAYS``), each looking back over the six
    months before it opened; three or four audits each, the latest round's still to do."""
    standard_seed()
    summary = CaseAuditSummary()
    coordinator = users["coordinator"]
    people = [coordinator, users["manager"], users["manager-police"]]
    themes = {t.code: t for t in Theme.objects.all()}
    agencies = {a.code: a for a in Agency.objects.filter(code__in=["CSC", "POL"])}
    grades = [Grade.OUTSTANDING, Grade.GOOD, Grade.GOOD, Grade.REQUIRES_IMPROVEMENT, Grade.INADEQUATE]
    for number, opened_days in enumerate(ROUND_OPENED_DAYS):
        opened = _ago(opened_days)
        audit_round = services.audit_round_open(
            user=coordinator,
            theme=ROUND_THEMES[number % len(ROUND_THEMES)],
            period_start=london_date(opened - timedelta(days=LOOK_BACK_DAYS)),
            period_end=london_date(opened),
            sample_size=rng.choice([3, 4]),
            seed=rng.randrange(1, 2**31),
            opened_at=opened,
        )
        summary.rounds += 1
        for audit in audit_round.audits.select_related("child"):
            summary.audits += 1
            child = audit.child
            auditors = [p for p in people if policy.can_be_case_auditor(p, child)]
            services.case_auditors_name(user=coordinator, audit=audit, auditors=auditors)
            done_days = opened_days - rng.randint(4, 9)
            if done_days < 1:
                continue  # the latest round's audits are still to do
            # One action in three is left overdue; the rest are done once due.
            leave_open = summary.completed % 3 == 0
            _complete(audit, auditors[-1], coordinator, done_days, rng, grades, themes, agencies, leave_open)
            summary.completed += 1
    return summary


def _complete(
    audit: CaseAudit,
    auditor: User,
    coordinator: User,
    done_days: int,
    rng: random.Random,
    grades: list[Grade],
    themes: dict[str, Theme],
    agencies: dict[str, Agency],
    leave_open: bool,
) -> None:
    child = audit.child
    services.case_audit_record(
        user=auditor,
        audit=audit,
        audited_on=london_date(_ago(done_days)),
        grades={
            q.code: (rng.choice(grades), "As the chronology and the plan show.") for q in audit.tool.questions.all()
        },
        overall_grade=rng.choice(grades),
        child_experience=rng.choice(EXPERIENCES).format(name=child.given_name),
        child_spoken_to=rng.random() < 0.6,
        family_spoken_to=rng.random() < 0.7,
        completed_at=_ago(done_days),
    )
    for text, codes in rng.sample(LEARNING, 2):
        services.learning_point_record(
            user=auditor,
            audit=audit,
            text=text.format(name=child.given_name),
            themes=[themes[c] for c in codes],
            recorded_at=_ago(done_days),
        )
    code, what = rng.choice(ACTIONS)
    action = services.audit_action_record(
        user=auditor,
        audit=audit,
        what=what,
        owner_agency=agencies[code],
        due=london_date(_ago(done_days - 14)),
        recorded_at=_ago(done_days),
    )
    if done_days > 16 and not leave_open:
        services.audit_action_done(user=coordinator, action=action, done_at=_ago(done_days - 12))
