"""The county-sized area of issue 10, loaded into the database ``DATABASE_URL`` names, for ``bench/pages.py``.

Run as ``python bench/_county.py --scale S --out ids.json`` with ``DJANGO_SETTINGS_MODULE`` and ``DATABASE_URL``
set (``bench/pages.py`` does this for each database). It migrates, creates the demo area's agencies, teams and
accounts (``demo_area`` with a dozen children, so every role, a MACE meeting, a catalogue and the demo's own
records are there), then adds the county's bulk with ``joinedup.bulk.rows_insert`` as plain rows of the
project's own models, at ``S`` times the issue's sizes:

- 50,000 children, owned by the seven agencies; each has an open involvement of its owning agency and more of
  other agencies up to 110,000 involvements;
- 170,000 chronology entries, one child (the "1,000-item child", owned by social care) holding 1,000 of them
  at every scale;
- 30,000 missing episodes, each with a return interview (nine in ten completed), spread so that some children
  go missing repeatedly (the MACE agenda's proposals);
- 63,000 agency person records (every child's, and adults), 1 in 100 of them paired in the linkage review
  queue; 500,000 extract events naming them at places, vehicles and phones;
- a risk assessment for one child in ten, due for review; a document (its row only, no file) for one child in
  fifty, owned by the child's agency; audit rows: a "recorded" row per child and 1,000
  reads of the 1,000-item child's record (its "who viewed").

Work is shared among social workers as in a county: one for about every 500 children, the demo's social
worker among them, each the key worker of their children and owner of their return interviews. Then the
search keys are rebuilt and the mapping refreshed through the project's own commands, and the ids the
scenario needs are written to ``--out``.
"""

import argparse
import json
import os
import random
import sys
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SIZES = {
    "children": 50_000,
    "involvements": 110_000,
    "chronology": 170_000,
    "episodes": 30_000,
    "person_records": 63_000,
    "events": 500_000,
}
BIG_CHILD_ITEMS = 1000
BIG_CHILD_VIEWS = 1000
CHILDREN_PER_SOCIAL_WORKER = 500
AGENCY_SHARE = {"CSC": 0.4, "POL": 0.2, "HEA": 0.12, "EDU": 0.16, "YJS": 0.05, "VCS": 0.05, "PRB": 0.02}
EXTRACT_AGENCIES = ["POL", "CSC", "HEA", "EDU"]
EVENT_TYPES = ["sighting", "stop_search", "concern", "health_attendance", "school_absence", "missing_found"]
PLACE_TYPES = ["private_address", "park", "takeaway", "hotel", "station", "school", "shopping_centre"]
SUMMARIES = [
    "Home visit; {name} talked about school and friends.",
    "Strategy discussion with police and school; safety plan agreed with {name} and their carer.",
    "{name} seen with older young people near the station late in the evening.",
    "School nurse drop-in: {name} said they are tired and have a new phone from an older friend.",
    "Attendance has fallen this term; staff saw {name} collected after school by an adult in a car.",
]
GIVEN = ["Jessica", "Rebecca", "Charlotte", "Thomas", "Daniel", "Samuel", "Oliver", "Mia", "Leah", "Kai", "Ruby"]
FAMILY = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Khan", "Evans"]


def _log(message: str) -> None:
    print(f"  .. county: {message}", file=sys.stderr, flush=True)


