"""Collecting the graph of people, places and things from every module.

Nodes: persons (one per linked person, whichever agency recorded them), places (the place record the text
resolved to, joinedup.places, so "Station Hotel, WB1 1AA" and "the Station Hotel" are one node; a normalised
name and postcode for text never resolved), vehicles, phones and online handles. Events: each thing that
happened (an extract event, a missing episode's last-seen and found places, what a return interview names, a
concern) with the nodes it connects and its evidence: source, record id, date (and the hour, where the record
has a time) and owning agency. The result is plain JSON so it can be kept as a snapshot and read back by the
web views.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from joinedup.jsontext import json_value

from .normalise import (
    handle_normalise,
    name_normalise,
    phone_normalise,
    place_from_text,
    place_key,
    postcode_normalise,
    split_multi,
    vrm_normalise,
)
from .persons import person_ids

PERSON, CHILD, ADULT = "person", "child", "adult"
PLACE, VEHICLE, PHONE, HANDLE = "place", "vehicle", "phone", "handle"
# Words too short or too common to stand for an adult when they appear in what a child said.
MENTION_MIN_LENGTH = 4
PLACE_MENTION_MIN_LENGTH = 6
# Rows fetched from the database at a time while building.
ROWS_READ = 5000
# The types of the events a missing episode makes (its last-seen and found places). An extract's event of one of
# them, about the same child at the same place on the same day, is that event: only these are looked for again.
EPISODE_TYPES = frozenset({"missing_episode", "found"})


@dataclass
class GraphData:
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    # Child pk -> the node of the person the child's record is about.
    child_nodes: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"nodes": self.nodes, "events": self.events, "child_nodes": self.child_nodes}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "GraphData":
        return cls(nodes=data["nodes"], events=data["events"], child_nodes=data["child_nodes"])


def _day_and_hour(value: date | datetime | str | None) -> tuple[str | None, int | None]:
    """The local day of a moment, and its hour when the moment has a time (a date alone has none)."""
    if value is None or value == "":
        return None, None
    if isinstance(value, str):
        moment = parse_datetime(value)
        if moment is None:
            parsed = parse_date(value[:10])
            return (parsed.isoformat() if parsed else None), None
        value = moment
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date().isoformat(), value.hour
    return value.isoformat(), None


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


class _Collector:
    def __init__(self) -> None:
        self.data = GraphData()
        # (type, day, child pk, place) of extract events, so the episode an extract made is not counted again.
        self.from_extracts: set[tuple[str, str, str, str]] = set()
        # The node each place and each cell of things was found to be, by what described it: a second call with
        # the same description changes nothing (a node's attributes are filled once), so it is looked up.
        self.places_seen: dict[tuple[Any, ...], str | None] = {}
        self.things_seen: dict[tuple[str, str, str], list[str]] = {}
        self.days_seen: dict[str, str] = {}

    def node(self, node_id: str, kind: str, label: str, **attrs: Any) -> dict[str, Any]:
        node = self.data.nodes.get(node_id)
        if node is None:
            node = {"id": node_id, "kind": kind, "label": label, "members": [], "child_ids": [], "adult_ids": []}
            self.data.nodes[node_id] = node
        if kind == CHILD or (kind == ADULT and node["kind"] == PERSON):
            node["kind"] = kind
        for name, value in attrs.items():
            if value not in (None, "") and node.get(name) in (None, ""):
                node[name] = value
        return node

    def place(
        self, name: str, postcode: str, place_type: str = "", lat: Any = None, lon: Any = None, record: Any = None
    ) -> str | None:
        described = (name, postcode, place_type, lat, lon, record.pk if record is not None else None)
        try:
            return self.places_seen[described]
        except KeyError:
            found = self.places_seen[described] = self._place(name, postcode, place_type, lat, lon, record)
        except TypeError:  # a latitude that is not a plain value: described afresh each time
            found = self._place(name, postcode, place_type, lat, lon, record)
        return found

    def _place(self, name: str, postcode: str, place_type: str, lat: Any, lon: Any, record: Any) -> str | None:
        if record is not None:
            # The place record (joinedup.places): its id is the key, its name and postcode the label.
            name, postcode = record.name, record.postcode
            place_type = record.kind if record.kind != "other" else place_type
            lat = record.latitude if record.latitude is not None else lat
            lon = record.longitude if record.longitude is not None else lon
            key = f"id:{record.pk}"
        else:
            key = place_key(name, postcode)
        if not key:
            return None
        label = ", ".join(part for part in (name.strip(), postcode_normalise(postcode)) if part)
        self.node(
            f"place:{key}",
            PLACE,
            label,
            place_name=name.strip(),
            postcode=postcode_normalise(postcode),
            place_type=place_type,
            lat=_float(lat),
            lon=_float(lon),
            place_id=str(record.pk) if record is not None else None,
        )
        return f"place:{key}"

    def things(self, *, vehicles: str = "", phones: str = "", handles: str = "") -> list[str]:
        described = (vehicles or "", phones or "", handles or "")
        found = self.things_seen.get(described)
        if found is None:
            found = self.things_seen[described] = self._things(*described)
        return list(found)

    def _things(self, vehicles: str, phones: str, handles: str) -> list[str]:
        ids = []
        for vrm in filter(None, map(vrm_normalise, split_multi(vehicles))):
            ids.append(self.node(f"vehicle:{vrm}", VEHICLE, vrm)["id"])
        for phone in filter(None, map(phone_normalise, split_multi(phones))):
            ids.append(self.node(f"phone:{phone}", PHONE, phone)["id"])
        for handle in filter(None, map(handle_normalise, split_multi(handles))):
            ids.append(self.node(f"handle:{handle}", HANDLE, f"@{handle}")["id"])
        return ids

    def event(self, *, source: str, agency: str, record: str, type: str, when: Any, nodes: list[str | None]) -> None:
        distinct = list(dict.fromkeys(filter(None, nodes)))
        if not distinct:
            return
        day, hour = _day_and_hour(when)
        # One string a day, however many events it has (a million events fit in less memory).
        day = self.days_seen.setdefault(day, day) if day else ""
        if type in EPISODE_TYPES and source in ("extract", "missing_episode"):
            places = [n for n in distinct if n.startswith("place:")]
            children = [c for n in distinct for c in self.data.nodes[n]["child_ids"]]
            keys = {(type, day, child, place) for child in children for place in places}
            if source == "extract":
                self.from_extracts |= keys
            elif keys and keys <= self.from_extracts:
                return
        self.data.events.append(
            {
                "source": source,
                "agency": agency,
                "record": record,
                "type": type,
                "date": day or None,
                "hour": hour,
                "nodes": distinct,
            }
        )


def _merge_places_without_postcode(data: GraphData) -> None:
    """A place named without a postcode is the same as the one place of that name that has one."""
    by_name: dict[str, list[str]] = {}
    for node_id, node in data.nodes.items():
        if node["kind"] == PLACE and node.get("postcode"):
            by_name.setdefault(name_normalise(node.get("place_name", "")), []).append(node_id)
    renames: dict[str, str] = {}
    for node_id, node in list(data.nodes.items()):
        if node["kind"] == PLACE and not node.get("postcode"):
            matches = by_name.get(name_normalise(node.get("place_name", "")), [])
            if len(matches) == 1:
                renames[node_id] = matches[0]
                target = data.nodes[matches[0]]
                for name in ("place_type", "lat", "lon"):
                    if target.get(name) in (None, "") and node.get(name) not in (None, ""):
                        target[name] = node[name]
                del data.nodes[node_id]
    if renames:
        for event in data.events:
            event["nodes"] = list(dict.fromkeys(renames.get(n, n) for n in event["nodes"]))


class NameFinder:
    """Finds, in one pass over a text's words, every name of a fixed list that the text holds as whole words.

    Texts and names are normalised (``name_normalise``: lower-case words of letters and digits, single
    spaces), so a name is held as whole words exactly when its words follow one another in the text's
    words. Each run of up to the longest name's word count is looked up in a dict: the cost grows with the
    text's length, not with the number of names (what a regular expression compiled per name cost: 2.3 s
    an interview at county size).
    """

    def __init__(self, names: Iterable[tuple[str, str]]) -> None:
        # Phrase -> the ids it stands for, in the order given.
        self.ids: dict[tuple[str, ...], list[str]] = {}
        self.order: dict[str, int] = {}
        for name, node_id in names:
            words = tuple(name.split())
            if words:
                self.ids.setdefault(words, []).append(node_id)
            self.order.setdefault(node_id, len(self.order))
        self.longest = max((len(words) for words in self.ids), default=0)

    def found_in(self, text: str) -> list[str]:
        """The ids of the names the (normalised) text holds, each once, in the order the names were given."""
        words = text.split()
        found: set[str] = set()
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + self.longest) + 1):
                found.update(self.ids.get(tuple(words[start:end]), ()))
        return sorted(found, key=self.order.__getitem__)


def _rows_read(records: Any, *fields: str) -> Iterator[tuple[Any, ...]]:
    """Plain rows of an agency's records (not model instances: a county has hundreds of thousands): ``fields``, then
    the record's ``data``, its JSON read as text by orjson (jsontext.json_value: a million rows' json.loads was a
    fifth of the build)."""
    from django.db.models import TextField
    from django.db.models.functions import Cast

    rows = records.annotate(text=Cast("data", TextField())).values_list(*fields, "text")
    for *values, text in rows.iterator(chunk_size=ROWS_READ):
        yield (*values, json_value(text))


def graph_data_build() -> GraphData:
    """Everything every agency has recorded, as one graph; not filtered for any viewer."""
    from joinedup.children.models import Child
    from joinedup.concerns.models import AdultOfConcern, Concern
    from joinedup.imports.models import EventRecord, PersonRecord, PersonType
    from joinedup.missing.models import MissingEpisode, ReturnInterview
    from joinedup.places.models import Place

    c = _Collector()
    data = c.data
    ids = person_ids()
    record_nodes: dict[tuple[str, str], str] = {}
    adult_aliases: dict[str, set[str]] = {}

    # Plain rows, not model instances: a county has hundreds of thousands of records.
    kinds: dict[str, str] = {PersonType.CHILD: CHILD, PersonType.ADULT_OF_CONCERN: ADULT}
    person_rows = _rows_read(
        PersonRecord.objects.order_by("agency__code", "record_id"),
        "agency__code",
        "record_id",
        "person_type",
        "child_id",
    )
    for code, record_id, person_type, child_id, row in person_rows:
        key = (code, record_id)
        node_id = f"person:{ids.get(key) or f'{key[0]}:{key[1]}'}"
        record_nodes[key] = node_id
        kind = kinds.get(person_type, PERSON)
        label = f"{row.get('given_name', '')} {row.get('family_name', '')}".strip() or record_id
        node = c.node(node_id, kind, label)
        node["members"].append([code, record_id])
        if child_id and str(child_id) not in node["child_ids"]:
            node["child_ids"].append(str(child_id))
            data.child_nodes.setdefault(str(child_id), node_id)
        if kind == ADULT:
            names = {label, *split_multi(row.get("other_names", ""))}
            adult_aliases.setdefault(node_id, set()).update(names)
        for thing in c.things(phones=row.get("phones", "")):
            c.event(
                source="person_record",
                agency=code,
                record=record_id,
                type="person_phone",
                when=None,
                nodes=[node_id, thing],
            )

    def child_node(child: Child) -> str:
        node_id = data.child_nodes.get(str(child.pk))
        if node_id is None:
            node_id = f"person:child:{child.pk}"
            data.child_nodes[str(child.pk)] = node_id
        node = c.node(node_id, CHILD, child.full_name)
        if str(child.pk) not in node["child_ids"]:
            node["child_ids"].append(str(child.pk))
        return node_id

    def adult_node(adult: AdultOfConcern) -> str:
        node_id = f"person:adult:{adult.pk}"
        node = c.node(node_id, ADULT, adult.name)
        if str(adult.pk) not in node["adult_ids"]:
            node["adult_ids"].append(str(adult.pk))
        adult_aliases.setdefault(node_id, set()).update({adult.name, *split_multi(adult.other_names)})
        return node_id

    places_named = {place.pk: place for place in Place.objects.filter(pk__in=EventRecord.objects.values("place_id"))}
    events = _rows_read(
        EventRecord.objects.order_by("agency__code", "event_id"), "agency__code", "event_id", "event_type", "place_id"
    )
    for code, event_id, event_type, place_id, row in events:
        people = [
            record_nodes.get((code, rid))
            for rid in [row.get("subject_record_id", ""), *split_multi(row.get("other_record_ids"))]
        ]
        place = c.place(
            row.get("place_name", ""),
            row.get("place_postcode", ""),
            row.get("place_type", ""),
            row.get("latitude"),
            row.get("longitude"),
            record=places_named.get(place_id) if place_id is not None else None,
        )
        things = c.things(
            vehicles=row.get("vehicles", ""), phones=row.get("phones", ""), handles=row.get("online_handles", "")
        )
        c.event(
            source="extract",
            agency=code,
            record=event_id,
            type=event_type,
            when=row.get("occurred_at"),
            nodes=[*people, place, *things],
        )

    episodes = MissingEpisode.objects.select_related(
        "child", "owning_agency", "last_seen_place_ref", "found_place_ref"
    ).order_by("started_at", "pk")
    for episode in episodes.iterator():
        for text, place_ref, when, kind in (
            (episode.last_seen_place, episode.last_seen_place_ref, episode.started_at, "missing_episode"),
            (episode.found_place, episode.found_place_ref, episode.found_at, "found"),
        ):
            if not text and place_ref is None:
                continue
            name, postcode = place_from_text(text)
            place = c.place(name, postcode, record=place_ref)
            if place is None:
                continue
            c.event(
                source="missing_episode",
                agency=episode.owning_agency.code,
                record=str(episode.pk),
                type=kind,
                when=when,
                nodes=[child_node(episode.child), place],
            )

    for concern in (
        Concern.objects.select_related("child", "owning_agency", "place")
        .prefetch_related("adults")
        .order_by("occurred_at", "pk")
    ):
        c.event(
            source="concern",
            agency=concern.owning_agency.code,
            record=str(concern.pk),
            type="concern",
            when=concern.occurred_at,
            nodes=[
                child_node(concern.child),
                c.place(concern.place_name, concern.place_postcode, record=concern.place),
                *(adult_node(adult) for adult in concern.adults.all()),
                *c.things(vehicles=concern.vehicles, phones=concern.phones, handles=concern.online_handles),
            ],
        )

    # A child missing education's last known address (joinedup.education), as a missing episode's last-seen place.
    from joinedup.education.selectors import cme_notices_for_map

    for notice in cme_notices_for_map().iterator():
        c.event(
            source="missing_education",
            agency=notice.owning_agency.code,
            record=str(notice.pk),
            type="missing_education",
            when=notice.starts_on,
            nodes=[
                child_node(notice.child),
                c.place(notice.last_known_address, notice.last_known_postcode, "private_address"),
            ],
        )

    _merge_places_without_postcode(data)

    # What a child said at a return interview links them only to places and adults already known by name.
    places = {
        name_normalise(node.get("place_name", "")): node_id
        for node_id, node in data.nodes.items()
        if node["kind"] == PLACE and len(name_normalise(node.get("place_name", ""))) >= PLACE_MENTION_MIN_LENGTH
    }
    aliases = [
        (name_normalise(alias), node_id)
        for node_id, names in adult_aliases.items()
        for alias in names
        if len(name_normalise(alias)) >= MENTION_MIN_LENGTH
    ]
    place_finder, alias_finder = NameFinder(places.items()), NameFinder(aliases)
    interviews = ReturnInterview.objects.filter(completed_at__isnull=False).select_related(
        "episode__child", "episode__owning_agency", "place"
    )
    for interview in interviews.order_by("completed_at", "pk"):
        said = name_normalise(
            " ".join([interview.where_they_were, interview.who_they_were_with, interview.childs_words])
        )
        named = place_finder.found_in(said) + alias_finder.found_in(said)
        # The place the interview records the child was at (a place record), as an episode's last-seen place.
        recorded = c.place("", "", record=interview.place) if interview.place is not None else None
        if recorded is not None and recorded not in named:
            named = [recorded, *named]
        if named:
            c.event(
                source="return_interview",
                agency=interview.episode.owning_agency.code,
                record=str(interview.episode_id),
                type="return_interview",
                when=interview.completed_at,
                nodes=[child_node(interview.episode.child), *named],
            )
    return data
