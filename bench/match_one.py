"""Matching one new record against 1M existing: a real-time matcher against Splink's ``predict_between``.

Both use the same trained tuned model (joinedup's comparisons, blocking rules and training steps, trained on
a sample of the existing records) and must reach the same decisions: the same existing records above the
review threshold (0.8) and above the automatic-link threshold (0.99). Timed per new record, with the 1M
existing records already loaded (DuckDB table for Splink, in-memory blocking index for the matcher).

joinedup has no real-time matcher yet, so the one measured is ``RealTimeMatcher`` below, a stand-in written
to be moved into ``joinedup.linkage``: it looks the new record up in an index per blocking rule and scores
the few candidates in Python with the trained model's own m and u, level by level as the comparison SQL
reads. Goal: matcher <= 0.25 x ``predict_between``.
"""

import math
import random
import re
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from _common import area, arguments, features, p95, progress, quiet_splink, timed

REVIEW_THRESHOLD = 0.8
AUTO_THRESHOLD = 0.99
GOAL_RATIO = 0.25
SEED = 5

Row = dict[str, Any]


def _jw(a: str, b: str) -> float:
    from rapidfuzz.distance import JaroWinkler

    return JaroWinkler.similarity(a, b)


def _dl(a: str, b: str) -> int:
    from rapidfuzz.distance import DamerauLevenshtein

    return DamerauLevenshtein.distance(a, b)


def _any(a: list[str] | None, b: list[str] | None) -> bool:
    return bool(a and b and set(a) & set(b))


def _eq(a: Any, b: Any) -> bool:
    return a is not None and b is not None and a == b


# Each returns the position, in the comparison's levels (0 is the null level), that a pair reaches.
def _given(left: Row, right: Row) -> int:
    a, b = left["given_name"], right["given_name"]
    if a is None or b is None:
        return 0
    if a == b:
        return 1
    if _any(left["given_group"], right["given_group"]):
        return 2
    similarity = _jw(a, b)
    if similarity >= 0.92:
        return 3
    if similarity >= 0.8 or a.startswith(b) or b.startswith(a):
        return 4
    return 5


def _family(left: Row, right: Row) -> int:
    a, b = left["family_name"], right["family_name"]
    if a is None or b is None:
        return 0
    if a == b:
        return 1
    if _dl(a, b) <= 1:
        return 2
    if _jw(a, b) >= 0.88:
        return 3
    if _eq(a, right["given_name"]) and _eq(left["given_name"], b):
        return 4
    return 5


def _aliases(left: Row, right: Row) -> int:
    if left["aliases"] is None and right["aliases"] is None:
        return 0
    la, ra = left["aliases"] or [], right["aliases"] or []
    if _any(la, right["names"] or []) or _any(ra, left["names"] or []) or _any(la, ra):
        return 1
    return 2


def _dob(left: Row, right: Row) -> int:
    if left["dob_y"] is None or right["dob_y"] is None:
        return 0
    a, b = left["dob"], right["dob"]
    if _eq(a, b):
        return 1
    if _eq(a, right["dob_swapped"]):
        return 2
    if (a is None or b is None) and (
        _eq(left["dob_ym"], right["dob_ym"])
        or ((left["dob_ym"] is None or right["dob_ym"] is None) and left["dob_y"] == right["dob_y"])
    ):
        return 3
    if a is not None and b is not None and _dl(a, b) <= 1:
        return 4
    if left["dob_y"] == right["dob_y"]:
        return 5
    return 6


def _postcode(left: Row, right: Row) -> int:
    if left["postcode"] is None or right["postcode"] is None:
        return 0
    for level, column in enumerate(("postcode", "postcode_sector", "postcode_district"), start=1):
        if left[column] == right[column]:
            return level
    return 4


def _phones(left: Row, right: Row) -> int:
    if left["phones"] is None or right["phones"] is None:
        return 0
    return 1 if _any(left["phones"], right["phones"]) else 2


def _exact(column: str) -> Callable[[Row, Row], int]:
    def level(left: Row, right: Row) -> int:
        if left[column] is None or right[column] is None:
            return 0
        return 1 if left[column] == right[column] else 2

    return level


def _identifiers(left: Row, right: Row) -> int:
    names = ("nhs_number", "upn", "pnc_id")
    if not any(left[n] is not None and right[n] is not None for n in names):
        return 0
    return 1 if any(_eq(left[n], right[n]) for n in names) else 2


LEVELS: dict[str, Callable[[Row, Row], int]] = {
    "given_name": _given,
    "family_name": _family,
    "aliases": _aliases,
    "date_of_birth": _dob,
    "postcode": _postcode,
    "phones": _phones,
    "email": _exact("email"),
    "sex": _exact("sex"),
    "identifiers": _identifiers,
}


