"""The demo area's strategy discussions, section 47 enquiries and NRM referrals.

Recorded through the same services as the pages, dated in the past: four strategy discussions about children
social care works with (the first following a front-door contact routed to the exploitation pathway, where there is
one: it proposes the child for MACE and records a disruption plan against an adult of concern), two section 47
outcomes (a conference within 15 working days, a child in need plan), and two NRM referrals with the competent
authority's decisions.
"""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.children.models import Child
from joinedup.concerns.models import AdultOfConcern
from joinedup.deadlines import london_date
from joinedup.frontdoor.models import Contact, Route

from . import services
from .models import EnquiryOutcome, ExploitationType, StrategyDecision
from .services import ParticipantGiven


@dataclass
class StrategySummary:
    discussions: int = 0
    outcomes: int = 0
    referrals: int = 0


def _ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)


def _people(agencies: dict[str, Agency], codes: str, child: Child) -> list[ParticipantGiven]:
    said = {
        "CSC": (
            "Sarah Socialworker",
            "Social worker",
            f"{child.given_name} is known to the team; two missing episodes.",
        ),
        "POL": ("DS Dan Constable", "Child exploitation team", "Intelligence links an address to drug supply."),
        "HEA": ("Lena Nurse", "Named nurse", "Seen at the sexual health service; disclosed nothing further."),
        "EDU": ("Tom Teacher", "Designated safeguarding lead", "Attendance fell to half-days this term."),
    }
    return [
        ParticipantGiven(
            agency=agencies[code], person_name=said[code][0], role=said[code][1], information_shared=said[code][2]
        )
        for code in codes.split()
        if code in agencies
    ]


def demo_strategy_generate(*, users: dict[str, User], children: list[Child], rng: random.Random) -> StrategySummary:
    summary = StrategySummary()
    worker = users.get("practitioner-social-care")
    if worker is None:
        return summary
    agencies = {a.code: a for a in Agency.objects.filter(code__in=["CSC", "POL", "HEA", "EDU"])}
    if "CSC" not in agencies or "POL" not in agencies:
        return summary
    visible = [child for child in children if policy.can_hold_strategy_discussion(worker, child)]
    if len(visible) < 4:
        return summary
    routed = (
        Contact.objects.filter(
            child__in=visible, route__in=[Route.EXPLOITATION, Route.STRATEGY], decided_at__lte=_ago(2)
        )
        .order_by("decided_at")
        .first()
    )
    first = routed.child if routed is not None else visible[0]
    others = [c for c in visible if c != first]
    rng.shuffle(others)
    plan = [
        (first, 20, StrategyDecision.S47_JOINT, "CSC POL HEA EDU"),
        (others[0], 30, StrategyDecision.S47_SINGLE, "CSC POL HEA"),
        (others[1], 25, StrategyDecision.S47_JOINT, "CSC POL EDU"),
        (others[2], 6, StrategyDecision.OTHER_SUPPORT, "CSC HEA EDU"),
    ]
    discussions = []
    for child, days, decision, codes in plan:
        held = _ago(days)
        if routed is not None and routed.decided_at is not None and child == first:
            held = max(held, routed.decided_at + timedelta(hours=3))
        discussions.append(
            services.discussion_record(
                user=worker,
                child=child,
                contact=routed if child == first else None,
                held_at=held,
                chaired_by=worker,
                why=f"Reasonable cause to suspect {child.given_name} is being exploited: found far from home with "
                "adults not known to the family.",
                decision=decision,
                reasons="Police and social care agree the threshold for a section 47 enquiry is met."
                if decision != StrategyDecision.OTHER_SUPPORT
                else "No reasonable cause to suspect significant harm; a child in need assessment will follow.",
                participants=_people(agencies, codes, child),
            )
        )
        summary.discussions += 1
    exploitation = discussions[0]
    services.action_add(
        user=worker,
        discussion=exploitation,
        description="Visit the address linked to the adults with police and record what is found.",
        owner=worker,
        due_on=london_date(timezone.now()) + timedelta(days=4),
    )
    services.mace_propose(
        user=worker,
        discussion=exploitation,
        reason="Linked to an address used for drug supply and to adults of concern; other children seen there.",
    )
    adult = AdultOfConcern.objects.order_by("name").first()
    services.disruption_plan_record(
        user=worker,
        discussion=exploitation,
        plan="Police to serve a child abduction warning notice; housing to review the tenancy at the address.",
        adult=adult,
    )
    conference, child_in_need = discussions[1], discussions[2]
    enquiry = conference.section47
    services.section47_outcome_record(
        user=worker,
        enquiry=enquiry,
        outcome=EnquiryOutcome.CONFERENCE,
        outcome_on=enquiry.started_on + timedelta(days=9),
        conference_on=enquiry.conference_due - timedelta(days=1),
    )
    enquiry = child_in_need.section47
    services.section47_outcome_record(
        user=worker,
        enquiry=enquiry,
        outcome=EnquiryOutcome.CHILD_IN_NEED,
        outcome_on=enquiry.started_on + timedelta(days=12),
    )
    summary.outcomes = 2
    today = london_date(timezone.now())
    county_lines = services.nrm_referral_record(
        user=worker,
        child=exploitation.child,
        first_responder=agencies["CSC"],
        referred_on=today - timedelta(days=18),
        exploitation_type=ExploitationType.CRIMINAL,
    )
    services.nrm_decision_record(
        user=worker,
        referral=county_lines,
        stage="reasonable",
        decision="positive",
        decided_on=today - timedelta(days=14),
    )
    services.nrm_decision_record(
        user=worker,
        referral=county_lines,
        stage="conclusive",
        decision="positive",
        decided_on=today - timedelta(days=1),
    )
    sexual = services.nrm_referral_record(
        user=worker,
        child=discussions[2].child,
        first_responder=agencies["POL"],
        referred_on=today - timedelta(days=22),
        exploitation_type=ExploitationType.SEXUAL,
    )
    services.nrm_decision_record(
        user=worker, referral=sexual, stage="reasonable", decision="positive", decided_on=today - timedelta(days=17)
    )
    summary.referrals = 2
    return summary
