"""A generated area with a realistic background and planted exploitation networks, as the mapping's GraphData.

The background is what a year of ordinary records looks like: children in households (siblings, a parent
named with them), each at a secondary school of some 600 children where absences are recorded; fights at
school naming two classmates; a busy station and a bus station where the police stop, search and see
children, a shopping centre with sightings and shoplifting concerns, a hospital's attendances day and
night, parks where friends from one school are reported together, takeaways; children who go missing and
are found at home, at a friend's home or in town, and say where they were at a return interview; adults
of concern each known with one or two children.

Each planted network is a few children from across the area (with their schools, homes and siblings) and
one to three adults of concern, around one or two places of exploitation (a flat, a hotel, a takeaway):
found there at night after going missing, seen there with the adults and with each other, the adults'
phones and car in concerns, a return interview naming the place, and a meeting in the shopping centre
or at the station. One child in three is tied to the rest only by being there on the same nights.

Everything is invented. ``area_generate`` returns the data, the period to read it over (the last 91 days
of 182) and what was planted, for the recovery tests and ``bench/mapping_recovery.py``.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from joinedup.mapping.internals.analysis import Period
from joinedup.mapping.internals.build import ADULT, CHILD, PERSON, PHONE, PLACE, VEHICLE, GraphData

UNTIL = date(2026, 10, 31)
DAYS = 182
PERIOD = Period(UNTIL - timedelta(days=90), UNTIL)
SCHOOL_SIZE = 600
EXPLOITATION_PLACES = [
    ("private_address", "Flat {n}, {street}"),
    ("hotel", "{street} Hotel"),
    ("takeaway", "{street} Kebab House"),
    ("private_address", "Flat above the shop, {street}"),
    ("licensed_premises", "The {street} Arms"),
]
STREETS = ["Canal Street", "Mill Lane", "Station Road", "Quarry Hill", "Tanner Row", "Wharf Street", "Cross Gates"]


@dataclass
class PlantedNetwork:
    children: list[str]
    adults: list[str]
    places: list[str]

    @property
    def people(self) -> set[str]:
        return {*self.children, *self.adults}


@dataclass
class Area:
    data: GraphData
    period: Period
    networks: list[PlantedNetwork]
    schools: list[str]
    busy: list[str] = field(default_factory=list)

    @property
    def planted_children(self) -> set[str]:
        return {c for network in self.networks for c in network.children}


class _Maker:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.data = GraphData()
        self.count = 0

    def node(self, node_id: str, kind: str, label: str, **extra: Any) -> str:
        pk = node_id.rsplit(":", 1)[-1]
        self.data.nodes[node_id] = {
            "id": node_id,
            "kind": kind,
            "label": label,
            "members": [["GEN", pk]],
            "child_ids": [pk] if kind == CHILD else [],
            "adult_ids": [pk] if kind == ADULT else [],
            **extra,
        }
        return node_id

    def place(self, name: str, place_type: str) -> str:
        number = len(self.data.nodes)
        postcode = f"WB{number % 9 + 1} {number % 10}{chr(65 + number % 26)}{chr(65 + number // 26 % 26)}"
        return self.node(
            f"place:{name.lower()}|{postcode.replace(' ', '')}",
            PLACE,
            f"{name}, {postcode}",
            place_name=name,
            postcode=postcode,
            place_type=place_type,
            lat=53.7 + self.rng.random() / 10,
            lon=-1.6 + self.rng.random() / 10,
        )

    def day(self, *, recent: bool = False) -> int:
        return self.rng.randrange(91 if recent else DAYS)

    def event(self, agency: str, type: str, days_ago: int, hour: int | None, nodes: list[str]) -> None:
        self.count += 1
        self.data.events.append(
            {
                "source": "extract",
                "agency": agency,
                "record": f"E{self.count}",
                "type": type,
                "date": (UNTIL - timedelta(days=days_ago)).isoformat(),
                "hour": hour,
                "nodes": list(dict.fromkeys(nodes)),
            }
        )


def area_generate(children: int, *, networks: int | None = None, seed: int = 11) -> Area:
    """About ``children`` children over 182 days, with ``networks`` planted networks (one per 4,000
    children, at least three, by default)."""
    m = _Maker(seed)
    rng = m.rng
    schools = [m.place(f"School {i}", "school") for i in range(max(2, round(children / SCHOOL_SIZE)))]
    station = m.place("Central Station", "transport_hub")
    buses = m.place("Bus Station", "transport_hub")
    centre = m.place("Town Shopping Centre", "shop")
    hospital = m.place("General Hospital", "other")
    parks = [m.place(f"{street} Park", "park") for street in STREETS[: 2 + children // 3000]]
    takeaways = [m.place(f"Takeaway {i}", "takeaway") for i in range(2 + children // 2000)]
    # Ordinary hotels, pubs and shops, where now and then a child is seen or a concern is raised.
    ordinary = [m.place(f"{street} Hotel", "hotel") for street in STREETS[: 2 + children // 5000]]
    ordinary += [m.place(f"The {street} Tavern", "licensed_premises") for street in STREETS[: 2 + children // 4000]]
    ordinary += [m.place(f"{street} Mini Market", "shop") for street in STREETS[: 2 + children // 4000]]
    town = [station, buses, centre, *parks, *takeaways]

    # Households of one to three children, each with a home and a parent.
    kids: list[str] = []
    school_of: dict[str, str] = {}
    home_of: dict[str, str] = {}
    household_of: dict[str, list[str]] = {}
    parent_of: dict[str, str] = {}
    while len(kids) < children:
        size = rng.choice([1, 1, 1, 1, 1, 1, 2, 2, 2, 3])
        household = len(household_of)
        home = m.place(f"{household} {rng.choice(STREETS)}", "private_address")
        parent = m.node(f"person:parent:{household}", PERSON, f"Parent {household}")
        school = rng.choice(schools)
        members = [m.node(f"person:child:{len(kids) + i}", CHILD, f"Child {len(kids) + i}") for i in range(size)]
        for kid in members:
            kids.append(kid)
            school_of[kid], home_of[kid], parent_of[kid] = school, home, parent
            household_of[kid] = members
        if size > 1 or rng.random() < 0.3:
            for _ in range(rng.choice([1, 1, 2])):
                # A domestic incident or a referral naming the children and their parent, at home.
                m.event("CSC", "concern", m.day(), rng.randrange(8, 22), [*members, parent, home])
    by_school: dict[str, list[str]] = {}
    for kid in kids:
        by_school.setdefault(school_of[kid], []).append(kid)

    for kid in kids:
        for _ in range(rng.choice([1, 2, 3, 4, 5])):
            m.event("EDU", "school_absence", m.day(), 9, [kid, school_of[kid]])
        if rng.random() < 0.15:
            # A fight or a falling out at school naming two classmates.
            other = rng.choice(by_school[school_of[kid]])
            m.event("EDU", "concern", m.day(), rng.randrange(10, 15), [kid, other, school_of[kid]])
        for hub, share in ((station, 0.6), (buses, 0.3)):
            if rng.random() < share:
                hour = rng.choice([*range(7, 21), 21, 22, 23, 0])
                m.event("POL", rng.choice(["stop_search", "sighting", "stop_search"]), m.day(), hour, [kid, hub])
        if rng.random() < 0.5:
            m.event("POL", rng.choice(["sighting", "concern"]), m.day(), rng.randrange(10, 21), [kid, centre])
        if rng.random() < 0.4:
            m.event("HEA", "health_attendance", m.day(), rng.randrange(24), [kid, hospital])
        if rng.random() < 0.1:
            m.event("POL", "sighting", m.day(), rng.randrange(12, 23), [kid, rng.choice(takeaways)])
        if rng.random() < 0.04:
            m.event(
                "POL", rng.choice(["sighting", "concern"]), m.day(), rng.randrange(12, 24), [kid, rng.choice(ordinary)]
            )
        if rng.random() < 0.07:
            # Friends from one school reported together in a park.
            friends = rng.sample(by_school[school_of[kid]], k=rng.choice([1, 2]))
            m.event("POL", "community_report", m.day(), rng.randrange(15, 23), [kid, *friends, rng.choice(parks)])
        if rng.random() < 0.08:
            for _ in range(rng.choice([1, 1, 2, 3])):
                started = m.day()
                m.event("POL", "missing_episode", started, rng.randrange(16, 24), [kid, home_of[kid]])
                where = rng.random()
                if where < 0.6:
                    found = home_of[kid]
                elif where < 0.8:
                    found = home_of[rng.choice(by_school[school_of[kid]])]
                else:
                    found = rng.choice(town)
                m.event("POL", "found", max(0, started - 1), rng.choice([*range(0, 12), 22, 23]), [kid, found])
                if found != home_of[kid] and rng.random() < 0.5:
                    m.event("CSC", "return_interview", max(0, started - 3), 14, [kid, found])

    # Adults of concern the background knows, each with a child or two, at home or in town.
    for number in range(children // 150):
        adult = m.node(f"person:adult:bg{number}", ADULT, f"Adult bg{number}")
        phone = m.node(f"phone:07700{number:06d}", PHONE, f"07700 {number:06d}")
        m.event("POL", "person_phone", 0, None, [adult, phone])
        for kid in rng.sample(kids, k=rng.choice([1, 1, 2])):
            place = rng.choice([home_of[kid], *town])
            m.event("CSC", "concern", m.day(), rng.randrange(10, 23), [kid, adult, place])

    # The planted networks.
    count = networks if networks is not None else max(3, round(children / 4000))
    free = list(kids)
    rng.shuffle(free)
    planted: list[PlantedNetwork] = []
    for number in range(count):
        members = [free.pop() for _ in range(rng.randint(4, 8))]
        members = [kid for kid in members if kid not in {k for n in planted for k in n.children}]
        adults = [
            m.node(f"person:adult:net{number}-{i}", ADULT, f"Adult net{number}-{i}") for i in range(rng.randint(1, 3))
        ]
        phones = [m.node(f"phone:07800{number:03d}{i:03d}", PHONE, f"07800 {number:03d}{i:03d}") for i in range(2)]
        car = m.node(f"vehicle:WB{number:02d}NET", VEHICLE, f"WB{number:02d} NET")
        for adult, phone in zip(adults, phones * 2, strict=False):
            m.event("POL", "person_phone", 0, None, [adult, phone])
        kinds = rng.sample(EXPLOITATION_PLACES, k=rng.choice([1, 1, 2]))
        places = [
            m.place(pattern.format(n=rng.randint(1, 30), street=f"{rng.choice(STREETS)} {number}"), kind)
            for kind, pattern in kinds
        ]
        nights: list[int] = sorted(rng.sample(range(2, 89), 6))
        # Where the network meets each of those nights.
        night_place = {night: rng.choice(places) for night in nights}
        quiet = {kid for kid in members if rng.random() < 1 / 3} - {members[0]}
        for position, kid in enumerate(members):
            adult = adults[position % len(adults)]
            for night in rng.sample(nights, k=rng.randint(2, 4)):
                place = night_place[night]
                m.event("POL", "missing_episode", night + 1, rng.randrange(17, 23), [kid, home_of[kid]])
                hour = rng.randrange(0, 6)
                if kid in quiet:
                    # Found where the others were that night, with no one else named.
                    m.event("POL", "found", night, hour, [kid, place])
                else:
                    m.event("POL", "found", night, hour, [kid, place, *([adult] if rng.random() < 0.6 else [])])
                if rng.random() < 0.5:
                    m.event("CSC", "return_interview", max(0, night - 2), 15, [kid, place])
            if kid not in quiet:
                others = rng.sample([k for k in members if k != kid], k=min(2, len(members) - 1))
                night = rng.choice(nights)
                m.event(
                    "POL", "sighting", night, rng.choice([22, 23, 0, 1]), [kid, *others, adult, car, night_place[night]]
                )
                if rng.random() < 0.7:
                    m.event(
                        "CSC", "concern", m.day(recent=True), rng.randrange(9, 18), [kid, adult, phones[position % 2]]
                    )
        # Recruited in town: an adult seen with one of the children in the shopping centre or at the station.
        talker = next(kid for kid in members if kid not in quiet)
        m.event(
            "POL",
            "sighting",
            m.day(recent=True),
            rng.randrange(15, 20),
            [talker, adults[0], rng.choice([centre, station])],
        )
        for adult in adults[1:]:
            night = rng.choice(nights)
            m.event("POL", "sighting", night, 23, [adult, adults[0], car, night_place[night]])
        planted.append(PlantedNetwork(children=members, adults=adults, places=places))
    return Area(data=m.data, period=PERIOD, networks=planted, schools=schools, busy=[station, buses, centre, hospital])


@dataclass
class Recovery:
    """How the networks and hotspots found match what was planted."""

    planted: int
    recovered: int  # every adult, at least 80% of the children, at most twice the planted size
    sizes: list[tuple[int, int]]  # (people in the network found, people planted), for each planted network
    background: int  # children planted in no network, in a network found for a planted one
    background_untied: int  # of those, children named in no record with one of that network's people
    largest: int  # people in the largest network found
    ranks: list[int]  # each planted place's place in the hotspots (0 is first)

    @property
    def in_top_ten(self) -> int:
        return sum(rank < 10 for rank in self.ranks)

    @property
    def size_ratio(self) -> float:
        return max(found / planted for found, planted in self.sizes)


def recovery(area: Area, networks: list[dict[str, Any]], hotspots: list[dict[str, Any]]) -> Recovery:
    nodes = area.data.nodes
    persons = [{n for n in network["nodes"] if nodes[n]["kind"] in {CHILD, ADULT, PERSON}} for network in networks]
    named_with: dict[str, set[str]] = {}
    for event in area.data.events:
        people = [n for n in event["nodes"] if nodes[n]["kind"] in {CHILD, ADULT, PERSON}]
        for person in people:
            named_with.setdefault(person, set()).update(people)
    planted_children = area.planted_children
    recovered, sizes, background, untied = 0, [], 0, 0
    for planted in area.networks:
        found = max(persons, key=lambda group: len(group & planted.people), default=set())
        children = len(found & set(planted.children))
        sizes.append((len(found), len(planted.people)))
        if (
            set(planted.adults) <= found
            and children >= 0.8 * len(planted.children)
            and len(found) <= 2 * len(planted.people)
        ):
            recovered += 1
        others = {n for n in found if nodes[n]["kind"] == CHILD and n not in planted_children}
        background += len(others)
        untied += sum(not (named_with.get(n, set()) & (found - {n})) for n in others)
    place_rank = {row["node"]: rank for rank, row in enumerate(hotspots)}
    return Recovery(
        planted=len(area.networks),
        recovered=recovered,
        sizes=sizes,
        background=background,
        background_untied=untied,
        largest=max((len(group) for group in persons), default=0),
        ranks=[place_rank.get(place, len(hotspots)) for planted in area.networks for place in planted.places],
    )