class RealTimeMatcher:
    """One new record against many existing: blocked lookup, then the trained model's weights in Python."""

    def __init__(self, rows: list[Row], linker: Any) -> None:
        from joinedup.linkage.internals import model

        settings = linker._settings_obj
        prior = settings._probability_two_random_records_match
        self.prior_weight = math.log2(prior / (1 - prior))
        self.weights: dict[str, list[float]] = {}
        for comparison in settings.comparisons:
            levels = comparison.comparison_levels
            assert levels[0].is_null_level, comparison.output_column_name
            self.weights[comparison.output_column_name] = [0.0] + [
                math.log2(level.m_probability / level.u_probability) for level in levels[1:]
            ]
        assert set(self.weights) == set(LEVELS)
        self.rows = {row["unique_id"]: row for row in rows}
        # Each rule is equalities joined by AND: existing (l) records are indexed by the left columns and the
        # new record (r) looks itself up by the right ones.
        self.rules: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
        for rule in model.blocking_rules():
            sql = rule if isinstance(rule, str) else rule.get_blocking_rule("duckdb").blocking_rule_sql
            equalities = re.findall(r'l\."?(\w+)"?\s*=\s*r\."?(\w+)"?', sql)
            assert equalities and " or " not in sql.lower(), sql
            self.rules.append((tuple(a for a, _ in equalities), tuple(b for _, b in equalities)))
        self.index: list[dict[tuple[Any, ...], list[int]]] = [defaultdict(list) for _ in self.rules]
        for row in rows:
            for (columns, _), index in zip(self.rules, self.index, strict=True):
                key = tuple(row[c] for c in columns)
                if None not in key:
                    index[key].append(row["unique_id"])

    def match(self, new: Row, threshold: float = REVIEW_THRESHOLD) -> dict[int, float]:
        """Existing record -> match probability, for those at or above ``threshold``."""
        candidates: set[int] = set()
        for (_, lookup), index in zip(self.rules, self.index, strict=True):
            key = tuple(new[c] for c in lookup)
            if None not in key:
                candidates.update(index.get(key, ()))
        found = {}
        for candidate in candidates:
            existing = self.rows[candidate]
            weight = self.prior_weight + sum(self.weights[name][level(existing, new)] for name, level in LEVELS.items())
            probability = 2**weight / (1 + 2**weight)
            if probability >= threshold:
                found[candidate] = probability
        return found


def _train(connection: Any, rows: list[Row], n_existing: int) -> Any:
    """The tuned model trained as ``internals.model.score`` trains it, on a sample of the existing records."""
    import pyarrow as pa
    from splink import DuckDBAPI, Linker, block_on

    from joinedup.linkage.internals import model

    table = pa.Table.from_pylist(rows, schema=pa.schema(model.COLUMNS))
    connection.register("training_arrow", table)
    connection.execute("CREATE TABLE training AS SELECT * FROM training_arrow")
    db_api = DuckDBAPI(connection)
    linker = Linker(db_api.register("training"), model.settings(1.5 / max(n_existing - 1, model.U_MIN_RECORDS)))
    n = len(rows)
    linker.training.estimate_u_using_random_sampling(max_pairs=min(model.U_MAX_PAIRS, n * (n - 1) / 2), seed=SEED)
    for rule in (block_on("dob"), block_on("family_name", "given_name")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule, estimate_without_term_frequencies=True)
    return linker, db_api


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
        connection.register("existing_arrow", pa.Table.from_pylist(existing, schema=pa.schema(model.COLUMNS)))
        connection.execute("CREATE TABLE existing AS SELECT * FROM existing_arrow")
        connection.unregister("existing_arrow")
        existing_df = db_api.register("existing")
    with timed("build the matcher's index", times):
        matcher = RealTimeMatcher(existing, linker)

    splink_ms, matcher_ms = [], []
    agree = with_match = candidates = 0
    worst = 0.0
    disagreements = []
    for n, new in enumerate(new_rows):
        start = time.perf_counter()
        new_df = db_api.register(pa.Table.from_pylist([new], schema=pa.schema(model.COLUMNS)))
        predictions = linker.inference.predict_between(existing_df, new_df, warning_mode="never")
        sql = f"SELECT unique_id_l, match_probability FROM {predictions.physical_name}"  # noqa: S608
        by_splink = dict(connection.execute(sql).fetchall())
        splink_ms.append((time.perf_counter() - start) * 1000)
        predictions.drop_table_from_database_and_remove_from_cache()
        new_df.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)

        start = time.perf_counter()
        by_matcher = matcher.match(new, 0.0)
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
        f"match_one: {len(existing)} existing, {len(new_rows)} new, stand-in RealTimeMatcher in bench/ "
        f"(joinedup has no real-time matcher yet); median matcher={m_med:.2f}ms predict_between={s_med:.1f}ms "
        f"(p95 {p95(matcher_ms):.2f}ms / {p95(splink_ms):.1f}ms); ratio matcher/predict_between={ratio:.4f} "
        f"(goal<={GOAL_RATIO}: {'met' if ratio <= GOAL_RATIO else 'NOT met'}); "
        f"same candidates and decisions {agree}/{len(new_rows)} ({with_match} with a match >= {REVIEW_THRESHOLD}, "
        f"{candidates / len(new_rows):.0f} blocked candidates each), largest probability difference {worst:.2e}",
        flush=True,
    )


if __name__ == "__main__":
    main()
