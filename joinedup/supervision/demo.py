"""The demo area's year of management oversight and challenges between agencies over the year, at different stages.

Recorded through the same services as the pages, dated in the past: each team manager's oversight of their
agency's cases about every four weeks (a few cases left without oversight for longer, so the dashboard and the
work lists have something to show), and challenges between children's social care and the police, one at each
stage: resolved between practitioners, resolved by team managers, with senior managers and overdue, and newly
raised.
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
from .models import ChallengeAbout

REVIEWED = [
    "The chronology since the last oversight, the latest risk assessment and the safety plan.",
    "Contact with {name} this month, the return home interviews and the missing episodes.",
    "The plan agreed at the strategy discussion and whether its actions are done.",
    "{name}'s views as recorded by the key worker, and the MACE actions.",
]
DECIDED = [
    "The plan stays as it is; the key worker keeps weekly contact with {name}.",
    "Ask for a strategy discussion: {name} has been missing twice since the last review.",
    "Refer {name}'s case to the next MACE meeting; share the latest intelligence with the police.",
    "Review the risk assessment this week; {name} is spending time with an adult of concern.",
    "Step down the frequency of visits: {name} is settled at school and talking with the key worker.",
]


@dataclass
class SupervisionSummary:
    notes: int = 0
    challenges: int = 0


def _ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)


def demo_supervision_generate(
    *, users: dict[str, User], children: list[Child], rng: random.Random
) -> SupervisionSummary:
    """A year of oversight notes by the social care and police team managers, and five challenges."""
    summary = SupervisionSummary()
    managers = [users["manager"], users["manager-police"]]
    for child in children:
        for manager in managers:
            if not policy.can_record_oversight(manager, child):
                continue
            # Most cases are overseen about every four weeks; one in five has had none for six weeks or more.
            days = 365 - rng.randint(0, 20)
            stop = rng.randint(42, 70) if rng.random() < 0.2 else rng.randint(1, 25)
            while days > stop:
                services.oversight_note_record(
                    user=manager,
                    child=child,
                    reviewed=rng.choice(REVIEWED).format(name=child.given_name),
                    decided=rng.choice(DECIDED).format(name=child.given_name),
                    written_at=_ago(days),
                )
                summary.notes += 1
                days -= rng.randint(24, 30)
    summary.challenges = _challenges(users=users, children=children)
    return summary


def _challenges(*, users: dict[str, User], children: list[Child]) -> int:
    police = Agency.objects.get(code="POL")
    social_care = Agency.objects.get(code="CSC")
    both = [c for c in children if c.involvements.filter(agency=police, ended_at__isnull=True).exists()][:5]
    if not both:
        return 0
    social_worker, sw_manager = users["practitioner-social-care"], users["manager"]
    officer, sergeant = users["practitioner-police"], users["manager-police"]

    def child(i: int) -> Child:
        return both[i % len(both)]

    # Resolved between practitioners.
    first = services.challenge_raise(
        user=social_worker,
        child=child(0),
        to_agency=police,
        about=ChallengeAbout.DECISION,
        what=f"No further action was decided after {child(0).given_name} was found with an adult of concern; "
        "we ask for the decision to be reviewed with the new information from school.",
        raised_at=_ago(330),
    )
    services.challenge_respond(
        user=officer,
        challenge=first,
        response="Reviewed with the school's information: a joint visit is arranged.",
        responded_at=_ago(327),
    )
    services.challenge_resolve(user=social_worker, challenge=first, outcome="Joint visit held.", at=_ago(325))
    # Resolved by the team managers.
    second = services.challenge_raise(
        user=officer,
        child=child(1),
        to_agency=social_care,
        about=ChallengeAbout.DELAY,
        what="The strategy discussion asked for a month ago has not been held.",
        raised_at=_ago(230),
    )
    services.challenge_respond(
        user=social_worker,
        challenge=second,
        response="The team is short-staffed; we will arrange it.",
        responded_at=_ago(226),
    )
    services.challenge_escalate(user=officer, challenge=second, why="Still no date for the meeting.", at=_ago(220))
    services.challenge_respond(
        user=sw_manager, challenge=second, response="Held on Tuesday; the minutes are shared.", responded_at=_ago(214)
    )
    services.challenge_resolve(user=sergeant, challenge=second, outcome="Strategy discussion held.", at=_ago(213))
    # With the senior managers, their answer overdue.
    third = services.challenge_raise(
        user=social_worker,
        child=child(2),
        to_agency=police,
        about=ChallengeAbout.DECISION,
        what=f"The missing episode was graded low risk although {child(2).given_name} was seen getting into "
        "an unknown car.",
        raised_at=_ago(40),
    )
    services.challenge_respond(
        user=officer, challenge=third, response="The grading followed the information we had.", responded_at=_ago(37)
    )
    services.challenge_escalate(user=social_worker, challenge=third, why="The car was reported to 101.", at=_ago(35))
    services.challenge_respond(user=sergeant, challenge=third, response="The grading stands.", responded_at=_ago(30))
    services.challenge_escalate(
        user=sw_manager, challenge=third, why="We disagree and ask senior managers to review.", at=_ago(28)
    )
    # Newly raised, and one whose first answer is overdue.
    services.challenge_raise(
        user=officer,
        child=child(3),
        to_agency=social_care,
        about=ChallengeAbout.DELAY,
        what="The return home interview after the last episode has not been offered.",
        raised_at=_ago(2),
    )
    services.challenge_raise(
        user=social_worker,
        child=child(4),
        to_agency=police,
        about=ChallengeAbout.DELAY,
        what="The intelligence report asked for at MACE has not been shared.",
        raised_at=_ago(16),
    )
    return 5
