"""Reads of contextual safeguarding work, each for one viewer.

A piece of work is read by the coordinator and leaders, and by a practitioner or manager who may see at least one
of its children (``policy.can_view_context_work``). Its children are a peer group's current members, or the children
linked to a place (concerns recorded at it). A page names only the children the viewer may see, each read audited
(one ``child_listed`` row per child, in one statement); the others are counted, never named. "Not found" answers
alike for work that does not exist and work the viewer may not read.
"""

from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record, audit_record_many
from joinedup.children.models import Child
from joinedup.concerns.models import Concern
from joinedup.concerns.selectors import concern_in_full_for
from joinedup.mapping.internals.normalise import place_key
from joinedup.mapping.models import (
    MappingEvent,
    MappingEventNode,
    MappingNode,
    MappingNodeChild,
    MappingResult,
    MappingSnapshot,
    ResultKind,
)
from joinedup.places.models import Place

from .models import ContextWork, PeerGroup, PeerGroupMember

# The events a page lists at most, newest first; the rest are counted.
EVENTS_SHOWN = 100


def place_concerns(place: Place) -> QuerySet[Concern]:
    """The concerns recorded at the place: pointing at it, or written with its name (and postcode, if it has one)."""
    written = Q(place_name__iexact=place.name)
    if place.postcode:
        written &= Q(place_postcode__iexact=place.postcode) | Q(place_postcode="")
    if any(f.name == "place" for f in Concern._meta.get_fields()):
        written |= Q(place=place)
    return Concern.objects.filter(written)


def group_child_ids(group: PeerGroup) -> QuerySet[Any]:
    return PeerGroupMember.objects.filter(group=group, removed_at__isnull=True).values("child_id")


def work_child_ids(work: ContextWork) -> QuerySet[Any]:
    """The ids of the work's children: the group's current members, or the children of the place's concerns."""
    if work.group_id is not None:
        return group_child_ids(work.group)  # type: ignore[arg-type]
    return place_concerns(work.place).values("child_id")  # type: ignore[arg-type]


def works_for(*, user: User, status: str = "") -> list[ContextWork]:
    """The work the user may read, newest first."""
    if not policy.can_view_context_works(user):
        return []
    works = ContextWork.objects.select_related("place", "group", "opened_by").order_by("-opened_at")
    if status:
        works = works.filter(status=status)
    if policy.sees_all_children(user):
        return list(works)
    return [work for work in works if policy.can_view_context_work(user, work_child_ids(work))]


def work_get(*, user: User, work_id: UUID, reason: str = "Read the work on a place or peer group") -> ContextWork:
    """Fetch, authorise and audit a read of one piece of work."""
    work = ContextWork.objects.select_related("place", "group", "opened_by", "closed_by").filter(pk=work_id).first()
    if work is None or not policy.can_view_context_work(
        user, work_child_ids(work), owns_an_action=work.actions.filter(owner_id=user.pk).exists()
    ):
        raise Http404("No such work")
    audit_record(
        actor=user,
        kind=AuditKind.CONTEXT_WORK_VIEWED,
        object_type="context_work",
        object_id=str(work.pk),
        reason=reason,
    )
    return work


def group_get(*, user: User, group_id: UUID) -> PeerGroup:
    group = PeerGroup.objects.filter(pk=group_id).first()
    if group is None or not policy.can_view_context_work(user, group_child_ids(group)):
        raise Http404("No such group")
    return group


def place_get(*, user: User, place_id: UUID) -> Place:
    place = Place.objects.filter(pk=place_id).first()
    if place is None or not policy.can_view_context_works(user):
        raise Http404("No such place")
    if place.is_private and not policy.can_view_context_work(user, place_concerns(place).values("child_id")):
        raise Http404("No such place")
    return place


@dataclass
class ChildrenShown:
    """The children of a place or group as one viewer may see them: named, and how many more there are."""

    named: list[dict[str, Any]] = field(default_factory=list)
    hidden: int = 0


def _children_shown(user: User, child_ids: set[UUID], reason: str, since: dict[UUID, Any]) -> ChildrenShown:
    visible = policy.children_visible_to(user).filter(pk__in=child_ids).order_by("family_name", "given_name")
    shown = list(visible.only("id", "given_name", "family_name"))
    named = [{"child": child, "since": since.get(child.pk)} for child in shown]
    if shown:
        audit_record_many(
            actor=user,
            kind=AuditKind.CHILD_LISTED,
            rows=[(child.pk, "child", str(child.pk), reason, None) for child in shown],
        )
    return ChildrenShown(named=named, hidden=len(child_ids) - len(named))


def group_children(*, user: User, group: PeerGroup) -> ChildrenShown:
    """The group's current members: named where the viewer may see them (audited), counted where not."""
    rows = PeerGroupMember.objects.filter(group=group, removed_at__isnull=True).values_list("child_id", "added_at")
    since = dict(rows)
    return _children_shown(user, set(since), f"Peer group: {group.name}", since)


def group_members_past(*, user: User, group: PeerGroup) -> tuple[list[PeerGroupMember], int]:
    """Children no longer in the group, where the viewer may see them; and how many others."""
    past = PeerGroupMember.objects.filter(group=group, removed_at__isnull=False).select_related("child")
    visible = set(policy.children_visible_to(user).filter(pk__in=past.values("child_id")).values_list("pk", flat=True))
    shown = [m for m in past if m.child_id in visible]
    if shown:
        audit_record_many(
            actor=user,
            kind=AuditKind.CHILD_LISTED,
            rows=[
                (m.child_id, "child", str(m.child_id), f"Peer group (past members): {group.name}", None) for m in shown
            ],
        )
    return shown, past.count() - len(shown)


