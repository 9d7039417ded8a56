"""Matching one new record against 1M existing: joinedup's real-time matcher against Splink's ``predict_between``.

Both use the same trained tuned model (joinedup's comparisons, blocking rules and training steps, trained on
a sample of the existing records) and must reach the same decisions: the same existing records above the
review threshold and above the automatic-link threshold. Timed per new record, with the 1M existing records
already loaded (DuckDB table for Splink, the matcher's blocking index in memory).

The matcher is ``joinedup.linkage.internals.realtime.RealTimeMatcher``, the one incremental linkage uses
when new records arrive: it looks the new record up in an index per blocking rule and scores the few
candidates in Python with the trained model's own m and u, level by level as the comparison SQL reads.
Goal: matcher <= 0.25 x ``predict_between``, same decisions.
"""

import random
import statistics
import time
from typing import Any

from _common import area, arguments, features, p95, progress, quiet_splink, timed

GOAL_RATIO = 0.25
SEED = 5

Row = dict[str, Any]


def _train(connection: Any, rows: list[Row], n_existing: int) -> Any:
    """The tuned model trained as ``internals.model.score`` trains it, on a sample of the existing records."""
    import pyarrow as pa
    from splink import DuckDBAPI

    from joinedup.linkage.internals import model

    table = pa.Table.from_pylist(rows, schema=model.arrow_schema())
    connection.register("training_arrow", table)
    connection.execute("CREATE TABLE training AS SELECT * FROM training_arrow")
    db_api = DuckDBAPI(connection)
    return model.train(db_api, "training", n_records=len(rows), n_area=n_existing), db_api


def main() -> None:
    args = arguments(
        __doc__ or "",
        1_000_000,
        queries=(20, "new records matched one at a time"),
        train_size=(100_000, "existing records the model is trained on"),
    )
    import duckdb
    import pyarrow as pa

    from joinedup.linkage.internals import model
    from joinedup.linkage.internals.model import AUTO_THRESHOLD, REVIEW_THRESHOLD
    from joinedup.linkage.internals.realtime import RealTimeMatcher

    quiet_splink()
    times: dict[str, float] = {}
    with timed(f"generate {args.size} records", times):
        rows = features(area(args.size)[0])
    rng = random.Random(SEED)
    new_ids = set(rng.sample(range(len(rows)), args.queries))
    existing = [r for r in rows if r["unique_id"] not in new_ids]
    new_rows = [r for r in rows if r["unique_id"] in new_ids]
    connection = duckdb.connect()
    with timed("train the tuned model on a sample", times):
        sample = rng.sample(existing, min(args.train_size, len(existing)))
        linker, db_api = _train(connection, sample, len(existing))
    with timed("load existing records into DuckDB", times):
        connection.register("existing_arrow", pa.Table.from_pylist(existing, schema=model.arrow_schema()))
        connection.execute("CREATE TABLE existing AS SELECT * FROM existing_arrow")
        connection.unregister("existing_arrow")
        existing_df = db_api.register("existing")
    with timed("build the matcher's index", times):
        matcher = RealTimeMatcher(existing, model.parameters_of(linker))

    splink_ms, matcher_ms = [], []
    agree = with_match = candidates = 0
    worst = 0.0
    disagreements = []
    for n, new in enumerate(new_rows):
        start = time.perf_counter()
        new_df = db_api.register(pa.Table.from_pylist([new], schema=model.arrow_schema()))
        predictions = linker.inference.predict_between(existing_df, new_df, warning_mode="never")
        sql = f"SELECT unique_id_l, match_probability FROM {predictions.physical_name}"  # noqa: S608
        by_splink = dict(connection.execute(sql).fetchall())
        splink_ms.append((time.perf_counter() - start) * 1000)
        predictions.drop_table_from_database_and_remove_from_cache()
        new_df.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)

        start = time.perf_counter()
        by_matcher = {
            p["unique_id_l"] if p["unique_id_r"] == new["unique_id"] else p["unique_id_r"]: p["match_probability"]
            for p in matcher.pairs(new, 0.0)
        }
        matcher_ms.append((time.perf_counter() - start) * 1000)

        # Every blocked pair is scored by both (no threshold), so the candidates and their scores are compared
        # as well as the decisions.
        same = set(by_matcher) == set(by_splink) and all(
            {i for i, p in by_matcher.items() if p >= threshold} == {i for i, p in by_splink.items() if p >= threshold}
            for threshold in (REVIEW_THRESHOLD, AUTO_THRESHOLD)
        )
        with_match += any(p >= REVIEW_THRESHOLD for p in by_splink.values())
        candidates += len(by_splink)
        agree += same
        if not same:
            disagreements.append((new["unique_id"], sorted(by_splink), sorted(by_matcher)))
        for i in set(by_splink) & set(by_matcher):
            worst = max(worst, abs(by_splink[i] - by_matcher[i]))
        if n % 5 == 4:
            progress(f"{n + 1}/{len(new_rows)} new records")
    for disagreement in disagreements[:5]:
        record, by_splink_ids, by_matcher_ids = disagreement
        progress(f"different for record {record}: predict_between {by_splink_ids}, matcher {by_matcher_ids}")

    m_med, s_med = statistics.median(matcher_ms), statistics.median(splink_ms)
    ratio = m_med / s_med
    print(
        f"match_one: {len(existing)} existing, {len(new_rows)} new, joinedup's RealTimeMatcher; "
        f"median matcher={m_med:.2f}ms predict_between={s_med:.1f}ms "
        f"(p95 {p95(matcher_ms):.2f}ms / {p95(splink_ms):.1f}ms); ratio matcher/predict_between={ratio:.4f} "
        f"(goal<={GOAL_RATIO}: {'met' if ratio <= GOAL_RATIO else 'NOT met'}); "
        f"same candidates and decisions {agree}/{len(new_rows)} ({with_match} with a match >= {REVIEW_THRESHOLD}, "
        f"{candidates / len(new_rows):.0f} blocked candidates each), largest probability difference {worst:.2e}",
        flush=True,
    )


if __name__ == "__main__":
    main()
