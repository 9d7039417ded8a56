"""The two batch linkers the linkage benchmarks compare, on the same feature rows and blocking rules.

- ``tuned_run``: joinedup's own ``internals.model.score`` (the real function, unchanged), with its training
  and scoring phases timed by wrapping Splink's training and predict entry points while it runs.
- ``plain_run``: a plain Splink model with default-style settings: the standard comparisons
  (``NameComparison``, ``DateOfBirthComparison``, ``PostcodeComparison``, exact match on the rest), no
  starting m/u values, trained the standard way (prior from deterministic rules, u by random sampling, m by
  EM on two blocking rules), the same blocking rules as the tuned model.
"""

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from _common import progress, quiet_splink

# The thresholds a linkage run uses, for both models: both are scored from REVIEW_THRESHOLD up, as a run does.
from joinedup.linkage.internals.model import AUTO_THRESHOLD, REVIEW_THRESHOLD

SCORE_THRESHOLD = REVIEW_THRESHOLD

U_MAX_PAIRS = 5e6
SEED = 5


@contextmanager
def _patched(owner: type, name: str, replacement: Callable[[Callable[..., Any]], Callable[..., Any]]) -> Iterator[None]:
    """``owner.name`` replaced by ``replacement(original)`` while the block runs, then restored."""
    original = getattr(owner, name)
    setattr(owner, name, replacement(original))
    try:
        yield
    finally:
        setattr(owner, name, original)


def _wrapped(owner: type, name: str, before: Callable[[], None]) -> AbstractContextManager[None]:
    def replacement(original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            before()
            return original(self, *args, **kwargs)

        return wrapper

    return _patched(owner, name, replacement)


# The two statements of a Splink scoring: the pairs the blocking rules find (the same SQL for both models), and
# the comparisons and match weights worked out for each of those pairs (the model's own part).
_STEPS = {"CREATE TABLE __splink__blocked_id_pairs": "blocking", "CREATE TABLE __splink__df_predict": "comparisons"}


def _steps_timed(into: dict[str, float], since: Callable[[], float | None]) -> AbstractContextManager[None]:
    """Add to ``into[step]`` the seconds each of Splink's scoring statements took, counting only statements
    that begin once ``since()`` gives a start (training builds blocked pairs too, for EM)."""
    from splink.internals.duckdb.database_api import DuckDBAPI

    def replacement(original: Callable[..., Any]) -> Callable[..., Any]:
        def timed_statement(self: Any, final_sql: str) -> Any:
            start = time.perf_counter()
            result = original(self, final_sql)
            began = since()
            step = next((name for prefix, name in _STEPS.items() if final_sql.startswith(prefix)), None)
            if step is not None and began is not None and start >= began:
                into[step] = into.get(step, 0.0) + time.perf_counter() - start
            return result

        return timed_statement

    return _patched(DuckDBAPI, "_execute_sql_against_backend", replacement)


def tuned_run(rows: list[dict[str, Any]]) -> tuple[Any, dict[str, float]]:
    """joinedup's model on the rows: (Scored, {"load", "training", "scoring", "blocking", "comparisons"}
    seconds; the last two are scoring's two statements)."""
    from splink.internals.linker_components.inference import LinkerInference
    from splink.internals.linker_components.training import LinkerTraining

    from joinedup.linkage.internals import model

    marks: dict[str, float] = {}
    steps: dict[str, float] = {}

    def mark(name: str) -> Callable[[], None]:
        def record() -> None:
            marks.setdefault(name, time.perf_counter())
            progress(f"tuned: {name} started")

        return record

    start = time.perf_counter()
    with (
        _wrapped(LinkerTraining, "estimate_u_using_random_sampling", mark("training")),
        _wrapped(LinkerInference, "predict", mark("scoring")),
        _steps_timed(steps, lambda: marks.get("scoring")),
    ):
        scored = model.score(rows, threshold=SCORE_THRESHOLD)
    end = time.perf_counter()
    training_start = marks.get("training", marks["scoring"])
    return scored, {
        "load": training_start - start,
        "training": marks["scoring"] - training_start,
        "scoring": end - marks["scoring"],
        **steps,
    }


def tuned_people(rows: list[dict[str, Any]], scored: Any) -> dict[int, int]:
    """Record -> cluster the way a linkage run joins them (``run._pairs_split`` and ``clustering.cluster``):
    automatic pairs, never across a hard identifier or dates of birth in different years; no decisions by
    people, so the review band's pairs stay apart."""
    from joinedup.linkage.internals.clustering import cluster
    from joinedup.linkage.internals.run import _pairs_split

    by_id = {row["unique_id"]: row for row in rows}
    auto, _ = _pairs_split(scored.pairs, by_id)
    assignment, _ = cluster(by_id, auto_pairs=auto, confirmed=[], separated=[], identifiers=by_id)
    return assignment


def plain_settings() -> Any:
    from splink import SettingsCreator
    from splink import comparison_library as cl

    from joinedup.linkage.internals import model

    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("family_name"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("phone_1"),
            cl.ExactMatch("email"),
            cl.ExactMatch("sex"),
            cl.ExactMatch("nhs_number"),
            cl.ExactMatch("upn"),
            cl.ExactMatch("pnc_id"),
        ],
        blocking_rules_to_generate_predictions=model.blocking_rules(),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def plain_run(rows: list[dict[str, Any]], *, cluster: bool = False) -> tuple[dict[str, Any], dict[str, float]]:
    """Plain Splink on the rows: ({"pairs": [(l, r, p)], "clusters": {record: cluster}}, seconds by phase and
    by scoring's two statements, as ``tuned_run``)."""
    import duckdb
    import pyarrow as pa
    from splink import DuckDBAPI, Linker, block_on

    from joinedup.linkage.internals import model

    quiet_splink()
    times: dict[str, float] = {}
    start = time.perf_counter()
    connection = duckdb.connect()
    table = pa.Table.from_pylist(rows, schema=model.arrow_schema())
    connection.register("records_arrow", table)
    connection.execute("CREATE TABLE records AS SELECT * FROM records_arrow")
    linker = Linker(DuckDBAPI(connection).register("records"), plain_settings())
    times["load"] = time.perf_counter() - start
    progress("plain: training started")
    start = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "dob"), block_on("nhs_number"), block_on("upn"), block_on("pnc_id")],
        recall=0.7,
    )
    n = len(rows)
    linker.training.estimate_u_using_random_sampling(max_pairs=min(U_MAX_PAIRS, n * (n - 1) / 2), seed=SEED)
    for rule in (block_on("dob"), block_on("family_name", "given_name")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    times["training"] = time.perf_counter() - start
    progress("plain: scoring started")
    start = time.perf_counter()
    with _steps_timed(times, lambda: start):
        predictions = linker.inference.predict(threshold_match_probability=REVIEW_THRESHOLD)
    sql = f"SELECT unique_id_l, unique_id_r, match_probability FROM {predictions.physical_name}"  # noqa: S608
    pairs = connection.execute(sql).fetchall()
    times["scoring"] = time.perf_counter() - start
    out: dict[str, Any] = {"pairs": pairs}
    if cluster:
        clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=AUTO_THRESHOLD
        )
        out["clusters"] = dict(
            connection.execute(f"SELECT unique_id, cluster_id FROM {clusters.physical_name}").fetchall()  # noqa: S608
        )
    connection.close()
    return out, times