def place_children(*, user: User, place: Place) -> ChildrenShown:
    """The children with a concern recorded at the place."""
    ids = set(place_concerns(place).values_list("child_id", flat=True))
    return _children_shown(user, ids, f"Children linked to a place: {place.name}", {})


@dataclass
class Event:
    day: date | None
    what: str
    where: str
    agency: str
    child: Child | None


@dataclass
class Timeline:
    events: list[Event] = field(default_factory=list)
    about_hidden: int = 0
    more: int = 0
    by_month: list[tuple[str, int]] = field(default_factory=list)


def _mapping_events(user: User, node_filter: Any) -> list[Event]:
    """The map's events at the nodes ``node_filter(snapshot)`` picks, newest first; for a viewer who sees part of
    the map, only events that name a child they may see (as the map's own pages)."""
    snapshot = MappingSnapshot.objects.filter(complete=True).order_by("-built_at", "-pk").first()
    if snapshot is None:
        return []
    events = MappingEvent.objects.filter(
        pk__in=MappingEventNode.objects.filter(node_id__in=node_filter(snapshot)).values("event_id")
    )
    if not policy.sees_all_children(user):
        theirs = MappingNodeChild.objects.filter(
            snapshot_id=snapshot.pk, child_id__in=policy.children_visible_to(user).values("pk")
        ).values("node_id")
        events = events.filter(pk__in=MappingEventNode.objects.filter(node_id__in=theirs).values("event_id"))
    return [
        Event(day=e.date, what=e.type.replace("_", " ").capitalize(), where="", agency=e.agency, child=None)
        for e in events.order_by("-date")[: EVENTS_SHOWN * 2]
    ]


def _timeline(user: User, concerns: QuerySet[Concern], mapping: list[Event]) -> Timeline:
    visible = set(
        policy.children_visible_to(user).filter(pk__in=concerns.values("child_id")).values_list("pk", flat=True)
    )
    events: list[Event] = []
    hidden = 0
    for concern in concerns.select_related("child", "owning_agency").order_by("-occurred_at"):
        if concern.child_id not in visible:
            hidden += 1
            continue
        events.append(
            Event(
                day=concern.occurred_at.date(),
                what=f"Concern: {concern.get_category_display()}",
                # Where a code C item was recorded is part of what its conditions keep to their agencies.
                where=concern.place_name if concern_in_full_for(user, concern) else "",
                agency=str(concern.owning_agency),
                child=concern.child,
            )
        )
    events.extend(mapping)
    events.sort(key=lambda e: e.day or date.min, reverse=True)
    months: dict[str, int] = {}
    for event in events:
        if event.day is not None:
            months[event.day.strftime("%B %Y")] = months.get(event.day.strftime("%B %Y"), 0) + 1
    return Timeline(
        events=events[:EVENTS_SHOWN],
        about_hidden=hidden,
        more=max(0, len(events) - EVENTS_SHOWN),
        by_month=list(months.items()),
    )


def group_timeline(*, user: User, group: PeerGroup) -> Timeline:
    """Events about the group's children over time: concerns about the children the viewer may see (the others
    counted), and the map's events naming those children (type, date and agency only)."""
    ids = list(group_child_ids(group).values_list("child_id", flat=True))
    visible = list(policy.children_visible_to(user).filter(pk__in=ids).values_list("pk", flat=True))

    def nodes(snapshot: MappingSnapshot) -> QuerySet[Any]:
        return MappingNodeChild.objects.filter(snapshot_id=snapshot.pk, child_id__in=visible).values("node_id")

    return _timeline(user, Concern.objects.filter(child_id__in=ids), _mapping_events(user, nodes))


def place_timeline(*, user: User, place: Place) -> Timeline:
    """Events at the place over time: its concerns (named for children the viewer may see) and the map's events at
    the place (type, date and agency only)."""
    key = f"place:{place_key(place.name, place.postcode)}"

    def nodes(snapshot: MappingSnapshot) -> QuerySet[Any]:
        return MappingNode.objects.filter(snapshot_id=snapshot.pk, key=key).values("id")

    return _timeline(user, place_concerns(place), _mapping_events(user, nodes))


def works_on_group(group: PeerGroup) -> QuerySet[ContextWork]:
    return ContextWork.objects.filter(group=group).order_by("-opened_at")


def works_on_place(place: Place) -> QuerySet[ContextWork]:
    return ContextWork.objects.filter(place=place).order_by("-opened_at")


def network_children(*, user: User, network: str) -> list[Child]:
    """The children of a network on the map that the user may see: the network the map's list shows with this
    start (``summary.start``), in the current mapping; or the child whose node it is (``child:<id>``)."""
    if not network or not policy.can_run_context_work(user):
        return []
    snapshot = MappingSnapshot.objects.filter(complete=True).order_by("-built_at", "-pk").first()
    keys: set[str] = set()
    if snapshot is not None:
        for data in (
            MappingResult.objects.filter(snapshot_id=snapshot.pk, kind=ResultKind.NETWORK, summary__start=network)
            .order_by("-period")
            .values_list("data", flat=True)[:1]
        ):
            keys |= set(data.get("nodes", []))
        keys.add(network)
        ids = set(
            MappingNodeChild.objects.filter(snapshot_id=snapshot.pk, node__key__in=keys).values_list(
                "child_id", flat=True
            )
        )
    else:
        ids = set()
    if network.startswith("child:"):
        with suppress(ValueError):
            ids.add(UUID(network.removeprefix("child:")))
    return list(policy.children_visible_to(user).filter(pk__in=ids).order_by("family_name", "given_name"))


def group_candidates(*, user: User) -> QuerySet[Child]:
    """The children the coordinator may put in a group: those they may see."""
    return policy.children_visible_to(user).order_by("family_name", "given_name")
