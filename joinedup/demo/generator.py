"""The synthetic demo area: the fictional borough of Wealdbridge.

Everything here is invented. Names come from Faker's en_GB provider with a fixed
seed; postcodes use the area letters WB, which no real UK postcode uses. Later
issues add their records to this same generator, through the same services the
pages use, so the demo shows what the platform really does.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from faker import Faker

from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.services import user_create
from joinedup.agencies.models import Agency, AgencyKind, Team
from joinedup.audit.context import AuditOrigin, reset_origin, set_origin
from joinedup.children import services as children_services
from joinedup.children.models import Child, NoteCategory, Sex
from joinedup.sharing.models import LawfulBasis
from joinedup.sharing.services import share_decision_record

DEMO_PASSWORD = "joinedup-demo"  # noqa: S105 - the published password of the synthetic demo accounts
BOROUGH = "Wealdbridge"

AGENCIES: list[tuple[str, str, str, list[tuple[str, bool]]]] = [
    (
        "CSC",
        f"{BOROUGH} Children's Social Care",
        AgencyKind.CHILDRENS_SOCIAL_CARE,
        [("Front Door", True), ("Exploitation and Missing Team", False), ("Children in Care Team", False)],
    ),
    (
        "POL",
        f"{BOROUGH} Police",
        AgencyKind.POLICE,
        [("Missing Persons Unit", True), ("Child Exploitation Team", False)],
    ),
    ("HEA", f"{BOROUGH} Health", AgencyKind.HEALTH, [("Sexual Health Service", False), ("School Nursing", True)]),
    ("EDU", f"{BOROUGH} Education", AgencyKind.EDUCATION, [("Inclusion and Attendance", True)]),
    ("YJS", f"{BOROUGH} Youth Justice Service", AgencyKind.YOUTH_JUSTICE, [("Youth Justice Team", True)]),
    ("PRB", f"{BOROUGH} Probation", AgencyKind.PROBATION, [("Public Protection", True)]),
    ("VCS", f"{BOROUGH} Young People's Trust", AgencyKind.VOLUNTARY_SECTOR, [("Return Home Interview Service", True)]),
]

# username, agency, team, roles, first name, last name
ACCOUNTS: list[tuple[str, str, str, list[str], str, str]] = [
    ("coordinator", "CSC", "Exploitation and Missing Team", [RoleCode.COORDINATOR], "Priya", "Coordinator"),
    ("manager", "CSC", "Exploitation and Missing Team", [RoleCode.MANAGER], "Sam", "Manager"),
    ("leader", "CSC", "Front Door", [RoleCode.LEADER], "Alex", "Leader"),
    ("admin", "CSC", "Front Door", [RoleCode.ADMINISTRATOR], "Jo", "Administrator"),
    (
        "practitioner-social-care",
        "CSC",
        "Exploitation and Missing Team",
        [RoleCode.PRACTITIONER],
        "Ruth",
        "Social Worker",
    ),
    ("practitioner-police", "POL", "Child Exploitation Team", [RoleCode.PRACTITIONER], "Dan", "Constable"),
    ("manager-police", "POL", "Child Exploitation Team", [RoleCode.MANAGER], "Kim", "Sergeant"),
    ("practitioner-health", "HEA", "Sexual Health Service", [RoleCode.PRACTITIONER], "Lena", "Nurse"),
    ("practitioner-school", "EDU", "Inclusion and Attendance", [RoleCode.PRACTITIONER], "Tom", "Teacher"),
    ("practitioner-youth-justice", "YJS", "Youth Justice Team", [RoleCode.PRACTITIONER], "Ade", "Caseworker"),
    ("practitioner-voluntary", "VCS", "Return Home Interview Service", [RoleCode.PRACTITIONER], "Mia", "Youth Worker"),
]

PRACTITIONER_OF = {
    "CSC": "practitioner-social-care",
    "POL": "practitioner-police",
    "HEA": "practitioner-health",
    "EDU": "practitioner-school",
    "YJS": "practitioner-youth-justice",
    "VCS": "practitioner-voluntary",
}

ENTRY_TEXTS: dict[str, list[tuple[str, str]]] = {
    "CSC": [
        (
            NoteCategory.CONTACT,
            "Home visit. {name} talked about school and said they want to see more of their older sister.",
        ),
        (
            NoteCategory.DECISION,
            "Strategy discussion held with police and school; agencies agreed a safety plan "
            "with {name} and their carer.",
        ),
        (
            NoteCategory.CONTACT,
            "Key worker visit. {name} was quiet but agreed to meet again next week at the youth centre.",
        ),
    ],
    "POL": [
        (
            NoteCategory.INFORMATION,
            "{name} was found at a private address with adults of concern and was taken home safely.",
        ),
        (
            NoteCategory.CONCERN,
            "Intelligence that an adult is giving {name} lifts and gifts; disruption being considered.",
        ),
    ],
    "HEA": [
        (
            NoteCategory.CONTACT,
            "{name} attended the clinic with an adult who was not a relative; "
            "screening questions about relationships completed.",
        ),
        (
            NoteCategory.CONCERN,
            "School nurse drop-in: {name} said they are tired and have a new phone from an older friend.",
        ),
    ],
    "EDU": [
        (
            NoteCategory.INFORMATION,
            "Attendance has fallen to 62% this term; staff saw {name} collected after school by an adult in a car.",
        ),
        (
            NoteCategory.CONTACT,
            "Designated safeguarding lead met {name}, who asked for help catching up with coursework.",
        ),
    ],
    "YJS": [
        (
            NoteCategory.CONTACT,
            "Caseworker session. {name} spoke about being pressured to carry items for older young people.",
        )
    ],
    "VCS": [
        (
            NoteCategory.CONTACT,
            "Youth worker met {name} at the drop-in; {name} wants to join the Saturday football group.",
        )
    ],
}


@dataclass
class DemoSummary:
    agencies: int = 0
    users: list[str] = field(default_factory=list)
    children: int = 0
    entries: int = 0
    shares: int = 0
    break_glass: int = 0
    missing_episodes: int = 0
    return_interviews: int = 0
    assessments: int = 0
    mace_meetings: int = 0
    contact_attempts: int = 0
    extract_records: int = 0


def _postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"WB{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def _birth_date(rng: random.Random, today: date) -> date:
    return today - timedelta(days=rng.randint(10 * 365, 17 * 365 + 300))


def demo_area_exists() -> bool:
    return Agency.objects.filter(code="CSC", name=f"{BOROUGH} Children's Social Care").exists()


def demo_area_generate(*, seed: int = 2016, children: int = 60, extracts: bool = True) -> DemoSummary:
    """Create the demo borough, its agencies, teams, staff and children. Run once on an empty database.

    ``extracts=False`` leaves out the agency extracts with their linkage and mapping (the slow part)."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    summary = DemoSummary()
    token = set_origin(AuditOrigin(path="manage.py demo_area"))
    try:
        with transaction.atomic():
            _agencies(summary)
            users = _accounts(summary)
            _children(summary, rng, fake, users, count=children)
            from joinedup.oversight.demo import demo_goals_generate  # issue 12: strategic goals

            demo_goals_generate(users=users)
            from joinedup.training.demo import demo_training_generate  # issue 12: training and coverage

            demo_training_generate(users=users)
            if extracts:
                from joinedup.demo.extracts import demo_extracts_generate

                made = demo_extracts_generate(users=users, rng=rng)
                summary.extract_records = made.people_records + made.event_records
            from joinedup.profiles.demo import demo_problem_profiles_generate  # issue 12: the local problem profile

            demo_problem_profiles_generate(users=users)
    finally:
        reset_origin(token)
    return summary


