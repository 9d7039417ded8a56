"""The demo area's multi-agency extracts: the same children recorded by several agencies, and two
planted exploitation networks with their places, vehicles and phones.

Police, social care, health and schools each write ``people.csv`` and ``events.csv`` in the shared
agency extract format (``../shared/spec/agency-extract.md``) as agencies really record people:
nicknames, misspellings, day and month swapped, partial dates of birth. The extracts go in through
the importer as the coordinator, then record linkage and the mapping run over them, so the
coordinator's linkage, network and hotspot views have something real to find.

Network A (Station Hotel, the kebab house on Mill Lane) grows over the last three months; network B
(the flat above the launderette, the recreation ground) is steady over six. Everything is invented:
names from Faker's en_GB provider with a seed, WB postcodes, NHS numbers in the 999 test range.
"""

import csv
import random
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone
from faker import Faker

from joinedup.accounts.models import User

AGENCIES = ["POL", "CSC", "HEA", "EDU"]
PEOPLE_COLUMNS = [
    "record_id",
    "agency",
    "person_type",
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "sex",
    "postcode",
    "phones",
    "nhs_number",
    "pnc_id",
    "la_child_id",
]
EVENT_COLUMNS = [
    "event_id",
    "agency",
    "event_type",
    "occurred_at",
    "ended_at",
    "subject_record_id",
    "other_record_ids",
    "place_name",
    "place_type",
    "place_postcode",
    "latitude",
    "longitude",
    "vehicles",
    "phones",
    "grading",
    "summary",
]
# Formal given names with the familiar forms agencies write instead (all in linkage's nickname table).
NICKNAMES = {
    "F": {
        "Jessica": ["Jess", "Jessie"],
        "Rebecca": ["Becky", "Becca"],
        "Charlotte": ["Lottie", "Charlie"],
        "Katherine": ["Kate", "Katie"],
        "Abigail": ["Abby", "Abi"],
        "Elizabeth": ["Lizzie", "Liz"],
        "Natalie": ["Nat"],
    },
    "M": {
        "Thomas": ["Tom", "Tommy"],
        "Daniel": ["Dan", "Danny"],
        "Samuel": ["Sam", "Sammy"],
        "Alexander": ["Alex", "Alfie"],
        "Joshua": ["Josh"],
        "Oliver": ["Ollie", "Olly"],
        "Matthew": ["Matt", "Matty"],
        "Christopher": ["Chris"],
        "Joseph": ["Joe", "Joey"],
        "Zachary": ["Zach", "Zac"],
    },
}
STREET_NAMES = ["Snowy", "Kash", "Bugsy", "Ghost", "Rizla", "Dice"]
NETWORKS: dict[str, dict[str, Any]] = {
    "A": {
        "children": 5,
        "places": [
            ("Station Hotel", "hotel", "WB1 1AA", "53.7512", "-1.6021"),
            ("Kebab house on Mill Lane", "takeaway", "WB3 2MQ", "53.7478", "-1.5893"),
        ],
        "vehicles": ["WB19 KXM", "YT68 RZA"],
        "phones": ["07700 900461", "07700 900462"],
        "grows": True,
    },
    "B": {
        "children": 4,
        "places": [
            ("Flat above the launderette on Canal Street", "private_address", "WB5 7HT", "53.7391", "-1.6204"),
            ("Riverside recreation ground", "park", "WB6 1RG", "53.7335", "-1.6117"),
        ],
        "vehicles": ["WB70 LPD"],
        "phones": ["07700 900571", "07700 900572"],
        "grows": False,
    },
}
BACKGROUND_EVENTS = {
    "CSC": ("concern", "Referral from the front door; assessment started."),
    "HEA": ("health_attendance", "Attended the drop-in clinic."),
    "EDU": ("school_absence", "Unauthorised absence, parent contacted."),
}


@dataclass
class _Person:
    key: str
    given: str
    family: str
    sex: str
    dob: date
    postcode: str
    person_type: str = "child"
    nhs: str = ""
    pnc: str = ""
    aliases: list[str] = field(default_factory=list)
    network: str = ""
    records: dict[str, str] = field(default_factory=dict)  # agency -> record_id


