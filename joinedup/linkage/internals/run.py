"""One linkage run: read every person record through the ORM, score in DuckDB, cluster, save.

The database (SQLite or PostgreSQL) stays the system of record; DuckDB is an in-process
scratchpad for the run (docs/adr/0006-linkage-on-duckdb.md).
"""

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.imports.models import PersonRecord
from joinedup.jobs.services import worker_gone
from joinedup.jobs.signals import worker_name

from ..models import (
    DecisionKind,
    LinkageLock,
    LinkDecision,
    LinkHow,
    LinkRun,
    Person,
    PersonLink,
    ReviewItem,
    ReviewStatus,
)
from . import model, realtime
from .clustering import cluster
from .features import family_name_bands, identifier_conflict, record_features

AUTO_THRESHOLD = model.AUTO_THRESHOLD
REVIEW_THRESHOLD = model.REVIEW_THRESHOLD
# Pairs are scored from the review threshold up: below it nothing is kept.
SCORE_THRESHOLD = REVIEW_THRESHOLD
STEPS = 5


def records_features() -> list[dict[str, Any]]:
    rows = PersonRecord.objects.values_list("pk", "agency__code", "data").order_by("pk")
    return family_name_bands(
        [record_features(pk, code, data or {}) for pk, code, data in rows.iterator(chunk_size=5000)]
    )


class LinkageBusy(Exception):
    """Another linkage run is under way: runs go one at a time."""


# A run that has not finished after this long is taken to have stopped (a worker killed mid-run).
RUN_STALE_AFTER = timedelta(hours=6)


def linkage_lock() -> None:
    """Take the linkage lock until the end of the current transaction (see LinkageLock)."""
    LinkageLock.objects.get_or_create(name="linkage")
    LinkageLock.objects.select_for_update().get(name="linkage")


def run_start(*, user: User | None, model: dict[str, Any] | None = None) -> LinkRun:
    """Start a run unless another is under way (LinkageBusy)."""
    with transaction.atomic():
        linkage_lock()
        unfinished = LinkRun.objects.filter(finished_at__isnull=True, started_at__gt=timezone.now() - RUN_STALE_AFTER)
        # A run whose worker was killed mid-run holds nothing up (it never finishes; its rows are as it left them).
        if any(not worker_gone(worker) for worker in unfinished.values_list("worker", flat=True)):
            raise LinkageBusy("A linkage run is under way; this one waits for it to finish.")
        return LinkRun.objects.create(
            started_by=user,
            auto_threshold=AUTO_THRESHOLD,
            review_threshold=REVIEW_THRESHOLD,
            model=model or {},
            worker=worker_name(),
        )


def active_decisions() -> tuple[list[tuple[int, int]], list[tuple[int, int]], set[tuple[int, int]]]:
    """(confirmed matches, separated pairs, every decided pair) from every decision not undone."""
    rows = list(
        LinkDecision.objects.filter(undone_at__isnull=True).values_list("record_a_id", "record_b_id", "decision")
    )
    confirmed = [(a, b) for a, b, d in rows if d == DecisionKind.MATCH]
    separated = [(a, b) for a, b, d in rows if d == DecisionKind.NOT_A_MATCH]
    return confirmed, separated, {(a, b) for a, b, _ in rows}


def _pairs_split(
    pairs: list[dict[str, Any]], by_id: dict[int, dict[str, Any]]
) -> tuple[list[tuple[int, int, float]], list[dict[str, Any]]]:
    """(automatic pairs, pairs for the review queue). The hard-identifier rule: a pair holding different NHS
    numbers, UPNs or police ids is never linked automatically; at most a person decides it in the queue. Every
    pair of the review band waits for a person: none is joined below ``AUTO_THRESHOLD``."""
    auto_pairs, review_pairs = [], []
    for pair in pairs:
        a, b, probability = pair["unique_id_l"], pair["unique_id_r"], pair["match_probability"]
        pair["identifier_conflict"] = identifier_conflict(by_id[a], by_id[b])
        if probability >= AUTO_THRESHOLD and not pair["identifier_conflict"]:
            auto_pairs.append((a, b, probability))
        elif probability >= REVIEW_THRESHOLD:
            review_pairs.append(pair)
    return auto_pairs, review_pairs


