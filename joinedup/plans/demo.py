"""The demo area's plans and closed cases, recorded through the same services as the pages, dated in the past.

Plans for six children (a child in need plan, a child protection plan, a care plan, an early help plan and two
exploitation safety plans, one with places and adults of concern to avoid), each with outcomes in the child's
words, actions with owners and dates, and reviews with the child's views. Then three cases close: one steps down
from social care to early help (the voluntary sector takes over), two end with every involvement closed, so their
records leave the active lists and are kept read-only. Run after every other demo: a closed record takes no more.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.children.models import Child
from joinedup.concerns.models import AdultOfConcern
from joinedup.deadlines import london_date
from joinedup.frontdoor.models import ThresholdLevel
from joinedup.places.services import place_resolve

from . import services
from .models import ClosureOutcome, ClosureReason, PlanKind

KINDS = [
    PlanKind.EXPLOITATION_SAFETY,
    PlanKind.CHILD_IN_NEED,
    PlanKind.CHILD_PROTECTION,
    PlanKind.CARE_PLAN,
    PlanKind.EARLY_HELP,
    PlanKind.EXPLOITATION_SAFETY,
]
OUTCOMES = [
    ("I want to feel safe when I'm out with my friends.", "{name}"),
    ("I want to get back to college and finish my course.", "{name}"),
    ("I want my mum and me to stop arguing all the time.", "{name}"),
    ("{name} is home by the agreed time and tells someone where they are.", "{name}'s carer"),
]
ACTIONS = [
    "Book a weekly session with the youth worker",
    "Ask the college about a place on the January course",
    "Meet {name} and their carer to agree a curfew together",
    "Refer {name} to the sexual health outreach nurse",
    "Share the safety plan with the police's missing person coordinator",
]
VIEWS = [
    "{name} said things are better at home and they like seeing the youth worker.",
    "{name} said they still feel pressured by older lads but know who to ring now.",
    "{name} said they don't want so many meetings, and would like one worker to talk to.",
]


@dataclass
class PlansSummary:
    plans: int = 0
    closed: int = 0


def _lead(users: dict[str, User], child: Child) -> User:
    for candidate in (child.key_worker, users["practitioner-social-care"], users["coordinator"]):
        if candidate is not None and policy.can_own_plan_action(candidate, child):
            return candidate
    return users["coordinator"]


def _safety(users: dict[str, User], plan: object, child: Child) -> None:
    recorder = users["coordinator"]
    adults = list(AdultOfConcern.objects.filter(concerns__child=child).distinct()[:2])
    places = [
        place_resolve(actor=recorder, name="Riverside Park", postcode="WB2 4PK", kind="park"),
        place_resolve(actor=recorder, name="Kebab House, High Street", postcode="WB1 3HS", kind="takeaway"),
    ]
    services.safety_section_save(
        user=recorder,
        plan=plan,  # type: ignore[arg-type]
        places=places,
        places_text="The bus station after dark",
        adults=adults,
        people_text="Older lads who hang around the skate park and offer lifts",
        safe_adults=f"{child.given_name}'s nan, their football coach, and their key worker",
        how_to_get_help="Text the word 'pizza' to the key worker's work phone; ring 999 if in danger now; "
        "go to the library or any shop with a staff member.",
    )


def demo_plans_generate(*, users: dict[str, User], children: list[Child], rng: random.Random) -> PlansSummary:
    summary = PlansSummary()
    coordinator = users["coordinator"]
    writable = [child for child in children if policy.can_record_plan(coordinator, child)]
    with_adults = [c for c in writable if AdultOfConcern.objects.filter(concerns__child=c).exists()]
    chosen = (with_adults[:1] + [c for c in writable if c not in with_adults[:1]])[: len(KINDS)]
    today = london_date(timezone.now())
    for index, (child, kind) in enumerate(zip(chosen, KINDS, strict=False)):
        lead = _lead(users, child)
        started = today - timedelta(days=200 - index * 20)
        plan = services.plan_start(user=coordinator, child=child, kind=kind, lead_professional=lead, started_on=started)
        name = child.given_name
        for wording, by in rng.sample(OUTCOMES, k=2):
            services.plan_outcome_add(
                user=coordinator, plan=plan, wording=wording.format(name=name), written_by=by.format(name=name)
            )
        for number, action in enumerate(rng.sample(ACTIONS, k=3)):
            made = services.plan_action_add(
                user=coordinator,
                plan=plan,
                description=action.format(name=name),
                owner=lead,
                due_on=started + timedelta(days=14 + number * 30),
            )
            if number == 0:
                services.plan_action_complete(user=coordinator, action=made)
        if kind == PlanKind.EXPLOITATION_SAFETY and index == 0:
            _safety(users, plan, child)
        held = plan.next_review_on
        while held is not None and held <= today:
            services.plan_review_record(
                user=coordinator, plan=plan, held_on=held, childs_views=rng.choice(VIEWS).format(name=name)
            )
            plan.refresh_from_db()
            held = plan.next_review_on
        summary.plans += 1
    summary.closed = _closures(users, [c for c in writable if c not in chosen[:1]], today)
    return summary


def _closures(users: dict[str, User], children: list[Child], today: object) -> int:
    """One step-down from social care to early help, and two cases ended with every involvement closed."""
    coordinator = users["coordinator"]
    early_help = ThresholdLevel.objects.filter(code="early_help").order_by("-document__in_force_from").first()
    voluntary = Agency.objects.filter(code="VCS").first()
    closed = 0
    stepped = False
    for child in reversed(children):
        open_ = list(child.involvements.filter(ended_at__isnull=True).select_related("agency"))
        social_care = next((i for i in open_ if i.agency.code == "CSC"), None)
        if not stepped and early_help is not None and voluntary is not None and social_care is not None:
            services.involvement_close(
                user=coordinator,
                involvement=social_care,
                reason=ClosureReason.NEEDS_MET_ELSEWHERE,
                outcome=ClosureOutcome.STEP_DOWN,
                closed_on=today,  # type: ignore[arg-type]
                note="Risk reduced after six months of work; the family agreed to early help.",
                step_down_level=early_help,
                step_down_agency=voluntary,
                step_down_service="Family support (early help)",
            )
            stepped = True
            closed += 1
            continue
        if closed >= 3:
            break
        for involvement in open_:
            services.involvement_close(
                user=coordinator,
                involvement=involvement,
                reason=ClosureReason.OUTCOMES_MET,
                outcome=ClosureOutcome.ENDED,
                closed_on=today,  # type: ignore[arg-type]
                note="Settled at home and in school; no exploitation concerns for six months.",
            )
        closed += 1
    return closed