@dataclass
class DemoExtractsSummary:
    people_records: int = 0
    event_records: int = 0
    rejected: int = 0
    planted_duplicates: list[list[tuple[str, str]]] = field(default_factory=list)
    # Records of one child written so sparsely that linkage cannot be sure: for the coordinator to decide.
    planted_grey: list[tuple[tuple[str, str], tuple[str, str]]] = field(default_factory=list)
    networks: dict[str, dict[str, list[tuple[str, str]]]] = field(default_factory=dict)
    # (police record, social care record) of a child whose episode is in the police extract and whose return
    # home interview is in social care's.
    cross_agency_interviews: list[tuple[tuple[str, str], tuple[str, str]]] = field(default_factory=list)
    waiting: int = 0
    linked_people: int = 0
    review_items: int = 0
    mapping_nodes: int = 0


def _nhs_number(rng: random.Random) -> str:
    """A valid NHS number in the 999 range, which no real person holds."""
    while True:
        digits = [9, 9, 9, *(rng.randint(0, 9) for _ in range(6))]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"WB{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def _misspell(rng: random.Random, name: str) -> str:
    if len(name) < 4:
        return name
    i = rng.randint(1, len(name) - 3)
    if rng.random() < 0.5:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    return name[:i] + name[i + 1 :]


def _dob_text(rng: random.Random, dob: date, noisy: bool) -> str:
    if not noisy:
        return dob.isoformat()
    roll = rng.random()
    if roll < 0.4 and dob.day <= 12 and dob.day != dob.month:
        return f"{dob.year}-{dob.day:02d}-{dob.month:02d}"
    if roll < 0.7:
        return f"{dob:%Y-%m}"
    return dob.isoformat()


def _child(rng: random.Random, fake: Faker, key: str, today: date) -> _Person:
    sex = rng.choice("FM")
    given = (
        rng.choice(sorted(NICKNAMES[sex]))
        if rng.random() < 0.6
        else fake.first_name_female()
        if sex == "F"
        else fake.first_name_male()
    )
    return _Person(
        key=key,
        given=given,
        family=fake.last_name(),
        sex=sex,
        dob=today - timedelta(days=rng.randint(11 * 365, 17 * 365)),
        postcode=_postcode(rng),
        nhs=_nhs_number(rng),
        pnc=f"{today.year % 100 - 1:02d}/{rng.randint(100000, 999999)}X",
    )


def _person_row(rng: random.Random, person: _Person, agency: str, record_id: str, *, first: bool) -> dict[str, str]:
    """How ``agency`` recorded ``person``: the first agency writes it straight, the others with noise."""
    given, family = person.given, person.family
    noisy = not first
    if noisy:
        roll = rng.random()
        if roll < 0.35 and given in NICKNAMES[person.sex]:
            given = rng.choice(NICKNAMES[person.sex][given])
        elif roll < 0.55:
            given = _misspell(rng, given.lower()).title()
        elif roll < 0.7:
            family = _misspell(rng, family.lower()).title()
    row = {
        "record_id": record_id,
        "agency": agency,
        "person_type": person.person_type,
        "given_name": given,
        "family_name": family,
        "other_names": ";".join(person.aliases),
        "date_of_birth": _dob_text(rng, person.dob, noisy and rng.random() < 0.5),
        "sex": person.sex,
        "postcode": person.postcode if rng.random() < 0.85 else person.postcode.replace(" ", "").lower(),
        "phones": "",
        "nhs_number": "",
        "pnc_id": "",
        "la_child_id": "",
    }
    if agency == "HEA":
        row["nhs_number"] = person.nhs
    if agency == "POL":
        row["pnc_id"] = person.pnc
    if agency == "CSC" and person.person_type == "child":
        row["la_child_id"] = f"WBX{person.key}"
    return row


def _moment(now: datetime, days_ago: float, hour: int) -> datetime:
    return (now - timedelta(days=days_ago)).replace(hour=hour, minute=0, second=0, microsecond=0)


def _iso(moment: datetime) -> str:
    return timezone.localtime(moment).isoformat(timespec="minutes")


