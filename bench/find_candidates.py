"""Find before you create at 1M people: candidate search latency and recall@10 against an exhaustive scan.

Queries are typed the way a practitioner would (given name, family name, date of birth, postcode), each taken
from one record of a person who has other records in the index; the index holds every other record. A query
is a hit at 10 when one of the first ten candidates is the same true person. The baseline is an exhaustive
rapidfuzz scan (``process.extract``, WRatio) over the same names. Goals: p95 <= 50 ms, p95 <= 0.25 x the
scan's, recall@10 >= 0.98 x the scan's.

Measured: ``joinedup.linkage.search.candidates_for`` where it can be imported (as a coordinator, over the
records loaded into a temporary SQLite database as imported child records, with their search keys built by
the real ``search_keys_rebuild``), and always ``BlockedSearch`` below, an in-memory stand-in kept for
reference: the same approach (blocked lookup, then a rapidfuzz score of the few candidates) with the keys
of ``joinedup.linkage.internals.keys`` held in a dict instead of the database.
"""

import os
import random
import tempfile
import time
from collections import defaultdict
from typing import Any

from _common import area, arguments, features, p95, progress, timed

LIMIT = 10
GOAL_P95_MS = 50
GOAL_RATIO = 0.25
GOAL_RECALL_RATIO = 0.98


class BlockedSearch:
    """A stand-in for ``candidates_for``: blocked lookup, then a rapidfuzz score of the candidates."""

    def __init__(self, records: list[dict[str, Any]], rows: list[dict[str, Any]]) -> None:
        from joinedup.linkage.internals.keys import query_keys, record_keys

        self.rows = rows
        self.query_keys = query_keys
        self.index: dict[str, list[int]] = defaultdict(list)
        for i, record in enumerate(records):
            for key in record_keys(record):
                self.index[key].append(i)

    def search(self, query: dict[str, Any], limit: int = LIMIT) -> list[int]:
        from rapidfuzz import fuzz

        from joinedup.linkage.internals.features import record_features

        q = record_features(-1, "", query)
        seen: set[int] = set()
        lookup = self.query_keys(query)
        for key in lookup.keys:
            seen.update(self.index.get(key, ()))
        for prefix in lookup.prefixes:
            seen.update(i for key, ids in self.index.items() if key.startswith(prefix) for i in ids)
        name = f"{q['given_name'] or ''} {q['family_name'] or ''}"
        groups = set(q["given_group"] or ())
        scored = []
        for i in seen:
            c = self.rows[i]
            score = fuzz.WRatio(name, f"{c['given_name'] or ''} {c['family_name'] or ''}")
            if groups & set(c["given_group"] or ()):
                score += 10
            if q["dob"] and q["dob"] == c["dob"]:
                score += 40
            elif q["dob_swapped"] and q["dob_swapped"] == c["dob"]:
                score += 30
            elif q["dob_ym"] and q["dob_ym"] == c["dob_ym"]:
                score += 15
            elif q["dob_y"] and q["dob_y"] == c["dob_y"]:
                score += 5
            if q["postcode"] and q["postcode"] == c["postcode"]:
                score += 20
            elif q["postcode_sector"] and q["postcode_sector"] == c["postcode_sector"]:
                score += 10
            elif q["postcode_district"] and q["postcode_district"] == c["postcode_district"]:
                score += 5
            scored.append((-score, i))
        scored.sort()
        return [i for _, i in scored[:limit]]


