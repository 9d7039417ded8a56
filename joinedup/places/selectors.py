"""Reading places: only what the user may see, with private addresses shown only to those who may see a child
linked to them. Reads of children's information (the children linked to a place) are audited here."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record_many

from .models import CandidateStatus, Place, PlaceMatchCandidate, PlaceMerge, PlaceName
from .normalise import name_key, postcode_normalise
from .pointers import child_pointers

PRIVATE_LABEL = "A private address"


def children_linked_to(place_ids: Iterable[Any]) -> set[UUID]:
    """The children linked to any of these places: named in a concern, an episode, anything that points at the
    place and names a child."""
    ids = list(place_ids)
    found: set[UUID] = set()
    for model, field, path in child_pointers():
        found.update(model._default_manager.filter(**{f"{field}__in": ids}).values_list(path, flat=True))
    return found


def places_seen_by(user: User, places: Iterable[Place]) -> set[Any]:
    """Which of these places the user may see in full (one query per kind of pointer, not one per place): every
    place that is not a private address, and the private addresses linked to a child they may see."""
    places = list(places)
    if not policy.can_use_places(user):
        return set()
    shown = {place.pk for place in places if not place.is_private}
    private = [place.pk for place in places if place.is_private]
    if not private:
        return shown
    if policy.sees_all_children(user):
        return shown | set(private)
    visible = policy.children_visible_to(user)
    for model, field, path in child_pointers():
        child_field = path.removesuffix("_id")
        rows = model._default_manager.filter(**{f"{field}__in": private, f"{child_field}__in": visible})
        shown.update(rows.values_list(field, flat=True))
    return shown


def place_label_for(user: User, place: Place) -> str:
    """What to call a place for this user: its name and postcode, or "A private address" where they may not see
    the children linked to it. For any page or map that names places."""
    return str(place) if policy.can_see_place(user, place) else PRIVATE_LABEL


@dataclass
class PlaceRow:
    place: Place
    shown: bool

    @property
    def label(self) -> str:
        return str(self.place) if self.shown else PRIVATE_LABEL


def places_for(user: User, *, query: str = "") -> list[PlaceRow]:
    """The place list, searched by name (any spelling) or postcode. A private address the user may not see in
    full is listed as "A private address", and a search never matches it by its hidden name or postcode."""
    if not policy.can_use_places(user):
        return []
    places: QuerySet[Place] = Place.objects.filter(merged_into__isnull=True)
    query = query.strip()
    if query:
        key, postcode = name_key(query), postcode_normalise(query)
        match = Q(pk__in=[])
        if key:
            match |= Q(name_key__contains=key) | Q(
                pk__in=PlaceName.objects.filter(name_key__contains=key).values("place_id")
            )
        if postcode:
            match |= Q(postcode=postcode)
        elif len(query) >= 2:
            match |= Q(postcode__istartswith=query)
        places = places.filter(match)
    rows = list(places.order_by("name", "postcode")[:500])
    shown = places_seen_by(user, rows)
    result = [PlaceRow(place, place.pk in shown) for place in rows]
    if query:
        result = [row for row in result if row.shown]
    return result


def place_get(user: User, place_id: Any) -> Place:
    """One place (following merges to the place it is now), or 404 for those who do not use places."""
    if not policy.can_use_places(user):
        raise Http404
    try:
        place = Place.objects.get(pk=place_id)
    except (Place.DoesNotExist, ValueError) as error:
        raise Http404 from error
    return place_now(place)


def place_now(place: Place) -> Place:
    """The place as it stands: a place merged into another is that other place (followed at most 20 merges)."""
    seen = 0
    while place.merged_into_id is not None and seen < 20:
        place = Place.objects.get(pk=place.merged_into_id)
        seen += 1
    return place


@dataclass
class PlaceEvent:
    when: datetime | None
    what: str
    agency: str
    child: Any


def place_page(user: User, place: Place) -> dict[str, Any]:
    """Everything the place page shows. For a private address the user may not see: nothing but that it is one.
    The children linked to the place are only those the user may see; each one shown is an audited read."""
    if not policy.can_see_place(user, place):
        return {"shown": False, "label": PRIVATE_LABEL}
    from joinedup.concerns.models import Concern
    from joinedup.missing.models import MissingEpisode, ReturnInterview

    visible = policy.children_visible_to(user)
    events: list[PlaceEvent] = []
    concerns = Concern.objects.filter(place=place, child__in=visible).select_related("child", "owning_agency")
    for concern in concerns:
        events.append(
            PlaceEvent(
                concern.occurred_at,
                f"Concern: {concern.get_category_display()}",
                concern.owning_agency.name,
                concern.child,
            )
        )
    episodes = MissingEpisode.objects.filter(
        Q(last_seen_place_ref=place) | Q(found_place_ref=place), child__in=visible
    ).select_related("child", "owning_agency")
    for episode in episodes:
        if episode.last_seen_place_ref_id == place.pk:
            events.append(
                PlaceEvent(episode.started_at, "Last seen here (missing)", episode.owning_agency.name, episode.child)
            )
        if episode.found_place_ref_id == place.pk:
            events.append(PlaceEvent(episode.found_at, "Found here", episode.owning_agency.name, episode.child))
    interviews = ReturnInterview.objects.filter(place=place, episode__child__in=visible).select_related(
        "episode__child", "owner__agency"
    )
    for interview in interviews:
        agency = interview.owner.agency.name if interview.owner.agency else ""
        events.append(
            PlaceEvent(
                interview.completed_at, "Where the child was (return home interview)", agency, interview.episode.child
            )
        )
    events.sort(key=lambda event: (event.when is None, event.when), reverse=True)
    children = {event.child.pk: event.child for event in events}
    linked = children_linked_to([place.pk])
    not_shown = len(linked - set(children))
    audit_record_many(
        actor=user,
        kind=AuditKind.PLACE_VIEWED,
        rows=[(child_id, "place", str(place.pk), "", None) for child_id in children],
    )
    names = PlaceName.objects.filter(place=place).select_related("agency").order_by("agency__name", "first_seen_at")
    merges = PlaceMerge.objects.filter(kept=place).select_related("merged", "decided_by")
    return {
        "shown": True,
        "label": str(place),
        "names": list(names),
        "children": sorted(children.values(), key=lambda child: child.full_name),
        "children_not_shown": 0 if place.is_private else not_shown,
        "events": events,
        "merges": list(merges),
    }


def review_queue(user: User) -> list[PlaceMatchCandidate]:
    """Open pairs where both places still stand, best score first."""
    if not policy.can_review_places(user):
        return []
    return list(
        PlaceMatchCandidate.objects.filter(
            status=CandidateStatus.OPEN, place_a__merged_into__isnull=True, place_b__merged_into__isnull=True
        ).select_related("place_a", "place_b")[:500]
    )


def review_pair(user: User, candidate_id: int) -> dict[str, Any]:
    """A pair with its evidence: each place's spellings by agency, postcode, address, kind, and the score."""
    if not policy.can_review_places(user):
        raise Http404
    try:
        candidate = PlaceMatchCandidate.objects.select_related("place_a", "place_b").get(pk=candidate_id)
    except PlaceMatchCandidate.DoesNotExist as error:
        raise Http404 from error
    names = {
        place.pk: list(PlaceName.objects.filter(place=place).select_related("agency"))
        for place in (candidate.place_a, candidate.place_b)
    }
    merge = PlaceMerge.objects.filter(candidate=candidate, undone_at__isnull=True).first()
    return {
        "candidate": candidate,
        "names_a": names[candidate.place_a_id],
        "names_b": names[candidate.place_b_id],
        "merge": merge,
    }
