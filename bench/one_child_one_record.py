"""One child, one record: importing agency extracts, and joining two records of a child and undoing it.

1. Import: ``--size`` agency person rows (the synthetic area's, written as each agency's people.csv) through the
   real import path (``joinedup.imports.services.agency_extract_import``: validation, the hard-identifier rule,
   each child created through the children app's service with its involvement and audit row, search keys),
   on SQLite. Baseline: a bare ``bulk_create`` of the same rows as agency records and children, no rule, no
   audit, no keys. Goal: at least 5,000 rows a second at 100,000 rows.
2. Join and undo: two records of one child holding ``--items`` recorded items between them (chronology entries,
   missing episodes with interviews, contact attempts, agency records), joined by
   ``joinedup.children.joins.children_join`` and split again by ``child_join_undo``; median of ``--repeats``.
   Baseline: moving the same rows with one bare UPDATE per table. Goal: each under 200 ms.
"""

import csv
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from _common import area, arguments, progress, timed

GOAL_ROWS_PER_SECOND = 5000
GOAL_JOIN_MS = 200


def _write_extract(folder: Path, records: list[dict[str, Any]]) -> list[Path]:
    from joinedup.demo.extracts import PEOPLE_COLUMNS

    folders = []
    for agency in sorted({r["agency"] for r in records}):
        target = folder / agency
        target.mkdir()
        with (target / "people.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=PEOPLE_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(r for r in records if r["agency"] == agency)
        folders.append(target)
    return folders


def _bulk_baseline(records: list[dict[str, Any]], agencies: dict[str, Any], user: Any) -> float:
    """The same rows written with bare bulk_create: a child per child record and the agency record."""
    from django.db import transaction

    from joinedup.children.models import Child
    from joinedup.imports.models import PersonRecord

    start = time.perf_counter()
    with transaction.atomic():
        children = Child.objects.bulk_create(
            (
                Child(
                    given_name=r["given_name"] or "Not known",
                    family_name=r["family_name"] or "Not known",
                    owning_agency=agencies[r["agency"]],
                    created_by=user,
                )
                for r in records
                if r["person_type"] == "child"
            ),
            batch_size=2000,
        )
        child_iter = iter(children)
        PersonRecord.objects.bulk_create(
            (
                PersonRecord(
                    agency=agencies[r["agency"]],
                    record_id=r["record_id"],
                    person_type=r["person_type"],
                    data=r,
                    child=next(child_iter) if r["person_type"] == "child" else None,
                )
                for r in records
            ),
            batch_size=2000,
        )
    elapsed = time.perf_counter() - start
    with transaction.atomic():
        PersonRecord.objects.all().delete()
        Child.objects.all().delete()
    return elapsed


def _import(records: list[dict[str, Any]], workdir: str) -> dict[str, float]:
    from joinedup.accounts.models import RoleCode
    from joinedup.accounts.tests.factories import UserFactory
    from joinedup.agencies.tests.factories import AgencyFactory
    from joinedup.children.models import Child
    from joinedup.imports.services import agency_extract_import

    agencies = {code: AgencyFactory.create(code=code) for code in sorted({r["agency"] for r in records})}
    coordinator = UserFactory.create(agency=agencies[min(agencies)], roles=[RoleCode.COORDINATOR])
    folder = Path(workdir) / "extract"
    folder.mkdir()
    paths = _write_extract(folder, records)
    baseline = _bulk_baseline(records, agencies, coordinator)
    progress(f"bulk_create baseline: {baseline:.2f}s")
    start = time.perf_counter()
    batch = agency_extract_import(user=coordinator, path_or_files=paths, refresh=False)
    elapsed = time.perf_counter() - start
    assert batch.rows == len(records), batch.counts()
    progress(f"import: {elapsed:.2f}s, {batch.counts()}, {Child.objects.count()} children")
    return {"import": elapsed, "baseline": baseline, "rows": len(records), "rejected": batch.rejected}


def _child_with_items(agency: Any, user: Any, items: int, started: Any) -> Any:
    from datetime import timedelta

    from django.db import transaction

    from joinedup.children.models import Child, ChronologyEntry, Involvement
    from joinedup.contacts.models import ContactAttempt
    from joinedup.deadlines import return_interview_due
    from joinedup.imports.models import PersonRecord
    from joinedup.missing.models import MissingEpisode, ReturnInterview

    with transaction.atomic():
        child = Child.objects.create(given_name="Robin", family_name="Benchmark", owning_agency=agency, created_by=user)
        Involvement.objects.create(child=child, agency=agency)
        PersonRecord.objects.create(
            agency=agency, record_id=f"B-{child.pk}", person_type="child", data={"given_name": "Robin"}, child=child
        )
        episodes = items // 10
        for n in range(episodes):
            start = started + timedelta(days=3 * n)
            episode = MissingEpisode.objects.create(
                child=child,
                started_at=start,
                reported_at=start,
                returned_at=start + timedelta(hours=6),
                owning_agency=agency,
                reported_by=user,
            )
            ReturnInterview.objects.create(
                episode=episode, owner=user, due_at=return_interview_due(start + timedelta(hours=6))
            )
        contacts = items // 10
        ContactAttempt.objects.bulk_create(
            ContactAttempt(
                child=child,
                practitioner=user,
                agency=agency,
                attempted_at=started + timedelta(hours=n),
                method="visit",
                outcome="spoke",
            )
            for n in range(contacts)
        )
        ChronologyEntry.objects.bulk_create(
            ChronologyEntry(
                child=child,
                owning_agency=agency,
                recorded_by=user,
                occurred_at=started + timedelta(hours=n),
                category="contact",
                summary=f"Entry {n}",
            )
            for n in range(items - 2 * episodes - contacts - 1)
        )
    return child


def _join_and_undo(items: int, repeats: int) -> dict[str, list[float]]:
    from datetime import UTC, datetime

    from django.db import connection, transaction

    from joinedup.accounts.models import RoleCode
    from joinedup.accounts.tests.factories import UserFactory
    from joinedup.agencies.tests.factories import AgencyFactory
    from joinedup.children.joins import _relations, child_join_undo, children_join

    police, social_care = AgencyFactory.create(code="BPOL"), AgencyFactory.create(code="BCSC")
    coordinator = UserFactory.create(agency=social_care, roles=[RoleCode.COORDINATOR])
    times: dict[str, list[float]] = {"join": [], "undo": [], "baseline": []}

    def moved_by_update(into: Any, source: Any) -> float:
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            for relation in _relations():
                table = relation.model._meta.db_table
                column = relation.model._meta.get_field(relation.field).column
                ids = [c.pk.hex if connection.vendor == "sqlite" else c.pk for c in (into, source)]
                cursor.execute(f'UPDATE "{table}" SET "{column}" = %s WHERE "{column}" = %s', ids)  # noqa: S608
        return time.perf_counter() - start

    for repeat in range(repeats):
        # Baseline: a pair like the one joined below, its rows moved with one bare UPDATE per table.
        base_a = _child_with_items(police, coordinator, items // 2, datetime(2010 + repeat, 1, 1, tzinfo=UTC))
        base_b = _child_with_items(social_care, coordinator, items // 2, datetime(2010 + repeat, 7, 1, tzinfo=UTC))
        times["baseline"].append(moved_by_update(base_a, base_b))
        kept = _child_with_items(police, coordinator, items // 2, datetime(2020 + repeat, 1, 1, tzinfo=UTC))
        joined = _child_with_items(social_care, coordinator, items // 2, datetime(2020 + repeat, 7, 1, tzinfo=UTC))
        start = time.perf_counter()
        join = children_join(actor=coordinator, keep=kept, joined=joined, reason="Benchmark")
        times["join"].append(time.perf_counter() - start)
        moved = sum(len(pks) for pks in join.moved.values())
        start = time.perf_counter()
        child_join_undo(actor=coordinator, join=join, reason="Benchmark")
        times["undo"].append(time.perf_counter() - start)
        progress(
            f"repeat {repeat + 1}: {moved} rows moved, join {times['join'][-1] * 1000:.0f} ms, "
            f"undo {times['undo'][-1] * 1000:.0f} ms"
        )
    return times


def main() -> None:
    workdir = tempfile.TemporaryDirectory(prefix="bench-one-child-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir.name}/bench.sqlite3"
    args = arguments(
        __doc__ or "",
        100_000,
        items=(1000, "recorded items of the child joined and split"),
        repeats=(5, "joins and undos timed"),
    )
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    times: dict[str, float] = {}
    with timed(f"generate {args.size} records", times):
        records, _ = area(args.size)
    imported = _import(records, workdir.name)
    rate = imported["rows"] / imported["import"]
    base_rate = imported["rows"] / imported["baseline"]
    print(f"one_child_one_record import: {imported['rows']} person rows through agency_extract_import on SQLite")
    print(
        f"  import {imported['import']:.1f}s = {rate:,.0f} rows/s (goal >= {GOAL_ROWS_PER_SECOND:,}): "
        f"{'met' if rate >= GOAL_ROWS_PER_SECOND else 'NOT met'}"
    )
    print(
        f"  bare bulk_create {imported['baseline']:.1f}s = {base_rate:,.0f} rows/s; "
        f"import time x{imported['import'] / imported['baseline']:.1f} of the baseline"
    )
    joined = _join_and_undo(args.items, args.repeats)
    join_ms, undo_ms = (statistics.median(joined[k]) * 1000 for k in ("join", "undo"))
    base_ms = statistics.median(joined["baseline"]) * 1000
    print(f"one_child_one_record join/undo: a child with {args.items} recorded items, median of {args.repeats}")
    for label, value in (("join", join_ms), ("undo", undo_ms)):
        print(
            f"  {label} {value:.0f} ms (goal < {GOAL_JOIN_MS} ms): {'met' if value < GOAL_JOIN_MS else 'NOT met'}; "
            f"x{value / base_ms:.1f} of one bare UPDATE per table ({base_ms:.0f} ms)"
        )
    workdir.cleanup()


if __name__ == "__main__":
    main()
