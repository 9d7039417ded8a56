"""The demo area's missing children: episodes, re-gradings, returns and return home interviews.

Recorded through the same services as the pages, with times set in the recent
past, so the work lists show interviews on time, late, declined, accepted and not yet held, and overdue, and a
year (and a little more) of earlier episodes, each closed, behind them.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from faker import Faker

from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.children import services as children_services
from joinedup.children.identifiers import nhs_number_is_valid
from joinedup.children.models import Address, Child
from joinedup.missing import services
from joinedup.missing.models import EpisodeKind, Factor, InterviewResponse, MissingEpisode, RiskGrade

PLACES = [
    "Wealdbridge bus station",
    "the retail park car park",
    "a flat above the shops on Mill Lane",
    "the canal towpath by the old mill",
    "the Station Hotel",
    "a takeaway on the high street",
    "Riverside recreation ground",
]
WORDS = [
    "I didn't want to be at the placement, it's loud and nobody listens. I went to see my mates and then "
    "an older lad said we could stay at his.",
    "I just needed space. My phone got taken so I couldn't tell anyone where I was.",
    "They gave me a lift and some food. I didn't know where we were going. I want to go to football again.",
    "I was scared to come back because I'd been gone so long. I want my social worker to come with me to school.",
]


# Per child: (days ago it started, hours missing, what became of the interview, hours after return it happened).
EPISODE_PLANS: dict[int, list[tuple[int, int, str | None, int]]] = {
    0: [(-40, 30, "completed", 30)],
    # Repeat missing; an interview accepted and not yet held (issue 15: "Record the interview" on the episode); overdue.
    1: [(-80, 20, "completed", 40), (-45, 26, "accepted", 10), (-6, 12, None, 0)],
    2: [(-10, 18, "completed", 48)],  # on time
    3: [(-12, 30, "completed", 100)],  # late
    4: [(-8, 9, "declined", 10)],
    5: [(-2, 6, "waiting", 5)],
    6: [(-15, 14, "completed", 60)],  # away from placement
    7: [(-5, 10, None, 0)],  # overdue, not offered
}

# Per child, the year before (issue 12: a year of history for the dashboard's trends, the goals' months and case
# audit rounds across the year): episodes 2 to 15 months ago, as above, each returned and its interview done or
# declined; over the last year no more than 25 days apart (with the recent ones), so every calendar month has
# episodes and interviews due whatever the day the demo is made. Made before the recent ones, oldest first, with
# their own random generator.
HISTORY_PLANS: dict[int, list[tuple[int, int, str, int]]] = {
    0: [(-460, 20, "completed", 40), (-255, 16, "completed", 90)],
    1: [(-420, 30, "declined", 12), (-330, 22, "completed", 50)],
    2: [(-390, 12, "completed", 30), (-205, 26, "completed", 60)],
    3: [(-355, 18, "completed", 110), (-130, 10, "declined", 8)],
    4: [(-305, 14, "completed", 45), (-60, 20, "completed", 70)],
    5: [(-440, 24, "completed", 36), (-280, 8, "completed", 30)],
    6: [(-380, 16, "declined", 10), (-180, 12, "completed", 55)],
    7: [(-230, 20, "completed", 80), (-155, 14, "completed", 40), (-105, 12, "completed", 30)],
}
HISTORY_SEED = 1216


@dataclass
class MissingSummary:
    episodes: int = 0
    interviews: int = 0
    looked_after: int = 0


def nhs_number_for(rng: random.Random) -> str:
    """A valid NHS number in the 999 range, which the NHS keeps for testing and never issues."""
    while True:
        candidate = "999" + "".join(str(rng.randint(0, 9)) for _ in range(6))
        for last in range(10):
            if nhs_number_is_valid(candidate + str(last)):
                return candidate + str(last)


def _report(
    users: dict[str, User],
    child: Child,
    *,
    started: datetime,
    kind: str = EpisodeKind.MISSING,
    grade: str,
    rng: random.Random,
) -> MissingEpisode:
    return services.missing_episode_report(
        user=users["practitioner-police"],
        child=child,
        kind=kind,
        started_at=started,
        reported_at=started + timedelta(hours=2),
        reported_by_name="Carer at the placement" if child.looked_after else "Parent",
        last_seen_place=rng.choice(PLACES),
        last_seen_with=rng.choice(
            ["two older males", "a friend from school", "no one known", "an adult in a silver car"]
        ),
        grade=grade,
        rationale="Age, time of year and known links to adults of concern; no contact since last seen.",
        information_from="Carer, by phone at the time of the report",
    )


def _return(users: dict[str, User], episode: MissingEpisode, *, after: timedelta, rng: random.Random) -> None:
    returned = episode.started_at + after
    services.missing_episode_found(
        user=users["practitioner-police"],
        episode=episode,
        found_at=returned - timedelta(hours=1),
        found_place=rng.choice(PLACES),
        found_with=rng.choice(["two adults of concern", "no one", "friends from school"]),
    )
    services.missing_episode_return(user=users["practitioner-police"], episode=episode, returned_at=returned)


def _interview(
    users: dict[str, User], episode: MissingEpisode, *, outcome: str, hours_after: float, rng: random.Random
) -> None:
    interview = episode.interview
    rhi = users["practitioner-voluntary"]
    returned = episode.returned_at
    if returned is None:
        raise ValueError("Only a returned episode has an interview")
    offered = returned + timedelta(hours=min(hours_after, 20))
    if outcome == "declined":
        services.return_interview_offer(
            user=rhi,
            interview=interview,
            offered_at=offered,
            response=InterviewResponse.DECLINED,
            declined_reason="Said they were tired of talking to professionals; agreed their key worker can check in.",
        )
        return
    if outcome == "waiting":
        services.return_interview_offer(
            user=rhi, interview=interview, offered_at=offered, response=InterviewResponse.OFFERED
        )
        return
    services.return_interview_offer(
        user=rhi, interview=interview, offered_at=offered, response=InterviewResponse.ACCEPTED
    )
    if outcome == "accepted":
        return
    services.return_interview_complete(
        user=rhi,
        interview=interview,
        completed_at=returned + timedelta(hours=hours_after),
        childs_words=rng.choice(WORDS),
        factors=rng.sample(
            [
                Factor.UNHAPPY_IN_PLACEMENT,
                Factor.FAMILY_OR_FRIENDS,
                Factor.PARTNER_OR_ADULT,
                Factor.GIFTS_OR_MONEY,
                Factor.SUBSTANCES,
            ],
            k=2,
        ),
        where_they_were=rng.choice(PLACES),
        who_they_were_with="Older young people and an adult they called a friend",
        harm_disclosed="",
        next_steps="Share with the exploitation and missing coordinator; safety plan review.",
    )
    services.interview_action_add(
        user=rhi,
        interview=interview,
        description="Review the safety plan with the child and carer",
        owner=episode.child.key_worker or rhi,
        referral_to="",
    )


def demo_missing_generate(
    *, users: dict[str, User], children: list[Child], rng: random.Random, fake: Faker
) -> MissingSummary:
    """Give the first social care children missing histories that cover every state of the work."""
    summary = MissingSummary()
    now = timezone.now()
    history = random.Random(HISTORY_SEED)  # noqa: S311 - synthetic data, not security
    csc = Agency.objects.get(code="CSC")
    for index, child in enumerate(children):
        child.nhs_number = nhs_number_for(rng)
        child.ethnicity = rng.choice(["White British", "Mixed White and Black Caribbean", "Asian British", "Not known"])
        child.save(update_fields=["nhs_number", "ethnicity"])
        Address.objects.create(
            child=child,
            address=fake.street_address(),
            postcode=child.postcode,
            lived_from=(now - timedelta(days=rng.randint(200, 900))).date(),
            recorded_by_agency=child.owning_agency,
        )
        if index >= 8:
            continue
        coordinator = users["coordinator"]
        for code in ("POL", "VCS"):
            children_services.involvement_open(
                user=coordinator, child=child, agency_code=code, reason="Missing episodes"
            )
        if index in (0, 1, 4, 6):
            child.looked_after = True
            child.placement = "Foster placement, Wealdbridge fostering service"
            child.placement_agency = csc
            child.save(update_fields=["looked_after", "placement", "placement_agency"])
            summary.looked_after += 1
            if index in (0, 1):
                services.philomena_profile_save(
                    user=users["practitioner-social-care"],
                    child=child,
                    description="Slim build, shoulder-length dark hair, small scar above the left eyebrow.",
                    associates="Two older males known by street names; a friend from school.",
                    addresses_and_places=f"{PLACES[0]}; {PLACES[2]}",
                    phone_and_social_media="Mobile 07700 900" + f"{rng.randint(100, 999)}; a gaming handle",
                    medical_needs="Asthma: carries an inhaler.",
                )
        for days_ago, hours_missing, closed_as, hours_after in HISTORY_PLANS[index]:
            started = now + timedelta(days=days_ago, hours=history.randint(-6, 6))
            kind = EpisodeKind.AWAY if index == 6 else EpisodeKind.MISSING
            episode = _report(
                users,
                child,
                started=started,
                kind=kind,
                grade=history.choice([RiskGrade.LOW, RiskGrade.MEDIUM, RiskGrade.HIGH]),
                rng=history,
            )
            _return(users, episode, after=timedelta(hours=hours_missing), rng=history)
            episode.refresh_from_db()
            _interview(users, episode, outcome=closed_as, hours_after=hours_after, rng=history)
            summary.episodes += 1
            summary.interviews += 1
        for days_ago, hours_missing, outcome, hours_after in EPISODE_PLANS[index]:
            started = now + timedelta(days=days_ago, hours=rng.randint(-6, 6))
            kind = EpisodeKind.AWAY if index == 6 else EpisodeKind.MISSING
            episode = _report(
                users, child, started=started, kind=kind, grade=rng.choice([RiskGrade.MEDIUM, RiskGrade.HIGH]), rng=rng
            )
            services.missing_episode_regrade(
                user=users["practitioner-police"],
                episode=episode,
                grade=RiskGrade.HIGH,
                rationale="Seen getting into a car with an adult of concern; phone switched off.",
                information_from="Call from a member of the public, passed on by the control room",
                graded_at=started + timedelta(hours=4),
            )
            _return(users, episode, after=timedelta(hours=max(hours_missing, 5)), rng=rng)
            episode.refresh_from_db()
            summary.episodes += 1
            if outcome is not None:
                _interview(users, episode, outcome=outcome, hours_after=hours_after, rng=rng)
                summary.interviews += 1
        if index == 0:
            # Missing right now: the key worker and duty teams have the alert waiting.
            _report(users, child, started=now - timedelta(hours=3), grade=RiskGrade.HIGH, rng=rng)
            summary.episodes += 1
    return summary
