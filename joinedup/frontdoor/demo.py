"""The demo area's contacts to the front door over the last four months, at every stage.

Recorded through the same services as the pages, dated in the past: contacts from schools, health, the police,
youth justice, the voluntary sector and members of the public; most decided within the working day, some late,
a few still waiting (one past its deadline); requests for information to the police and health, most answered in
time and some late; most referrers told the outcome.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.children.models import Child

from . import services
from .models import Awareness, Consent, ReferrerKind, Route, ThresholdLevel, ToldHow
from .thresholds import threshold_seed

WORRIES = [
    "{name} has been seen getting into cars with adults the family does not know, after school.",
    "{name} came to school with a new phone and expensive trainers and would not say where they came from.",
    "{name} told a teaching assistant that an older friend asks them to carry parcels to another town.",
    "{name} has been missing from home three times this month, once overnight, and came back tired and hungry.",
    "{name}'s attendance has fallen to half-days; the family say {name} stays with friends they have not met.",
    "A neighbour saw {name} at a flat where adults come and go late at night.",
]
PRACTITIONERS = [
    "practitioner-school",
    "practitioner-health",
    "practitioner-police",
    "practitioner-youth-justice",
    "practitioner-voluntary",
]
ROUTE_OF_LEVEL = {
    "universal": Route.NO_FURTHER_ACTION,
    "early_help": Route.EARLY_HELP,
    "targeted": Route.CHILD_IN_NEED,
    "specialist": Route.EXPLOITATION,
}


@dataclass
class FrontDoorSummary:
    contacts: int = 0
    decided: int = 0
    requests: int = 0


def _ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)


def demo_frontdoor_generate(
    *, users: dict[str, User], children: list[Child], rng: random.Random, contacts: int = 36
) -> FrontDoorSummary:
    """About three dozen contacts over the last 120 days, decided by the social care front door."""
    summary = FrontDoorSummary()
    threshold = threshold_seed()
    levels = {level.code: level for level in ThresholdLevel.objects.filter(document=threshold)}
    front_door = users["practitioner-social-care"]
    partners = list(Agency.objects.filter(code__in=["POL", "HEA"]).order_by("code"))
    answerers = {"POL": users.get("practitioner-police"), "HEA": users.get("practitioner-health")}
    pairs = [(users[name], child) for child in children for name in PRACTITIONERS if name in users]
    pairs = [(user, child) for user, child in pairs if policy.can_record_contact(user, child)]
    if not pairs:
        return summary
    for n in range(contacts):
        recorder, child = rng.choice(pairs)
        # The first three are waiting: two received within the last hours, one eight days ago (past its deadline).
        days = 0.1 + n * 0.02 if n < 2 else (8.0 if n == 2 else rng.uniform(1.5, 120))
        received = _ago(days)
        public = rng.random() < 0.2
        contact = services.contact_record(
            user=recorder,
            child=child,
            received_at=received,
            worries=rng.choice(WORRIES).format(name=child.given_name),
            child_aware=rng.choice(Awareness.values),
            family_aware=rng.choice([Awareness.YES, Awareness.NO]),
            consent=Consent.NOT_SOUGHT if rng.random() < 0.3 else Consent.GIVEN,
            consent_reason="Telling the family now may put the child at risk from the adults involved.",
            referrer_kind=ReferrerKind.PUBLIC if public else ReferrerKind.PROFESSIONAL,
            referrer_name="A neighbour (name given)" if public else recorder.get_full_name() or recorder.username,
            referrer_role="Neighbour" if public else "Practitioner",
            referrer_agency=None if public else recorder.agency,
            referrer_contact="07700 900000" if public else recorder.email,
        )
        summary.contacts += 1
        if n < 3:
            continue
        late = rng.random() < 0.15
        decided_at = received + timedelta(hours=rng.uniform(50, 100) if late else rng.uniform(1, 6))
        for agency in partners if rng.random() < 0.6 else []:
            asked = services.information_request_make(
                user=front_door,
                contact=contact,
                to_agency=agency,
                question=f"What does your agency know of {child.given_name} and the adults around them?",
                asked_at=received + timedelta(minutes=30),
            )
            summary.requests += 1
            answerer = answerers.get(agency.code)
            if answerer is not None:
                answered_at = received + timedelta(hours=rng.uniform(1, 4) if rng.random() < 0.8 else 60)
                services.information_request_answer(
                    user=answerer,
                    request=asked,
                    answer="Known to us: seen twice with an adult of concern; intelligence shared.",
                    answered_at=min(answered_at, timezone.now()),
                )
        level = levels[rng.choice(list(ROUTE_OF_LEVEL))]
        route = ROUTE_OF_LEVEL[level.code]
        contact = services.contact_decide(
            user=front_door,
            contact=contact,
            level=level,
            decision_reason=f"Against the descriptors of {level.name.lower()}: {level.descriptor[:80]}",
            route=route,
            route_detail="Advice to the school on a safety conversation with the child." if route == "nfa" else "",
            decided_at=min(decided_at, timezone.now()),
        )
        summary.decided += 1
        if rng.random() < 0.85:
            told_at = min(decided_at + timedelta(hours=rng.uniform(0.5, 30)), timezone.now())
            services.referrer_told_record(
                user=front_door, contact=contact, referrer_told_how=rng.choice(ToldHow.values), referrer_told_at=told_at
            )
    return summary