class County:
    def __init__(self, scale: float, seed: int = 10) -> None:
        from django.utils import timezone

        from joinedup.accounts.models import User
        from joinedup.agencies.models import Agency

        self.rng = random.Random(seed)
        self.scale = scale
        self.n = {k: max(1, round(v * scale)) for k, v in SIZES.items()}
        self.now = timezone.now()
        self.agencies = {a.code: a for a in Agency.objects.all()}
        self.users = {u.username: u for u in User.objects.all()}
        self.child_ids: list[uuid.UUID] = []
        self.child_agency: dict[uuid.UUID, str] = {}
        self.child_worker: dict[uuid.UUID, int] = {}
        self.child_name: dict[uuid.UUID, tuple[str, str, date]] = {}
        self.involved: dict[str, list[uuid.UUID]] = {code: [] for code in self.agencies}
        self.workers: list[int] = []

    def when(self, days_back: float) -> datetime:
        return self.now - timedelta(days=days_back)

    def social_workers(self) -> None:
        from joinedup.accounts.models import RoleCode
        from joinedup.accounts.services import user_create
        from joinedup.agencies.models import Team

        csc = self.agencies["CSC"]
        team = Team.objects.filter(agency=csc).first()
        worker = self.users["practitioner-social-care"]
        self.workers = [worker.pk]
        for i in range(max(1, self.n["children"] // CHILDREN_PER_SOCIAL_WORKER) - 1):
            user = user_create(
                username=f"bench-social-worker-{i}",
                password=uuid.uuid4().hex,
                agency=csc,
                team=team,
                roles=[RoleCode.PRACTITIONER],
                first_name="Bench",
                last_name=f"Worker {i}",
            )
            self.workers.append(user.pk)

    def children(self) -> None:
        from joinedup.bulk import rows_insert
        from joinedup.children.models import Child

        codes, weights = zip(*AGENCY_SHARE.items(), strict=True)
        creator = self.users["coordinator"].pk
        rows = []
        for i in range(self.n["children"]):
            pk = uuid.uuid4()
            code = "CSC" if i == 0 else self.rng.choices(codes, weights)[0]
            given, family = self.rng.choice(GIVEN), self.rng.choice(FAMILY)
            born = date(2008, 1, 1) + timedelta(days=self.rng.randrange(365 * 10))
            worker = self.workers[i % len(self.workers)] if code == "CSC" else None
            rows.append(
                {
                    "id": pk,
                    "given_name": given if i else "Robin",
                    "family_name": f"{family}{i % 97}" if i else "Countywide",
                    "date_of_birth": born,
                    "sex": self.rng.choice("MF"),
                    "postcode": f"WB{i % 9 + 1} {i % 7 + 1}AB",
                    "owning_agency_id": self.agencies[code].pk,
                    "key_worker_id": worker,
                    "created_by_id": creator,
                    "created_at": self.when(400 + self.rng.random() * 300),
                }
            )
            self.child_ids.append(pk)
            self.child_agency[pk] = code
            if worker is not None:
                self.child_worker[pk] = worker
            self.child_name[pk] = (str(rows[-1]["given_name"]), str(rows[-1]["family_name"]), born)
        rows_insert(Child, rows)

    def involvements(self) -> None:
        from joinedup.bulk import rows_insert
        from joinedup.children.models import Involvement

        pairs = {(pk, self.child_agency[pk]) for pk in self.child_ids}
        codes = list(self.agencies)
        while len(pairs) < min(self.n["involvements"], len(self.child_ids) * len(codes)):
            pairs.add((self.rng.choice(self.child_ids), self.rng.choice(codes)))
        rows = []
        for pk, code in sorted(pairs, key=lambda p: (str(p[0]), p[1])):
            self.involved[code].append(pk)
            rows.append(
                {
                    "child_id": pk,
                    "agency_id": self.agencies[code].pk,
                    "reason": "Exploitation and missing",
                    "started_at": self.when(300 + self.rng.random() * 300),
                }
            )
        rows_insert(Involvement, rows)

    def chronology(self) -> None:
        from joinedup.bulk import rows_insert
        from joinedup.children.models import ChronologyEntry

        big = self.child_ids[0]
        owners = {code: self.users[name].pk for code, name in _practitioners().items()}
        rows = []
        for n in range(self.n["chronology"]):
            pk = big if n < BIG_CHILD_ITEMS else self.rng.choice(self.child_ids)
            code = "CSC" if pk == big else self.child_agency[pk]
            code = code if code in owners else "CSC"
            name = self.child_name[pk][0]
            moment = self.when(self.rng.random() * 700)
            rows.append(
                {
                    "child_id": pk,
                    "owning_agency_id": self.agencies[code].pk,
                    "recorded_by_id": owners[code],
                    "occurred_at": moment,
                    "recorded_at": moment,
                    "category": self.rng.choice(["contact", "information", "concern", "decision"]),
                    "summary": self.rng.choice(SUMMARIES).format(name=name),
                }
            )
        rows_insert(ChronologyEntry, rows)

    def missing(self) -> None:
        from joinedup.bulk import rows_insert
        from joinedup.deadlines import return_interview_due
        from joinedup.missing.models import InterviewResponse, MissingEpisode, ReturnInterview

        police = self.users["practitioner-police"]
        # A third of the episodes from children who go missing again and again (the MACE agenda's proposals).
        repeaters = self.rng.sample(self.child_ids, max(1, len(self.child_ids) // 30))
        episodes, interviews = [], []
        for n in range(self.n["episodes"]):
            pk = self.rng.choice(repeaters) if n % 3 == 0 else self.rng.choice(self.child_ids)
            started = self.when(self.rng.random() * 400)
            returned = started + timedelta(hours=self.rng.randrange(2, 72))
            episode_id = uuid.uuid4()
            episodes.append(
                {
                    "id": episode_id,
                    "child_id": pk,
                    "started_at": started,
                    "reported_at": started + timedelta(hours=1),
                    "reported_by_id": police.pk,
                    "owning_agency_id": self.agencies["POL"].pk,
                    "last_seen_place": "Near the station",
                    "returned_at": returned,
                }
            )
            done = self.rng.random() < 0.9
            interviews.append(
                {
                    "episode_id": episode_id,
                    "owner_id": self.child_worker.get(pk) or self.rng.choice(self.workers),
                    "due_at": return_interview_due(returned),
                    "response": InterviewResponse.ACCEPTED if done else InterviewResponse.NOT_OFFERED,
                    "completed_at": returned + timedelta(days=2) if done else None,
                    "childs_words": "I was with friends from the park." if done else "",
                    "factors": [],
                }
            )
        rows_insert(MissingEpisode, episodes)
        rows_insert(ReturnInterview, interviews)

    def assessments(self) -> None:
        from joinedup.assessments.models import Catalogue, RiskAssessment
        from joinedup.bulk import rows_insert

        catalogue = Catalogue.objects.get(is_current=True)
        rows = []
        for pk in self.rng.sample(self.child_ids, len(self.child_ids) // 10):
            started = self.when(20 + self.rng.random() * 200)
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "child_id": pk,
                    "catalogue_id": catalogue.pk,
                    "owning_agency_id": self.agencies["CSC"].pk,
                    "assessor_id": self.child_worker.get(pk) or self.rng.choice(self.workers),
                    "started_at": started,
                    "completed_at": started + timedelta(days=1),
                    "scored_band": "high",
                    "band": "high",
                    "review_due": (started + timedelta(days=90)).date(),
                }
            )
        rows_insert(RiskAssessment, rows)

    def records_and_events(self) -> None:
        from joinedup.bulk import rows_insert
        from joinedup.imports.models import EventRecord, PersonRecord
        from joinedup.linkage.models import ReviewItem

        records: list[dict[str, Any]] = []
        by_agency: dict[str, list[str]] = {code: [] for code in EXTRACT_AGENCIES}
        for n in range(self.n["person_records"]):
            code = EXTRACT_AGENCIES[n % len(EXTRACT_AGENCIES)]
            is_child = n < len(self.child_ids)
            record_id = f"{code}-{n:07d}"
            if is_child:
                pk = self.child_ids[n]
                given, family, born = self.child_name[pk]
                kind = "child"
            else:
                pk, given, family = None, self.rng.choice(GIVEN), self.rng.choice(FAMILY)
                born = date(1970, 1, 1) + timedelta(days=self.rng.randrange(365 * 30))
                kind = "adult_of_concern" if n % 5 == 0 else "other"
            data = {
                "record_id": record_id,
                "agency": code,
                "person_type": kind,
                "given_name": given,
                "family_name": family,
                "date_of_birth": born.isoformat(),
                "postcode": f"WB{n % 9 + 1} {n % 7 + 1}AB",
                "phones": f"07700 9{n % 100000:05d}" if n % 4 == 0 else "",
            }
            records.append(
                {"agency_id": self.agencies[code].pk, "record_id": record_id, "person_type": kind, "data": data}
                | ({"child_id": pk} if pk else {})
            )
            by_agency[code].append(record_id)
        rows_insert(PersonRecord, records)
        _log(f"{len(records)} agency person records")
        ids = dict(PersonRecord.objects.values_list("record_id", "pk"))
        pairs = self.rng.sample(range(len(records) - 1), max(30, len(records) // 100))
        rows_insert(
            ReviewItem,
            [
                {
                    "record_a_id": ids[records[i]["record_id"]],
                    "record_b_id": ids[records[i + 1]["record_id"]],
                    "match_probability": 0.6 + self.rng.random() * 0.3,
                    "match_weight": 2.0,
                    "explanation": {},
                }
                for i in pairs
            ],
        )
        places = max(20, self.n["events"] // 100)
        events = []
        for n in range(self.n["events"]):
            code = EXTRACT_AGENCIES[n % len(EXTRACT_AGENCIES)]
            place = self.rng.randrange(places)
            others = self.rng.sample(by_agency[code], 2) if n % 3 == 0 else []
            moment = self.when(self.rng.random() * 365).replace(hour=self.rng.randrange(24))
            data = {
                "event_id": f"E{n:08d}",
                "agency": code,
                "event_type": self.rng.choice(EVENT_TYPES),
                "occurred_at": moment.astimezone(UTC).isoformat(),
                "ended_at": "",
                "subject_record_id": self.rng.choice(by_agency[code]),
                "other_record_ids": ";".join(others),
                "place_name": f"Place {place}",
                "place_type": PLACE_TYPES[place % len(PLACE_TYPES)],
                "place_postcode": f"WB{place % 9 + 1} {place % 7 + 1}PL",
                "latitude": f"{53.70 + (place % 100) / 1000:.4f}",
                "longitude": f"{-1.65 + (place // 100 % 100) / 1000:.4f}",
                "vehicles": f"WB{place % 90 + 10} KX{place % 10}" if n % 7 == 0 else "",
                "phones": "",
                "grading": "",
                "summary": "Seen at the place.",
            }
            events.append(
                {
                    "agency_id": self.agencies[code].pk,
                    "event_id": data["event_id"],
                    "event_type": data["event_type"],
                    "data": data,
                }
            )
            if len(events) == 50_000:
                rows_insert(EventRecord, events)
                events = []
        rows_insert(EventRecord, events)

    def documents(self) -> None:
        """A document's row (no file: the load only asks for them by id) for one child in fifty."""
        from joinedup.bulk import rows_insert
        from joinedup.documents.models import Document, DocumentKind

        uploader = self.users["coordinator"].pk
        rows = []
        for pk in self.rng.sample(self.child_ids, max(20, len(self.child_ids) // 50)):
            rows.append(
                {
                    "id": uuid.uuid4(),
                    "child_id": pk,
                    "owning_agency_id": self.agencies[self.child_agency[pk]].pk,
                    "uploaded_by_id": uploader,
                    "uploaded_at": self.when(self.rng.random() * 300),
                    "title": "Referral letter",
                    "kind": DocumentKind.REFERRAL_LETTER,
                    "content_type": "application/pdf",
                    "size": 1000,
                    "sha256": "0" * 64,
                    "storage_name": uuid.uuid4().hex,
                    "original_name": "referral.pdf",
                }
            )
        rows_insert(Document, rows)

    def audit(self) -> None:
        from joinedup.audit.models import AuditEvent, AuditKind
        from joinedup.bulk import rows_insert

        coordinator = self.users["coordinator"]
        rows = [
            {
                "occurred_at": self.when(400),
                "kind": AuditKind.CHILD_CREATED,
                "actor_id": coordinator.pk,
                "actor_username": coordinator.username,
                "actor_agency_code": "CSC",
                "child_id": pk,
                "object_type": "child",
                "object_id": str(pk),
                "payload": {},
            }
            for pk in self.child_ids
        ]
        viewers = [self.users[name] for name in _practitioners().values()]
        big = self.child_ids[0]
        for n in range(BIG_CHILD_VIEWS):
            viewer = viewers[n % len(viewers)]
            rows.append(
                {
                    "occurred_at": self.when(n / 3),
                    "kind": AuditKind.CHILD_VIEWED,
                    "actor_id": viewer.pk,
                    "actor_username": viewer.username,
                    "actor_agency_code": viewer.agency.code if viewer.agency else "",
                    "child_id": big,
                    "object_type": "child",
                    "object_id": str(big),
                    "reason": "Viewed the child's record",
                    "payload": {},
                }
            )
        rows_insert(AuditEvent, rows)

    def scenario_ids(self) -> dict[str, Any]:
        """What the load scenario needs: the pages' ids and children each account may see."""
        from joinedup.mace.models import Meeting

        big = self.child_ids[0]
        meeting = Meeting.objects.order_by("-held_at").first()
        sample = self.rng.sample
        csc = [pk for pk in self.involved["CSC"] if pk != big]
        police = [pk for pk in self.involved["POL"] if pk != big]
        searches = [self.child_name[pk] for pk in sample(self.child_ids[1:], min(50, len(self.child_ids) - 1))]
        return {
            "big_child": str(big),
            "meeting": str(meeting.pk) if meeting else "",
            "csc_children": [str(pk) for pk in sample(csc, min(200, len(csc)))],
            "police_children": [str(pk) for pk in sample(police, min(200, len(police)))],
            "searches": [{"given_name": g, "family_name": f, "date_of_birth": b.isoformat()} for g, f, b in searches],
            "node_query": "Countywide",
            "sizes": self.n,
            "social_workers": len(self.workers),
        }


def _practitioners() -> dict[str, str]:
    from joinedup.demo.generator import PRACTITIONER_OF

    return PRACTITIONER_OF


def load(scale: float) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection, transaction

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("demo_area", children=12, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    _log(f"migrated, demo accounts made ({time.perf_counter() - started:.1f}s)")
    county = County(scale)
    county.social_workers()
    steps = [
        county.children,
        county.involvements,
        county.chronology,
        county.missing,
        county.assessments,
        county.records_and_events,
        county.documents,
        county.audit,
    ]
    for step in steps:
        begun = time.perf_counter()
        with transaction.atomic():
            step()
        _log(f"{step.__name__} ({time.perf_counter() - begun:.1f}s)")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    failed: dict[str, str] = {}
    for command in ("rebuild_search_keys", "refresh_mapping"):
        begun = time.perf_counter()
        try:
            call_command(command, verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        except Exception as error:  # reported beside the figures; the other pages still run
            failed[command] = f"{type(error).__name__}: {error}"[:300]
            _log(f"{command} FAILED: {failed[command]}")
            continue
        _log(f"{command} ({time.perf_counter() - begun:.1f}s)")
    ids = county.scenario_ids()
    ids["failed"] = failed
    ids["load_seconds"] = round(time.perf_counter() - started, 1)
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    import django

    django.setup()
    ids = load(args.scale)
    Path(args.out).write_text(json.dumps(ids), encoding="utf-8")


if __name__ == "__main__":
    main()