def _clusters_of(assignment: dict[int, int]) -> dict[int, list[int]]:
    clusters: dict[int, list[int]] = {}
    for record, root in assignment.items():
        clusters.setdefault(root, []).append(record)
    return clusters


def _strongest(
    used: list[tuple[int, int]], pairs: list[dict[str, Any]], records: set[int] | None = None
) -> dict[int, dict[str, Any]]:
    """For each record (of ``records``, or all) joined by an automatic pair, the strongest such pair and the
    record at its other end (``"other"``)."""
    pairs_by_key = {(p["unique_id_l"], p["unique_id_r"]): p for p in pairs}
    best: dict[int, dict[str, Any]] = {}
    for a, b in used:
        joined = pairs_by_key[(a, b)]
        for record, other in ((a, b), (b, a)):
            if records is not None and record not in records:
                continue
            if record not in best or joined["match_weight"] > best[record]["match_weight"]:
                best[record] = {**joined, "other": other}
    return best


def _link_explanation(
    record: int, strongest: dict[str, Any] | None, by_id: dict[int, dict[str, Any]], parameters: dict[str, Any]
) -> dict[str, Any]:
    """What a PersonLink keeps of the pair that joined its record in: the other record and each comparison."""
    if strongest is None:
        return {}
    low, high = sorted((record, strongest["other"]))
    return {
        "other_record": strongest["other"],
        "comparisons": realtime.explanation(by_id[low], by_id[high], parameters),
    }


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


def _persons_choose(clusters: dict[int, list[int]], previous: dict[int, Any]) -> dict[int, Any]:
    """Each cluster's person: the one most of its records had (``_persons_for``), or a new one."""
    chosen = _persons_for(clusters, previous)
    new_people = [Person() for root in clusters if root not in chosen]
    Person.objects.bulk_create(new_people)
    fresh = iter(new_people)
    for root in clusters:
        if root not in chosen:
            chosen[root] = next(fresh).pk
    return chosen


def link_records_run(*, progress: Callable[[int, int], None] | None = None, user: User | None = None) -> LinkRun:
    def step(done: int) -> None:
        if progress is not None:
            progress(done, STEPS)

    run = run_start(user=user)
    try:
        return _link_records(run, step)
    finally:
        LinkRun.objects.filter(pk=run.pk, finished_at__isnull=True).update(finished_at=timezone.now())