class _Writer:
    def __init__(self) -> None:
        self.people: dict[str, list[dict[str, str]]] = {code: [] for code in AGENCIES}
        self.events: dict[str, list[dict[str, str]]] = {code: [] for code in AGENCIES}
        self.counters = dict.fromkeys(AGENCIES, 0)

    def record(self, rng: random.Random, person: _Person, agencies: list[str]) -> None:
        for index, agency in enumerate(agencies):
            record_id = f"{agency}-{person.key}"
            person.records[agency] = record_id
            self.people[agency].append(_person_row(rng, person, agency, record_id, first=index == 0))

    def event(self, agency: str, event_type: str, when: datetime, **values: str) -> None:
        self.counters[agency] += 1
        row = dict.fromkeys(EVENT_COLUMNS, "")
        row.update(
            event_id=f"{agency}-E{self.counters[agency]:05d}",
            agency=agency,
            event_type=event_type,
            occurred_at=_iso(when),
            **values,
        )
        self.events[agency].append(row)

    def write(self, folder: Path) -> list[Path]:
        folders = []
        for agency in AGENCIES:
            target = folder / agency
            target.mkdir()
            for name, columns, rows in (
                ("people.csv", PEOPLE_COLUMNS, self.people[agency]),
                ("events.csv", EVENT_COLUMNS, self.events[agency]),
            ):
                with (target / name).open("w", encoding="utf-8", newline="") as handle:
                    writer = csv.DictWriter(handle, fieldnames=columns)
                    writer.writeheader()
                    writer.writerows(rows)
            folders.append(target)
        return folders


def _network_events(
    writer: _Writer, rng: random.Random, now: datetime, name: str, children: list[_Person], adults: list[_Person]
) -> None:
    spec = NETWORKS[name]
    for position, child in enumerate(children):
        # Network A grows: two children before the last three months, all of them within it.
        if spec["grows"]:
            days = [rng.uniform(100, 175)] if position < 2 else []
            days += sorted(rng.sample(range(5, 85), 3), reverse=True)
        else:
            days = sorted(rng.sample(range(5, 178), 3), reverse=True)
        for number, days_ago in enumerate(days):
            place_name, place_type, postcode, lat, lon = spec["places"][number % 2]
            place = {
                "place_name": place_name,
                "place_type": place_type,
                "place_postcode": postcode,
                "latitude": lat,
                "longitude": lon,
            }
            adult = adults[(position + number) % 2]
            vehicle = spec["vehicles"][(position + number) % len(spec["vehicles"])]
            started = _moment(now, days_ago, 18)
            if number % 2 == 0:
                # Reported missing by police, found next morning at the place with an adult of concern.
                writer.event(
                    "POL",
                    "missing_episode",
                    started,
                    ended_at=_iso(started + timedelta(hours=16)),
                    subject_record_id=child.records["POL"],
                    summary="Reported missing by carer after not returning from school.",
                    **place,
                )
                writer.event(
                    "POL",
                    "found",
                    started + timedelta(hours=14),
                    subject_record_id=child.records["POL"],
                    other_record_ids=adult.records["POL"],
                    vehicles=vehicle,
                    grading="2 B P",
                    summary=f"Found at {place_name} with an adult known as {adult.aliases[0]}.",
                    **place,
                )
            else:
                writer.event(
                    "POL",
                    "sighting",
                    started,
                    subject_record_id=child.records["POL"],
                    other_record_ids=";".join(a.records["POL"] for a in adults),
                    vehicles=vehicle,
                    phones=spec["phones"][position % 2],
                    grading="3 C P",
                    summary=f"Seen getting out of {vehicle} at {place_name}.",
                    **place,
                )
                writer.event(
                    "CSC",
                    "concern",
                    started + timedelta(days=2),
                    subject_record_id=child.records["CSC"],
                    other_record_ids=adult.records["CSC"],
                    phones=spec["phones"][(position + 1) % 2],
                    summary=f"Child has a new phone and talks about {adult.aliases[0]}; seen at {place_name}.",
                    **place,
                )


