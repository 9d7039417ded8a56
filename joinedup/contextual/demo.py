"""The demo area's contextual safeguarding: work on the Station Hotel (the place in its MACE meeting and its map's
network A) with the council's licensing team and the hotel's manager as partners, and work on a peer group of the
children seen there together; each with an assessment of the context, actions (a person's on their work list, a
partner's on the work's page) and a review.

Recorded through the same services as the pages, opened in the past (ten weeks ago) so the review has happened.
"""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.children.models import Child
from joinedup.concerns.models import Concern
from joinedup.deadlines import london_date
from joinedup.places.models import Place, PlaceKind

from . import services
from .models import ContextWork, PartnerKind, ReviewDecision


@dataclass
class ContextualSummary:
    works: int = 0
    children_in_groups: int = 0


def _station_hotel(coordinator: User) -> Place:
    try:
        from joinedup.places.services import place_resolve
    except ImportError:  # the places service not there yet: the place as a row
        place = Place.objects.filter(name="Station Hotel").first()
        return place or Place.objects.create(
            name="Station Hotel", postcode="WB1 1AA", kind=PlaceKind.HOTEL, address="2 Station Approach"
        )
    return place_resolve(
        actor=coordinator, name="Station Hotel", postcode="WB1 1AA", address="2 Station Approach", kind=PlaceKind.HOTEL
    )


def _group_children(children: list[Child]) -> list[Child]:
    """Four children with concerns (those the MACE meeting considered come first), or the first four."""
    ordered = (
        Concern.objects.filter(child__in=children, entered_in_error=False)
        .order_by("child__family_name", "child__given_name")
        .values_list("child_id", flat=True)
    )
    ids = list(dict.fromkeys(ordered))[:4]
    chosen = [c for c in children if c.pk in ids]
    return chosen if len(chosen) >= 3 else children[:4]


def demo_contextual_generate(*, users: dict[str, User], children: list[Child], rng: random.Random) -> ContextualSummary:
    coordinator = users["coordinator"]
    police = users.get("practitioner-police") or coordinator
    youth = users.get("practitioner-voluntary") or coordinator
    summary = ContextualSummary()
    today = london_date(timezone.now())
    opened = timezone.now() - timedelta(weeks=10, days=rng.randint(0, 3))

    hotel = services.context_work_open(
        user=coordinator,
        place=_station_hotel(coordinator),
        why="Young people seen visiting adults' rooms; rooms booked in cash without luggage (MACE, this quarter).",
        opened_at=opened,
    )
    services.context_assessment_record(
        user=coordinator,
        work=hotel,
        who_is_there="Adults booking rooms for one night in cash; children aged 14 to 16 visiting them; night staff "
        "on their own after 11pm.",
        when="Friday and Saturday nights, 10pm to 3am; more often in school holidays.",
        what_makes_it_unsafe="Rooms booked without ID; a side door to the car park left open; staff not trained to "
        "spot children exposed to exploitation; taxis waiting at the rear.",
        what_makes_it_safe="The duty manager is willing to work with us; CCTV covers the front desk; the station's "
        "staff know the children.",
        assessed_at=opened + timedelta(days=2),
    )
    licensing = services.context_partner_add(
        user=coordinator,
        work=hotel,
        name="Wealdbridge Council licensing team",
        kind=PartnerKind.LICENSING,
        contact="licensing@wealdbridge.example",
    )
    manager = services.context_partner_add(
        user=coordinator,
        work=hotel,
        name="Station Hotel duty manager",
        kind=PartnerKind.BUSINESS,
        contact="01632 960 321",
    )
    services.context_partner_add(
        user=coordinator, work=hotel, name="Wealdbridge taxi licensing and operators", kind=PartnerKind.TRANSPORT
    )
    services.context_action_record(
        user=coordinator,
        work=hotel,
        description="Licensing visit: check ID on every booking and the side door's alarm.",
        due=today + timedelta(days=7),
        owner_partner=licensing,
    )
    services.context_action_record(
        user=coordinator,
        work=hotel,
        description="Training for night staff on spotting children exposed to exploitation, and who to call.",
        due=today + timedelta(days=21),
        owner_partner=manager,
    )
    services.context_action_record(
        user=coordinator,
        work=hotel,
        description="Patrols of the rear car park on Friday and Saturday nights for four weeks.",
        due=today + timedelta(days=28),
        owner=police,
    )
    services.context_review_record(
        user=coordinator,
        work=hotel,
        reviewed_on=today - timedelta(days=7),
        what_changed="ID is now asked for on every booking; fewer cash bookings; children still seen at the rear.",
        decision=ReviewDecision.CHANGE,
        next_review=today + timedelta(weeks=6),
    )
    summary.works += 1

    members = _group_children(children)
    group_work = services.peer_group_work_open(
        user=coordinator,
        name="Mill Lane group",
        children=members,
        why="Seen together at the Station Hotel and the kebab house on Mill Lane; offered lifts by the same adults.",
    )
    ContextWork.objects.filter(pk=group_work.pk).update(opened_at=opened)
    services.context_assessment_record(
        user=coordinator,
        work=group_work,
        who_is_there="Four children who go to two schools, with two older young people who introduce them to adults.",
        when="After school and late on Friday nights.",
        what_makes_it_unsafe="Gifts, lifts and phones from adults; the children go missing together.",
        what_makes_it_safe="Two of the children trust the youth worker; the youth club is open on Fridays.",
    )
    services.context_partner_add(
        user=coordinator,
        work=group_work,
        name="Wealdbridge community safety partnership",
        kind=PartnerKind.COMMUNITY_SAFETY,
    )
    services.context_action_record(
        user=coordinator,
        work=group_work,
        description="Detached youth work on Mill Lane on Friday evenings, for the group as a whole.",
        due=today + timedelta(days=14),
        owner=youth,
    )
    services.context_review_record(
        user=coordinator,
        work=group_work,
        reviewed_on=today - timedelta(days=3),
        what_changed="The group is seen less on Mill Lane; two children now go to the youth club.",
        decision=ReviewDecision.CONTINUE,
        next_review=today + timedelta(weeks=4),
    )
    summary.works += 1
    summary.children_in_groups = len(members)
    return summary
