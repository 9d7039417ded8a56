"""Linkage quality on a generated area with known truth: joinedup's tuned model against plain Splink.

Both score the same feature rows with the same blocking rules; records are joined into people at the same
automatic-link threshold (``AUTO_THRESHOLD``, 0.95), as a linkage run does with no decisions made: the pairs
of the review band (0.8 to 0.95) stay apart, waiting for a person. Pairwise precision and recall come from
``joinedup.linkage.synthetic.pairwise_quality``. ``--seed`` picks another generated area (default 5, the one
the figures in docs/benchmarks.md were measured on), to check the model is not fitted to one.
"""

from _common import area, arguments, features, progress, timed
from _linkage import AUTO_THRESHOLD, REVIEW_THRESHOLD, plain_run, tuned_people, tuned_run

GOAL_F1 = 0.985
GOAL_PRECISION = 0.995


def f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def main() -> None:
    args = arguments(__doc__ or "", 100_000, seed=(5, "seed of the generated area (default 5)"))
    from joinedup.linkage.synthetic import pairwise_quality

    times: dict[str, float] = {}
    with timed(f"generate {args.size} records", times):
        records, truth = area(args.size, args.seed)
        rows = features(records)
    keys = [(r["agency"], r["record_id"]) for r in records]

    with timed("tuned model", times):
        scored, _ = tuned_run(rows)
        tuned = tuned_people(rows, scored)
    tp, tr = pairwise_quality({keys[i]: str(c) for i, c in tuned.items()}, truth)

    with timed("plain Splink", times):
        plain, _ = plain_run(rows, cluster=True)
    clusters = plain["clusters"]
    pp, pr = pairwise_quality({keys[i]: str(clusters.get(i, f"alone-{i}")) for i in range(len(keys))}, truth)
    true_people, tuned_people_n = len(set(truth.values())), len(set(tuned.values()))
    progress(f"people: true {true_people}, tuned {tuned_people_n}, plain {len(set(clusters.values()))}")

    tf, pf = f1(tp, tr), f1(pp, pr)
    verdict = "met" if tf >= GOAL_F1 and tp >= GOAL_PRECISION else "NOT met"
    beats = "higher" if tf > pf else "NOT higher"
    print(
        f"linkage_quality: {len(records)} records (seed {args.seed}), auto-link threshold {AUTO_THRESHOLD}, "
        f"review band from {REVIEW_THRESHOLD} left to a person; "
        f"tuned F1={tf:.4f} precision={tp:.4f} recall={tr:.4f}; "
        f"plain F1={pf:.3f} precision={pp:.3f} recall={pr:.3f}; "
        f"ratio tuned/plain F1={tf / pf if pf else float('inf'):.3f} "
        f"(goal F1>={GOAL_F1} with precision>={GOAL_PRECISION}: {verdict}; tuned {beats} than plain)",
        flush=True,
    )


if __name__ == "__main__":
    main()