def demo_extracts_generate(*, users: dict[str, User], rng: random.Random) -> DemoExtractsSummary:
    """Write the four agencies' extracts, import them as the coordinator, then link records and refresh the
    mapping, synchronously (the importer's own background refresh is for live imports)."""
    from joinedup.imports.services import agency_extract_import
    from joinedup.linkage.api import link_records
    from joinedup.mapping.api import mapping_snapshot_refresh

    fake = Faker("en_GB")
    fake.seed_instance(rng.randint(0, 2**31))
    now = timezone.now()
    today = timezone.localdate()
    summary = DemoExtractsSummary()
    writer = _Writer()

    background = [_child(rng, fake, f"C{index:03d}", today) for index in range(30)]
    for child in background:
        agencies = ["CSC", *rng.sample(["POL", "HEA", "EDU"], k=rng.choice([1, 1, 2]))]
        writer.record(rng, child, agencies)
        for agency in agencies[1:] if len(agencies) > 1 else agencies:
            if agency in BACKGROUND_EVENTS:
                event_type, text = BACKGROUND_EVENTS[agency]
                writer.event(
                    agency,
                    event_type,
                    _moment(now, rng.uniform(3, 178), 10),
                    subject_record_id=child.records[agency],
                    summary=text,
                )
        summary.planted_duplicates.append([(a, r) for a, r in child.records.items()])

    # Two children another agency knows only by a mistyped family name and a year of birth, at another
    # address: the same child, probably, but for a person to decide in the review queue.
    for child in [c for c in background if "EDU" not in c.records][:2]:
        record_id = f"EDU-{child.key}-X"
        writer.people["EDU"].append(
            {
                **dict.fromkeys(PEOPLE_COLUMNS, ""),
                "record_id": record_id,
                "agency": "EDU",
                "person_type": "child",
                "given_name": child.given,
                # The last letter doubled: one letter different, the same sound.
                "family_name": child.family + child.family[-1],
                "date_of_birth": f"{child.dob.year}",
                "sex": "U",
                "postcode": _postcode(rng),
            }
        )
        summary.planted_grey.append((("CSC", child.records["CSC"]), ("EDU", record_id)))

    street_names = list(STREET_NAMES)  # each adult of concern known by a different one
    for name, spec in NETWORKS.items():
        children = [_child(rng, fake, f"{name}{index}", today) for index in range(spec["children"])]
        adults = []
        for index in range(2):
            sex = "M" if index == 0 or rng.random() < 0.7 else "F"
            adult = _Person(
                key=f"{name}AD{index}",
                given=fake.first_name_male() if sex == "M" else fake.first_name_female(),
                family=fake.last_name(),
                sex=sex,
                dob=today - timedelta(days=rng.randint(20 * 365, 35 * 365)),
                postcode=_postcode(rng),
                person_type="adult_of_concern",
                pnc=f"{rng.randint(5, 24):02d}/{rng.randint(100000, 999999)}Y",
                aliases=[street_names.pop(rng.randrange(len(street_names)))],
                network=name,
            )
            writer.record(rng, adult, ["POL", "CSC"])
            adults.append(adult)
        for child in children:
            child.network = name
            writer.record(rng, child, ["CSC", "POL", rng.choice(["HEA", "EDU"])])
            summary.planted_duplicates.append([(a, r) for a, r in child.records.items()])
            # The police know the episode; social care's return home interview is about it: the two meet
            # only once linkage joins the agencies' records of the child.
            start = _moment(now, rng.uniform(20, 80), 19)
            returned = start + timedelta(hours=rng.randint(6, 30))
            writer.event(
                "POL",
                "missing_episode",
                start,
                ended_at=_iso(returned),
                subject_record_id=child.records["POL"],
                summary="Reported missing by carer after not coming home.",
            )
            writer.event(
                "CSC",
                "return_interview",
                returned + timedelta(hours=rng.randint(20, 60)),
                subject_record_id=child.records["CSC"],
                summary="Said they had been with older friends and did not want to say where.",
            )
            summary.cross_agency_interviews.append((("POL", child.records["POL"]), ("CSC", child.records["CSC"])))
        _network_events(writer, rng, now, name, children, adults)
        summary.networks[name] = {
            "children": [("POL", c.records["POL"]) for c in children],
            "adults": [("POL", a.records["POL"]) for a in adults],
            "places": [(place[0], place[2]) for place in spec["places"]],
        }

    with tempfile.TemporaryDirectory(prefix="joinedup-demo-extracts-") as folder:
        batch = agency_extract_import(
            user=users["coordinator"], path_or_files=writer.write(Path(folder)), refresh=False
        )
    summary.people_records = sum(len(rows) for rows in writer.people.values())
    summary.event_records = sum(len(rows) for rows in writer.events.values())
    summary.rejected = batch.rejected
    summary.waiting = batch.waiting
    run = link_records()
    summary.linked_people = run.people
    summary.review_items = run.review_items
    summary.mapping_nodes = mapping_snapshot_refresh().node_count
    return summary
