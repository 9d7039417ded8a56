"""The demo area's relationships with children: contact attempts and a health screening.

Recorded through the same services as the pages: key workers' attempts, the failed ones
too, one key worker who keeps trying until the child talks to them, one child contacted
by more professionals than the partnership's limit in two weeks, and one flagged sexual
health screening that opens a concern.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import RoleCode, User
from joinedup.children import services as children_services
from joinedup.children.models import Child
from joinedup.contacts.models import ContactMethod, ContactOutcome
from joinedup.contacts.services import contact_attempt_record
from joinedup.screening.permissions import can_screen
from joinedup.screening.services import screening_record

# A key worker persevering: (days ago, method, outcome, note), oldest first.
PERSEVERANCE = [
    (27, ContactMethod.PHONE, ContactOutcome.NO_ANSWER, "Left a voicemail with my number."),
    (25, ContactMethod.VISIT, ContactOutcome.NOT_AT_HOME, "Nobody in; left a card through the door."),
    (22, ContactMethod.TEXT, ContactOutcome.NO_ANSWER, "Texted to suggest meeting at the youth centre."),
    (18, ContactMethod.VISIT, ContactOutcome.DECLINED, "{name} did not want to talk today; agreed I would text."),
    (13, ContactMethod.SCHOOL, ContactOutcome.SPOKE, "Met {name} at lunchtime; we talked about football."),
    (6, ContactMethod.VISIT, ContactOutcome.SPOKE, "{name} showed me their new drawings and asked me to come back."),
    (2, ContactMethod.PHONE, ContactOutcome.NO_ANSWER, ""),
]
OTHER_ATTEMPTS = [
    (ContactMethod.VISIT, ContactOutcome.SPOKE, "Home visit; {name} talked about school."),
    (ContactMethod.PHONE, ContactOutcome.NO_ANSWER, ""),
    (ContactMethod.TEXT, ContactOutcome.SPOKE, "{name} replied and agreed to meet next week."),
    (ContactMethod.VISIT, ContactOutcome.NOT_AT_HOME, "Carer said {name} was out with friends."),
    (ContactMethod.SCHOOL, ContactOutcome.DECLINED, "{name} preferred to stay in class."),
]
# Professionals who meet children; coordinators, leaders and administrators do not.
FRONT_LINE = (RoleCode.PRACTITIONER, RoleCode.MANAGER)
AGENCY_CODES = ["POL", "HEA", "EDU", "YJS", "VCS"]


@dataclass
class RelationshipsSummary:
    contact_attempts: int = 0
    screenings: int = 0
    concerns: int = 0


def _front_line(users: dict[str, User], child: Child) -> list[User]:
    return [
        user
        for user in users.values()
        if user.has_role(*FRONT_LINE) and not user.has_role(RoleCode.COORDINATOR)
        if policy.can_record_about_child(user, child)
    ]


def demo_contacts_generate(
    *, users: dict[str, User], children: list[Child], rng: random.Random
) -> RelationshipsSummary:
    """Contact attempts (some failed, a key worker persevering, one child with many professionals) and one
    flagged health screening by practitioner-health on a child the health agency can see."""
    summary = RelationshipsSummary()
    now = timezone.now()

    def attempt(user: User, child: Child, days: float, method: str, outcome: str, note: str) -> None:
        contact_attempt_record(
            user=user,
            child=child,
            attempted_at=now - timedelta(days=days, minutes=rng.randint(0, 600)),
            method=method,
            outcome=outcome,
            note=note.format(name=child.given_name),
        )
        summary.contact_attempts += 1

    with_key_worker = [
        child
        for child in children
        if child.key_worker is not None and policy.can_record_about_child(child.key_worker, child)
    ]
    # The first child's key worker perseveres; the others' key workers try now and then.
    for index, child in enumerate(with_key_worker[:10]):
        key_worker = child.key_worker
        if key_worker is None:
            continue
        if index == 0:
            for days, method, outcome, note in PERSEVERANCE:
                attempt(key_worker, child, days, method, outcome, note)
            continue
        for _ in range(rng.randint(1, 4)):
            attempt(key_worker, child, rng.uniform(0.5, 29), *rng.choice(OTHER_ATTEMPTS))

    # One child contacted by more professionals than the limit in the window.
    crowded = next((child for child in children if child not in with_key_worker[:1]), None)
    if crowded is not None:
        wanted = settings.JOINEDUP_MANY_PROFESSIONALS + 2
        for code in AGENCY_CODES:
            if len(_front_line(users, crowded)) >= wanted:
                break
            children_services.involvement_open(
                user=users["coordinator"], child=crowded, agency_code=code, reason="Multi-agency plan"
            )
        window = settings.JOINEDUP_MANY_PROFESSIONALS_DAYS
        for user in _front_line(users, crowded)[:wanted]:
            for _ in range(rng.randint(1, 2)):
                attempt(user, crowded, rng.uniform(0.5, window - 2), *rng.choice(OTHER_ATTEMPTS))

    # One flagged screening by the sexual health nurse, on a child the health agency can see.
    nurse = users["practitioner-health"]
    screened = next((child for child in children if can_screen(nurse, child) and child is not crowded), None)
    if screened is not None:
        age = 14
        if screened.date_of_birth is not None:
            today = timezone.localdate()
            born = screened.date_of_birth
            age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        screening = screening_record(
            user=nurse,
            child=screened,
            screened_at=now - timedelta(days=2, hours=3),
            answers={
                "AGE": age,
                "PARTNER_AGE": age + 6,
                "GIFTS": "yes",
                "CHECKS_PHONE": "yes",
                "KEPT_FROM_FRIENDS": "no",
                "MISSING": "yes",
                "SCHOOL": "yes",
                "TAKEN_TO_PLACES": "yes",
                "IMAGES": "no",
            },
        )
        summary.screenings += 1
        summary.concerns += 1 if screening.concern_id else 0
    return summary