def _agencies(summary: DemoSummary) -> None:
    for code, name, kind, teams in AGENCIES:
        agency = Agency.objects.create(code=code, name=name, kind=kind)
        for team_name, duty in teams:
            Team.objects.create(
                agency=agency,
                name=team_name,
                is_duty_team=duty,
                return_interviews=team_name == "Return Home Interview Service",
                email=f"{team_name.lower().replace(' ', '-')}@{code.lower()}.wealdbridge.example",
            )
        summary.agencies += 1


def _accounts(summary: DemoSummary) -> dict[str, User]:
    users = {}
    for username, code, team_name, roles, first, last in ACCOUNTS:
        agency = Agency.objects.get(code=code)
        users[username] = user_create(
            username=username,
            password=DEMO_PASSWORD,
            agency=agency,
            roles=list(roles),
            team=Team.objects.get(agency=agency, name=team_name),
            first_name=first,
            last_name=last,
            email=f"{username}@{code.lower()}.wealdbridge.example",
        )
        summary.users.append(username)
    return users


def _children(summary: DemoSummary, rng: random.Random, fake: Faker, users: dict[str, User], *, count: int) -> None:
    today = timezone.localdate()
    now = timezone.now()
    other_codes = ["POL", "HEA", "EDU", "YJS", "VCS"]
    created: list[tuple[Child, list[str]]] = []
    for index in range(count):
        sex = rng.choice([Sex.FEMALE, Sex.FEMALE, Sex.MALE, Sex.MALE, Sex.OTHER])
        given = (
            fake.first_name_female()
            if sex == Sex.FEMALE
            else fake.first_name_male()
            if sex == Sex.MALE
            else fake.first_name()
        )
        # Most children are known to social care; a few only to one other agency, so that
        # need-to-know, sharing and emergency access all have something real to show.
        owner = "CSC" if index % 6 else rng.choice(["POL", "HEA", "EDU"])
        author = users[PRACTITIONER_OF[owner]]
        child = children_services.child_create(
            user=author,
            given_name=given,
            family_name=fake.last_name(),
            date_of_birth=_birth_date(rng, today),
            sex=sex,
            other_names=fake.first_name() if rng.random() < 0.2 else "",
            postcode=_postcode(rng),
            la_child_id=f"WB{100000 + index}" if owner == "CSC" else "",
            involvement_reason="Referral",
        )
        codes = [owner]
        if owner == "CSC":
            for code in rng.sample(other_codes, k=rng.randint(1, 3)):
                children_services.involvement_open(
                    user=users["coordinator"], child=child, agency_code=code, reason="Multi-agency plan"
                )
                codes.append(code)
        key_agency = rng.choice(codes)
        child.key_worker = users[PRACTITIONER_OF[key_agency]]
        child.save(update_fields=["key_worker"])
        for code in codes:
            for _ in range(rng.randint(1, 3)):
                category, text = rng.choice(ENTRY_TEXTS[code])
                children_services.chronology_entry_record(
                    user=users[PRACTITIONER_OF[code]],
                    child=child,
                    occurred_at=now - timedelta(days=rng.randint(1, 300), minutes=rng.randint(0, 1440)),
                    category=category,
                    summary=text.format(name=child.given_name),
                )
                summary.entries += 1
        created.append((child, codes))
        summary.children += 1

    # Sharing decisions: police share some of their children with school; social care shares with health.
    approvers = {"POL": users["manager-police"], "CSC": users["manager"]}
    shares = [(c, "POL", "EDU") for c, codes in created if codes == ["POL"]][:2]
    shares += [(c, "CSC", "HEA") for c, codes in created if codes[0] == "CSC" and "HEA" not in codes][:3]
    for child, by, to in shares:
        share_decision_record(
            user=users[PRACTITIONER_OF[by]],
            child=child,
            lawful_basis=LawfulBasis.UK_GDPR_PUBLIC_TASK,
            purpose="So the recipient can support the agreed safety plan",
            approved_by=approvers[by],
            shared_with_agency=Agency.objects.get(code=to),
        )
        summary.shares += 1

    # One emergency access waiting for the social care manager's review.
    from joinedup.access.services import break_glass_grant

    unseen = [c for c, codes in created if codes == ["HEA"]] or [c for c, codes in created if "CSC" not in codes]
    if unseen and unseen[0].date_of_birth:
        break_glass_grant(
            user=users["practitioner-social-care"],
            given_name=unseen[0].given_name,
            family_name=unseen[0].family_name,
            date_of_birth=unseen[0].date_of_birth,
            reason="Out-of-hours call: the child was reported missing by their carer and police asked for background.",
        )
        summary.break_glass += 1

    from joinedup.demo.missing import demo_missing_generate

    missing = demo_missing_generate(
        users=users, children=[c for c, codes in created if codes[0] == "CSC"], rng=rng, fake=fake
    )
    summary.missing_episodes = missing.episodes
    summary.return_interviews = missing.interviews

    from joinedup.demo.assessments import demo_assessments_generate

    summary.assessments = demo_assessments_generate(
        users=users, children=[c for c, codes in created if codes[0] == "CSC" and "POL" in codes], rng=rng
    )

    from joinedup.demo.exploitation import demo_mace_generate

    summary.mace_meetings = demo_mace_generate(
        users=users, children=[c for c, codes in created if codes[0] == "CSC"], rng=rng
    ).meetings

    from joinedup.demo.relationships import demo_contacts_generate

    summary.contact_attempts = demo_contacts_generate(
        users=users, children=[c for c, codes in created if codes[0] == "CSC"], rng=rng
    ).contact_attempts
    from joinedup.supervision.demo import demo_supervision_generate

    demo_supervision_generate(users=users, children=[c for c, _ in created], rng=rng)
    from joinedup.caseaudits.demo import demo_caseaudits_generate  # issue 12: case audits

    demo_caseaudits_generate(users=users, rng=rng)
    from joinedup.frontdoor.demo import demo_frontdoor_generate

    demo_frontdoor_generate(users=users, children=[c for c, _ in created], rng=rng)
    from joinedup.victims.demo import demo_victims_generate

    demo_victims_generate(users=users, children=[c for c, _ in created], rng=rng)
    from joinedup.strategy.demo import demo_strategy_generate  # issue 13: strategy discussions, s47, the NRM

    demo_strategy_generate(users=users, children=[c for c, _ in created], rng=rng)
    from joinedup.contextual.demo import demo_contextual_generate  # issue 14: work on places and peer groups

    demo_contextual_generate(users=users, children=[c for c, _ in created], rng=rng)
    from joinedup.voice.demo import demo_voice_generate  # issue 13: the child's say and speaking out

    demo_voice_generate(users=users, children=[c for c, _ in created], rng=rng)
    from joinedup.community.demo import demo_community_generate  # issue 14: registered businesses, reports

    demo_community_generate(users=users)
    from joinedup.places.demo import demo_places_generate  # issue 14: places as records, one Station Hotel

    demo_places_generate(users=users)
    from joinedup.campaigns.demo import demo_campaigns_generate  # issue 14: a year of awareness campaigns

    demo_campaigns_generate(users=users)
    from joinedup.education.demo import demo_education_generate

    demo_education_generate(users=users, children=[c for c, _ in created], rng=rng)
    from joinedup.plans.demo import demo_plans_generate  # after the others: a closed case's record is read-only

    demo_plans_generate(users=users, children=[c for c, _ in created], rng=rng)