class RealSearch:
    """``joinedup.linkage.search.candidates_for`` as a coordinator calls it, over the records loaded into a
    temporary SQLite database as imported child records, their search keys built by ``search_keys_rebuild``
    (its blocking runs in the database over the indexed keys; each call audits)."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        from django.core.management import call_command
        from django.db import transaction

        from joinedup.accounts.models import RoleCode
        from joinedup.accounts.tests.factories import UserFactory
        from joinedup.agencies.tests.factories import AgencyFactory
        from joinedup.imports.models import PersonRecord, PersonType
        from joinedup.linkage.api import search_keys_rebuild
        from joinedup.linkage.search import candidates_for

        call_command("migrate", verbosity=0)
        agencies = {code: AgencyFactory.create(code=code) for code in sorted({r["agency"] for r in records})}
        self.user = UserFactory.create(agency=agencies[min(agencies)], roles=[RoleCode.COORDINATOR])
        with transaction.atomic():
            PersonRecord.objects.bulk_create(
                (
                    PersonRecord(
                        agency=agencies[r["agency"]], record_id=r["record_id"], person_type=PersonType.CHILD, data=r
                    )
                    for r in records
                ),
                batch_size=5000,
            )
        # Rows loaded in bulk get their search keys the way a restored database would: the real rebuild.
        start = time.perf_counter()
        self.keys = search_keys_rebuild()
        progress(f"search_keys_rebuild: {self.keys} keys in {time.perf_counter() - start:.1f}s")
        self.position = {(r["agency"], r["record_id"]): i for i, r in enumerate(records)}
        self.candidates_for = candidates_for

    def search(self, query: dict[str, Any], limit: int = LIMIT) -> list[int]:
        found = self.candidates_for(
            user=self.user,
            given_name=query["given_name"],
            family_name=query["family_name"],
            date_of_birth=query["date_of_birth"],
            postcode=query["postcode"],
            limit=limit,
        )
        return [self.position[(c.record.agency.code, c.record.record_id)] for c in found if c.record is not None]


def _real_search_available() -> bool:
    try:
        from joinedup.linkage.search import candidates_for  # noqa: F401
    except ImportError:
        return False
    return True


def _measure(name: str, search: Any, queries: list[dict[str, Any]], truths: list[str], people: list[str]) -> dict:
    """p95 latency (ms) and recall@10 of one search over the queries."""
    elapsed, hits = [], 0
    for n, (query, person) in enumerate(zip(queries, truths, strict=True)):
        start = time.perf_counter()
        found = search(query)
        elapsed.append((time.perf_counter() - start) * 1000)
        hits += any(people[i] == person for i in found)
        if n % 50 == 49:
            progress(f"{name}: {n + 1}/{len(queries)} queries")
    return {"p95": p95(elapsed), "recall": hits / len(queries)}


def main() -> None:
    # candidates_for reads the database: a temporary SQLite file, removed at the end.
    workdir = tempfile.TemporaryDirectory(prefix="bench-find-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir.name}/bench.sqlite3"
    args = arguments(__doc__ or "", 1_000_000, queries=(100, "number of queries timed"))
    from rapidfuzz import fuzz, process

    times: dict[str, float] = {}
    with timed(f"generate {args.size} records", times):
        records, truth = area(args.size)
        rows = features(records)
    people = [truth[(r["agency"], r["record_id"])] for r in records]
    by_person: dict[str, list[int]] = defaultdict(list)
    for i, person in enumerate(people):
        by_person[person].append(i)
    rng = random.Random(5)
    with_others = [members for members in by_person.values() if len(members) > 1]
    held_out = [rng.choice(members) for members in rng.sample(with_others, min(args.queries, len(with_others)))]
    held = set(held_out)
    # Index and scan hold the same records: everything but the queries.
    kept = [i for i in range(len(rows)) if i not in held]
    kept_records = [records[i] for i in kept]
    kept_people = [people[i] for i in kept]
    queries = [{k: records[q][k] for k in ("given_name", "family_name", "date_of_birth", "postcode")} for q in held_out]
    truths = [people[q] for q in held_out]
    names = [f"{r['given_name']} {r['family_name']}" for r in kept_records]

    def scan(query: dict[str, Any]) -> list[int]:
        typed = f"{query['given_name']} {query['family_name']}"
        return [i for _, _, i in process.extract(typed, names, scorer=fuzz.WRatio, limit=LIMIT)]

    searches: dict[str, Any] = {}
    if _real_search_available():
        with timed("load the records for candidates_for", times):
            searches["candidates_for"] = RealSearch(kept_records).search
    else:
        progress("joinedup.linkage.search.candidates_for is not importable: only the stand-in is measured")
    with timed("build the stand-in's index", times):
        searches["stand-in"] = BlockedSearch(kept_records, [rows[i] for i in kept]).search

    baseline = _measure("scan", scan, queries, truths, kept_people)
    figures = []
    for name, search in searches.items():
        got = _measure(name, search, queries, truths, kept_people)
        ratio = got["p95"] / baseline["p95"]
        recall_ratio = got["recall"] / baseline["recall"] if baseline["recall"] else float("inf")
        figures.append(
            f"{name}: p95={got['p95']:.2f}ms ratio/scan={ratio:.3f} "
            f"(goal p95<={GOAL_P95_MS}ms: {'met' if got['p95'] <= GOAL_P95_MS else 'NOT met'}; "
            f"goal ratio<={GOAL_RATIO}: {'met' if ratio <= GOAL_RATIO else 'NOT met'}), "
            f"recall@10={got['recall']:.3f} ratio/scan={recall_ratio:.3f} "
            f"(goal>={GOAL_RECALL_RATIO}: {'met' if recall_ratio >= GOAL_RECALL_RATIO else 'NOT met'})"
        )
    print(
        f"find_candidates: {len(kept)} records, {len(queries)} queries; "
        f"exhaustive rapidfuzz scan p95={baseline['p95']:.2f}ms recall@10={baseline['recall']:.3f}; "
        + "; ".join(figures),
        flush=True,
    )


if __name__ == "__main__":
    main()
