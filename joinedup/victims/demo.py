"""The demo area's year of police attendance on missing reports and of care for children who are victims of crime
in its exploitation cases.

Recorded through the same services as the pages, dated in the past: the police's first visit on most missing
reports (quicker for a higher risk, a few later than the local standard, some not attended), and for about two in
three children with an exploitation concern a crime recorded with its needs assessment (a few late), support
offered, contact kept every few weeks (a few children left without contact for longer) and, for the older ones,
the outcome: some children support a prosecution and some do not; outcome 16 where they do not, and some adults
charged all the same on the evidence gathered without the child's (evidence-led).
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.children.models import Child
from joinedup.concerns.models import Concern
from joinedup.deadlines import london_date
from joinedup.missing.models import MissingEpisode, RiskGrade
from joinedup.missing.services import police_attendance_record

from . import services
from .models import ContactMethod, ProsecutionSupport, SupportResponse, SupportService

OFFENCES = [
    "Sexual exploitation of a child (arranging or facilitating)",
    "Trafficking a child for exploitation (Modern Slavery Act 2015)",
    "Causing or inciting a child to engage in sexual activity",
    "Sexual communication with a child",
    "Possession with intent to supply, using a child (county lines)",
]
NEEDS = [
    "{name} wants to speak to a female officer and to be told before anything happens in court.",
    "{name} is frightened of being seen at the police station; visits at home or school.",
    "{name} needs support with sleep and anxiety; a trusted adult present at every contact.",
    "{name} asked that their carer is told about each update; no contact by phone after 8pm.",
]
UPDATES = [
    "Told {name} the suspect is on bail with conditions not to contact them.",
    "Explained to {name} what happens next in the investigation and who to call.",
    "Checked {name} is safe and still happy with the ISVA; no new decision yet.",
    "Told {name} the file has gone to the Crown Prosecution Service.",
    "Told {name} the outcome and what it means; their support carries on.",
]
OFFERS = [SupportService.ISVA, SupportService.EXPLOITATION, SupportService.THERAPEUTIC, SupportService.VICTIM_SUPPORT]
# Minutes from the report to the first visit, by the grade now: (usual range, a late one).
ATTEND_MINUTES: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    RiskGrade.HIGH: ((10, 55), (70, 150)),
    RiskGrade.MEDIUM: ((40, 220), (300, 600)),
    RiskGrade.LOW: ((120, 1200), (1500, 2400)),
}


# How long ago each crime was reported, in turn: with the children's answers on a prosecution (yes, no, no, not yet
# asked in turn) the first four give an open case with a gap in contact, an evidence-led charge, an outcome 16 and a
# new case not yet assessed.
REPORTED_DAYS_AGO = [300, 200, 170, 60, 330, 240, 130, 45]


@dataclass
class VictimsSummary:
    attendances: int = 0
    investigations: int = 0


def _before_now(moment: datetime) -> datetime:
    return min(moment, timezone.now() - timedelta(minutes=5))


def _recorder(users: dict[str, User], child: Child, can: object) -> User:
    police = users["practitioner-police"]
    return police if can(police, child) else users["coordinator"]  # type: ignore[operator]


def _attendances(users: dict[str, User], children: list[Child], rng: random.Random) -> int:
    count = 0
    episodes = MissingEpisode.objects.filter(child__in=children).select_related("child").order_by("started_at", "pk")
    for episode in episodes:
        grading = episode.current_grading
        grade = grading.grade if grading is not None else RiskGrade.MEDIUM
        if grade not in ATTEND_MINUTES or rng.random() < 0.12:
            continue  # no apparent risk, or not attended (the child came home first)
        usual, late = ATTEND_MINUTES[grade]
        minutes = rng.randint(*late) if rng.random() < 0.15 else rng.randint(*usual)
        attended_at = episode.reported_at + timedelta(minutes=minutes)
        if attended_at > timezone.now() - timedelta(minutes=5):
            continue
        police_attendance_record(
            user=_recorder(users, episode.child, policy.can_record_police_attendance),
            episode=episode,
            attended_at=attended_at,
            attended_by=f"PC {rng.randint(1000, 9999)} and PC {rng.randint(1000, 9999)}",
            place="The placement" if episode.child.looked_after else "The family home",
        )
        count += 1
    return count


def _care(users: dict[str, User], concern: Concern, index: int, rng: random.Random) -> None:
    child = concern.child
    user = _recorder(users, child, policy.can_record_victim_care)
    name = child.given_name
    # Spread over the year, so that some are long closed, some open for months and some new.
    reported_at = timezone.now() - timedelta(days=REPORTED_DAYS_AGO[index % len(REPORTED_DAYS_AGO)], hours=index)
    investigation = services.investigation_record(
        user=user,
        child=child,
        crime_reference=f"WB/{london_date(reported_at):%y}/{4000 + index}",
        offence=OFFENCES[index % len(OFFENCES)],
        reported_at=reported_at,
        concern=concern,
    )
    if index % 7 != 3:  # one in seven not yet assessed
        late = index % 5 == 1
        services.needs_assessment_record(
            user=user,
            investigation=investigation,
            needs_found=rng.choice(NEEDS).format(name=name),
            assessed_at=_before_now(reported_at + timedelta(days=rng.randint(5, 9) if late else 0, hours=3)),
        )
    for service in rng.sample(OFFERS, k=rng.randint(1, 2)):
        services.support_offer_record(
            user=user,
            investigation=investigation,
            service=service,
            offered_at=_before_now(reported_at + timedelta(days=1)),
            response=rng.choice([SupportResponse.ACCEPTED, SupportResponse.ACCEPTED, SupportResponse.DECLINED]),
        )
    age_days = (timezone.now() - reported_at).days
    supports = [ProsecutionSupport.YES, ProsecutionSupport.NO, ProsecutionSupport.NO, ProsecutionSupport.NOT_ASKED][
        index % 4
    ]
    if supports != ProsecutionSupport.NOT_ASKED:
        services.prosecution_support_record(
            user=user,
            investigation=investigation,
            supports_prosecution=supports,
            asked_on=london_date(_before_now(reported_at + timedelta(days=7))),
        )
    # Contact kept every two to four weeks, whatever the child said; one child in five without any for six weeks.
    closes_after = rng.randint(90, age_days - 10) if age_days > 120 and index % 3 != 0 else None
    stop = min(age_days, closes_after or age_days) - (45 if index % 5 == 0 and closes_after is None else 0)
    day = rng.randint(3, 10)
    while day < stop:
        services.victim_contact_record(
            user=user,
            investigation=investigation,
            contacted_at=_before_now(reported_at + timedelta(days=day, hours=rng.randint(0, 6))),
            method=rng.choice(ContactMethod.values),
            update_given=rng.choice(UPDATES).format(name=name),
        )
        day += rng.randint(14, 27)
    if closes_after is not None:
        if supports == ProsecutionSupport.NO:
            outcome, evidence_led = ("1", True) if index % 2 else ("16", False)
        elif supports == ProsecutionSupport.YES:
            outcome, evidence_led = rng.choice([("1", False), ("15", False)])
        else:
            outcome, evidence_led = "18", False
        services.investigation_outcome_record(
            user=user,
            investigation=investigation,
            outcome=outcome,
            outcome_on=london_date(_before_now(reported_at + timedelta(days=closes_after))),
            evidence_led=evidence_led,
            note="Charged on the evidence gathered without the child's account." if evidence_led else "",
        )


def demo_victims_generate(*, users: dict[str, User], children: list[Child], rng: random.Random) -> VictimsSummary:
    """Police attendance on the demo's missing episodes and victim care in its exploitation cases."""
    summary = VictimsSummary(attendances=_attendances(users, children, rng))
    concerns = (
        Concern.objects.filter(child__in=children, entered_in_error=False)
        .select_related("child")
        .order_by("child__family_name", "child__given_name", "occurred_at", "pk")
    )
    seen: set[object] = set()
    for concern in concerns:
        if concern.child_id in seen:
            continue
        seen.add(concern.child_id)
        if len(seen) % 3 == 0:  # about one in three children with a concern has no crime recorded
            continue
        _care(users, concern, summary.investigations, rng)
        summary.investigations += 1
    return summary
