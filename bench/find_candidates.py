"""Find before you create at 1M people: candidate search latency and recall@10 against an exhaustive scan.

Queries are typed the way a practitioner would (given name, family name, date of birth, postcode), each taken
from one record of a person who has other records in the index; the index holds every other record. A query
is a hit at 10 when one of the first ten candidates is the same true person. The baseline is an exhaustive
rapidfuzz scan (``process.extract``, WRatio) over the same names. Goals: p95 <= 50 ms, p95 <= 0.25 x the
scan's, recall@10 >= 0.98 x the scan's.

``joinedup.linkage.search.candidates_for`` is being written; until the benchmark has an adapter to it, the
search measured is ``BlockedSearch`` below: the same approach (blocked lookup on nickname-aware name groups,
soundex, date of birth and postcode keys, then a rapidfuzz score of the few candidates).
"""

import inspect
import random
import time
from collections import defaultdict
from typing import Any

from _common import area, arguments, features, p95, progress, timed

LIMIT = 10
GOAL_P95_MS = 50
GOAL_RATIO = 0.25
GOAL_RECALL_RATIO = 0.98


def _keys(row: dict[str, Any], *, query: bool = False) -> set[tuple[str | None, ...]]:
    soundex, dob, postcode = row["family_soundex"], row["dob"], row["postcode"]
    groups = row["given_group"] or ([row["given_name"]] if row["given_name"] else [])
    keys: set[tuple[str | None, ...]] = set()
    if soundex:
        keys.add(("fy", soundex, row["dob_y"]))
        keys.add(("fp", soundex, postcode))
        keys |= {("gf", g, soundex) for g in groups}
        if query and row["dob_swapped"]:
            keys.add(("fd", soundex, row["dob_swapped"]))
        keys.add(("fd", soundex, dob))
    keys |= {("gd", g, dob) for g in groups}
    keys.add(("dp", dob, row["postcode_district"]))
    # A family name written as the given name, and the other way round.
    if row["given_name"] and row["family_name"]:
        keys.add(("nm", *sorted((row["given_name"], row["family_name"]))))
    return {k for k in keys if all(k[1:])}


class BlockedSearch:
    """A stand-in for ``candidates_for``: blocked lookup, then a rapidfuzz score of the candidates."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.index: dict[tuple[str | None, ...], list[int]] = defaultdict(list)
        for i, row in enumerate(rows):
            for key in _keys(row):
                self.index[key].append(i)

    def search(self, query: dict[str, Any], limit: int = LIMIT) -> list[int]:
        from rapidfuzz import fuzz

        from joinedup.linkage.internals.features import record_features

        q = record_features(-1, "", query)
        seen: set[int] = set()
        for key in _keys(q, query=True):
            seen.update(self.index.get(key, ()))
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


def _real_search_note() -> str:
    try:
        from joinedup.linkage.search import candidates_for  # type: ignore[import-not-found]
    except ImportError:
        return "stand-in BlockedSearch (joinedup.linkage.search.candidates_for is not importable yet)"
    return (
        f"stand-in BlockedSearch (joinedup.linkage.search.candidates_for{inspect.signature(candidates_for)} "
        "is importable now, but this benchmark has no adapter to it yet)"
    )


def main() -> None:
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
    with timed("build search index", times):
        search = BlockedSearch([rows[i] for i in kept])
    names = [f"{records[i]['given_name']} {records[i]['family_name']}" for i in kept]
    used = _real_search_note()
    progress(f"search: {used}")

    search_ms, scan_ms = [], []
    search_hits = scan_hits = 0
    for n, q in enumerate(held_out):
        query = {k: records[q][k] for k in ("given_name", "family_name", "date_of_birth", "postcode")}
        start = time.perf_counter()
        found = search.search(query)
        search_ms.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        typed = f"{query['given_name']} {query['family_name']}"
        scanned = process.extract(typed, names, scorer=fuzz.WRatio, limit=LIMIT)
        scan_ms.append((time.perf_counter() - start) * 1000)
        search_hits += any(people[kept[i]] == people[q] for i in found)
        scan_hits += any(people[kept[i]] == people[q] for _, _, i in scanned)
        if n % 50 == 49:
            progress(f"{n + 1}/{len(held_out)} queries")

    s95, b95 = p95(search_ms), p95(scan_ms)
    s_recall, b_recall = search_hits / len(held_out), scan_hits / len(held_out)
    ratio, recall_ratio = s95 / b95, (s_recall / b_recall if b_recall else float("inf"))
    print(
        f"find_candidates: {len(kept)} records, {len(held_out)} queries, {used}; "
        f"p95 search={s95:.2f}ms scan={b95:.2f}ms ratio search/scan={ratio:.3f} "
        f"(goal p95<={GOAL_P95_MS}ms: {'met' if s95 <= GOAL_P95_MS else 'NOT met'}; "
        f"goal ratio<={GOAL_RATIO}: {'met' if ratio <= GOAL_RATIO else 'NOT met'}); "
        f"recall@10 search={s_recall:.3f} scan={b_recall:.3f} ratio={recall_ratio:.3f} "
        f"(goal>={GOAL_RECALL_RATIO}: {'met' if recall_ratio >= GOAL_RECALL_RATIO else 'NOT met'}); "
        f"index build {times['build search index']:.2f}s",
        flush=True,
    )


if __name__ == "__main__":
    main()
