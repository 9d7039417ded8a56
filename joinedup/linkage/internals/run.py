"""One linkage run: read every person record through the ORM, score in DuckDB, cluster, save.

The database (SQLite or PostgreSQL) stays the system of record; DuckDB is an in-process
scratchpad for the run (docs/adr/0006-linkage-on-duckdb.md).
"""

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.imports.models import PersonRecord

from ..models import DecisionKind, LinkDecision, LinkHow, LinkRun, Person, PersonLink, ReviewItem, ReviewStatus
from . import model
from .clustering import cluster
from .features import identifier_conflict, record_features

AUTO_THRESHOLD = 0.99
REVIEW_THRESHOLD = 0.8
STEPS = 5


def records_features() -> list[dict[str, Any]]:
    rows = PersonRecord.objects.values_list("pk", "agency__code", "data").order_by("pk")
    return [record_features(pk, code, data or {}) for pk, code, data in rows.iterator(chunk_size=5000)]


def active_decisions() -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(confirmed matches, separated pairs) from every decision not undone."""
    rows = LinkDecision.objects.filter(undone_at__isnull=True).values_list("record_a_id", "record_b_id", "decision")
    confirmed = [(a, b) for a, b, d in rows if d == DecisionKind.MATCH]
    separated = [(a, b) for a, b, d in rows if d == DecisionKind.NOT_A_MATCH]
    return confirmed, separated


def _persons_for(clusters: dict[int, list[int]], previous: dict[int, Any]) -> dict[int, Any]:
    """Keep person ids stable: each cluster takes the person most of its records had, if still free."""
    taken: set[Any] = set()
    chosen: dict[int, Any] = {}
    for root, members in sorted(clusters.items(), key=lambda item: -len(item[1])):
        votes = Counter(previous[m] for m in members if m in previous)
        for person_id, _ in votes.most_common():
            if person_id not in taken:
                chosen[root] = person_id
                taken.add(person_id)
                break
    return chosen


def link_records_run(*, progress: Callable[[int, int], None] | None = None, user: User | None = None) -> LinkRun:
    def step(done: int) -> None:
        if progress is not None:
            progress(done, STEPS)

    run = LinkRun.objects.create(started_by=user, auto_threshold=AUTO_THRESHOLD, review_threshold=REVIEW_THRESHOLD)
    rows = records_features()
    by_id = {row["unique_id"]: row for row in rows}
    step(1)
    scored = model.score(rows, threshold=REVIEW_THRESHOLD) if len(rows) >= 2 else model.Scored([], {})
    step(2)
    confirmed, separated = active_decisions()
    decided_pairs = set(LinkDecision.objects.filter(undone_at__isnull=True).values_list("record_a_id", "record_b_id"))
    auto_pairs, review_pairs = [], []
    for pair in scored.pairs:
        a, b, probability = pair["unique_id_l"], pair["unique_id_r"], pair["match_probability"]
        conflict = identifier_conflict(by_id[a], by_id[b])
        pair["identifier_conflict"] = conflict
        # The hard-identifier rule: a pair holding different NHS numbers, UPNs or police ids is never
        # linked automatically; at most it goes to the review queue for a person to decide.
        if probability >= AUTO_THRESHOLD and not conflict:
            auto_pairs.append((a, b, probability))
        else:
            review_pairs.append(pair)
    assignment, used = cluster(
        by_id, auto_pairs=auto_pairs, confirmed=confirmed, separated=separated, identifiers=by_id
    )
    step(3)
    best: dict[int, dict[str, Any]] = {}
    pairs_by_key = {(p["unique_id_l"], p["unique_id_r"]): p for p in scored.pairs}
    for a, b in used:
        joined = pairs_by_key[(a, b)]
        for record, other in ((a, b), (b, a)):
            if record not in best or joined["match_weight"] > best[record]["match_weight"]:
                best[record] = {**joined, "other": other}
    confirmed_records = {r for a, b in confirmed if assignment.get(a) == assignment.get(b) for r in (a, b)}
    clusters: dict[int, list[int]] = {}
    for record, root in assignment.items():
        clusters.setdefault(root, []).append(record)
    with transaction.atomic():
        previous = dict(PersonLink.objects.values_list("person_record_id", "person_id"))
        chosen = _persons_for(clusters, previous)
        new_people = [Person() for root in clusters if root not in chosen]
        Person.objects.bulk_create(new_people)
        fresh = iter(new_people)
        for root in clusters:
            if root not in chosen:
                chosen[root] = next(fresh).pk
        links = []
        for root, members in clusters.items():
            for record in members:
                strongest = best.get(record) if len(members) > 1 else None
                if len(members) == 1:
                    how = LinkHow.SINGLE
                elif record in confirmed_records:
                    how = LinkHow.DECISION
                else:
                    how = LinkHow.AUTO
                links.append(
                    PersonLink(
                        person_id=chosen[root],
                        person_record_id=record,
                        how=how,
                        match_weight=strongest["match_weight"] if strongest else None,
                        match_probability=strongest["match_probability"] if strongest else None,
                        explanation={
                            "other_record": strongest["other"],
                            "comparisons": model.explanation(strongest, scored.labels),
                        }
                        if strongest
                        else {},
                        run=run,
                    )
                )
        PersonLink.objects.all().delete()
        PersonLink.objects.bulk_create(links, batch_size=2000)
        Person.objects.filter(links__isnull=True).delete()
        step(4)
        review_count = _review_items_refresh(run, review_pairs, assignment, decided_pairs, scored.labels)
        run.records = len(rows)
        run.pairs_scored = len(scored.pairs)
        run.auto_links = len(used)
        run.review_items = review_count
        run.people = len(clusters)
        run.model = scored.parameters
        run.finished_at = timezone.now()
        run.save()
    step(5)
    return run


def _review_items_refresh(
    run: LinkRun,
    review_pairs: list[dict[str, Any]],
    assignment: dict[int, int],
    decided_pairs: set[tuple[int, int]],
    labels: dict[str, list[tuple[float, str]]],
) -> int:
    """Open review items for grey-zone pairs still apart and undecided; close open items no longer needed."""
    wanted = {
        (p["unique_id_l"], p["unique_id_r"]): p
        for p in review_pairs
        if p["match_probability"] >= REVIEW_THRESHOLD
        and assignment[p["unique_id_l"]] != assignment[p["unique_id_r"]]
        and (p["unique_id_l"], p["unique_id_r"]) not in decided_pairs
    }
    items = {(i.record_a_id, i.record_b_id): i for i in ReviewItem.objects.all()}
    stale = [i.pk for key, i in items.items() if i.status == ReviewStatus.OPEN and key not in wanted]
    ReviewItem.objects.filter(pk__in=stale).delete()
    creates, updates = [], []
    for key, pair in wanted.items():
        fields = {
            "match_probability": pair["match_probability"],
            "match_weight": pair["match_weight"],
            "explanation": {"comparisons": model.explanation(pair, labels)},
            "identifier_conflict": bool(pair.get("identifier_conflict")),
            "run": run,
            # A decided item whose decision was undone comes back to the queue.
            "status": ReviewStatus.OPEN,
        }
        item = items.get(key)
        if item is None:
            creates.append(ReviewItem(record_a_id=key[0], record_b_id=key[1], **fields))
        else:
            for name, value in fields.items():
                setattr(item, name, value)
            updates.append(item)
    ReviewItem.objects.bulk_create(creates, batch_size=2000)
    ReviewItem.objects.bulk_update(
        updates,
        ["match_probability", "match_weight", "explanation", "identifier_conflict", "run", "status"],
        batch_size=2000,
    )
    return len(wanted)