def _link_records(run: LinkRun, step: Callable[[int], None]) -> LinkRun:
    rows = records_features()
    by_id = {row["unique_id"]: row for row in rows}
    step(1)
    scored = model.score(rows, threshold=SCORE_THRESHOLD) if len(rows) >= 2 else model.Scored([], {})
    step(2)
    decisions = active_decisions()
    auto_pairs, review_pairs = _pairs_split(scored.pairs, by_id)

    def clustered(decisions: tuple[list[tuple[int, int]], list[tuple[int, int]], set[tuple[int, int]]]) -> Any:
        confirmed, separated, _ = decisions
        assignment, used = cluster(
            by_id,
            auto_pairs=auto_pairs,
            confirmed=confirmed,
            separated=separated,
            identifiers=by_id,
        )
        best = _strongest(used, scored.pairs)
        confirmed_records = {r for a, b in confirmed if assignment.get(a) == assignment.get(b) for r in (a, b)}
        return assignment, used, best, confirmed_records, _clusters_of(assignment)

    assignment, used, best, confirmed_records, clusters = clustered(decisions)
    step(3)
    with transaction.atomic():
        linkage_lock()
        # A person may have decided a pair while this run was scoring: their decision stands.
        if active_decisions() != decisions:
            decisions = active_decisions()
            assignment, used, best, confirmed_records, clusters = clustered(decisions)
        decided_pairs = decisions[2]
        previous = dict(PersonLink.objects.values_list("person_record_id", "person_id"))
        chosen = _persons_choose(clusters, previous)
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
                        explanation=_link_explanation(record, strongest, by_id, scored.parameters),
                        run=run,
                    )
                )
        PersonLink.objects.all().delete()
        PersonLink.objects.bulk_create(links, batch_size=2000)
        Person.objects.filter(links__isnull=True).delete()
        step(4)
        review_count = _review_items_refresh(run, review_pairs, assignment, decided_pairs, by_id, scored.parameters)
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
    by_id: dict[int, dict[str, Any]],
    parameters: dict[str, Any],
    *,
    keep_others: bool = False,
) -> int:
    """Open review items for grey-zone pairs still apart and undecided; close open items no longer needed
    (with ``keep_others``, as when only new records were scored, items about other pairs stay as they are,
    unless their records are now one person)."""
    wanted = {
        (p["unique_id_l"], p["unique_id_r"]): p
        for p in review_pairs
        if p["match_probability"] >= REVIEW_THRESHOLD
        and assignment[p["unique_id_l"]] != assignment[p["unique_id_r"]]
        and (p["unique_id_l"], p["unique_id_r"]) not in decided_pairs
    }
    items = {(i.record_a_id, i.record_b_id): i for i in ReviewItem.objects.all()}
    stale = [
        i.pk
        for key, i in items.items()
        if i.status == ReviewStatus.OPEN
        and key not in wanted
        and (not keep_others or assignment.get(key[0]) == assignment.get(key[1]))
    ]
    ReviewItem.objects.filter(pk__in=stale).delete()
    creates, updates = [], []
    for key, pair in wanted.items():
        fields = {
            "match_probability": pair["match_probability"],
            "match_weight": pair["match_weight"],
            "explanation": {
                "comparisons": realtime.explanation(by_id[key[0]], by_id[key[1]], parameters),
            },
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


# When new records arrive they are matched against the people already linked with the last full run's
# model (realtime.RealTimeMatcher), unless a full run (retraining the model) is due: no trained model yet,
# the model older than this, or new records more than this share of the area.
FULL_RUN_EVERY = timedelta(days=7)
FULL_RUN_SHARE = 0.2


def last_full_run() -> LinkRun | None:
    return (
        LinkRun.objects.filter(finished_at__isnull=False, model__has_key="comparisons")
        .exclude(model__has_key="incremental")
        .first()
    )


def full_run_due(last: LinkRun | None, total: int, new: int) -> str:
    """Why new records need a full run rather than matching against the people already linked ('' if not)."""
    if last is None:
        return "no trained model yet"
    kept = {name: [level["level"] for level in levels] for name, levels in last.model["comparisons"].items()}
    if set(kept) != set(realtime.LEVELS) or kept != model.level_labels():
        return "the model's comparisons have changed"
    if timezone.now() - last.started_at > FULL_RUN_EVERY:
        return "the model is more than a week old"
    if new > FULL_RUN_SHARE * total:
        return "more than a fifth of the records are new"
    return ""


def link_new_records_run(*, progress: Callable[[int, int], None] | None = None, user: User | None = None) -> LinkRun:
    """Link the records no person holds yet, keeping every existing link; a full run when one is due.

    Each new record is scored against every record already there (and the new ones before it) with the last
    full run's model; pairs above the automatic threshold join it to that person (merging two people when
    it is the missing link between them), under the same rules as a full run (what people decided, hard
    identifiers); the grey zone goes to the review queue. Records already linked whose details changed are
    re-linked at the next full run.
    """
    rows = records_features()
    previous = dict(PersonLink.objects.values_list("person_record_id", "person_id"))
    new_ids = [row["unique_id"] for row in rows if row["unique_id"] not in previous]
    last = last_full_run()
    if last is None or full_run_due(last, len(rows), len(new_ids)):
        return link_records_run(progress=progress, user=user)
    parameters = {k: v for k, v in last.model.items() if k != "incremental"}
    run = run_start(user=user, model={**parameters, "incremental": {"of_run": last.pk, "new_records": len(new_ids)}})
    try:
        return _link_new_records(run, rows, previous, new_ids, parameters, progress)
    finally:
        LinkRun.objects.filter(pk=run.pk, finished_at__isnull=True).update(finished_at=timezone.now())


def _link_new_records(
    run: LinkRun,
    rows: list[dict[str, Any]],
    previous: dict[int, Any],
    new_ids: list[int],
    parameters: dict[str, Any],
    progress: Callable[[int, int], None] | None,
) -> LinkRun:
    by_id = {row["unique_id"]: row for row in rows}
    new_set = set(new_ids)
    matcher = realtime.RealTimeMatcher((row for row in rows if row["unique_id"] not in new_set), parameters)
    pairs: list[dict[str, Any]] = []
    for done, record in enumerate(new_ids, start=1):
        pairs.extend(matcher.pairs(by_id[record], SCORE_THRESHOLD))
        matcher.add(by_id[record])
        if progress is not None and done % 500 == 0:
            progress(done, len(new_ids))
    auto_pairs, review_pairs = _pairs_split(pairs, by_id)

    def clustered(previous: dict[int, Any], decisions: Any) -> Any:
        # The people already there stand as they are: each is joined up first, as a confirmed match would be.
        members: dict[Any, list[int]] = {}
        for record, person in previous.items():
            members.setdefault(person, []).append(record)
        standing = [(group[0], other) for group in members.values() for other in group[1:]]
        confirmed, separated, _ = decisions
        assignment, used = cluster(
            by_id,
            auto_pairs=auto_pairs,
            confirmed=standing + confirmed,
            separated=separated,
            identifiers=by_id,
        )
        return assignment, _clusters_of(assignment), _strongest(used, pairs, new_set), used

    decisions = active_decisions()
    assignment, clusters, best, used = clustered(previous, decisions)
    with transaction.atomic():
        linkage_lock()
        # A person may have decided a pair while this run was scoring: their decision stands.
        now_previous = dict(PersonLink.objects.values_list("person_record_id", "person_id"))
        if active_decisions() != decisions or now_previous != previous:
            decisions, previous = active_decisions(), now_previous
            assignment, clusters, best, used = clustered(previous, decisions)
        decided_pairs = decisions[2]
        chosen = _persons_choose(clusters, previous)
        moved = [r for r, person in previous.items() if chosen[assignment[r]] != person]
        links = PersonLink.objects.in_bulk(moved, field_name="person_record_id")
        for record, link in links.items():
            link.person_id = chosen[assignment[record]]
        PersonLink.objects.bulk_update(list(links.values()), ["person_id"], batch_size=2000)
        creates = []
        for record in new_ids:
            strongest = best.get(record)
            creates.append(
                PersonLink(
                    person_id=chosen[assignment[record]],
                    person_record_id=record,
                    how=LinkHow.AUTO if strongest else LinkHow.SINGLE,
                    match_weight=strongest["match_weight"] if strongest else None,
                    match_probability=strongest["match_probability"] if strongest else None,
                    explanation=_link_explanation(record, strongest, by_id, parameters),
                    run=run,
                )
            )
        PersonLink.objects.bulk_create(creates, batch_size=2000)
        # A record that was alone and is now joined by a new one is no longer single.
        PersonLink.objects.filter(how=LinkHow.SINGLE, person_id__in={chosen[assignment[r]] for r in best}).exclude(
            person_record_id__in=new_set
        ).update(how=LinkHow.AUTO)
        Person.objects.filter(links__isnull=True).delete()
        review_count = _review_items_refresh(
            run, review_pairs, assignment, decided_pairs, by_id, parameters, keep_others=True
        )
        run.records = len(rows)
        run.pairs_scored = len(pairs)
        run.auto_links = len(used)
        run.review_items = review_count
        run.people = len(clusters)
        run.finished_at = timezone.now()
        run.save()
    return run
