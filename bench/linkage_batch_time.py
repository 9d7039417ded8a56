"""Batch linkage time: joinedup's tuned model against plain Splink with the same blocking rules.

Training (prior, u by random sampling, m by EM) and scoring (blocked predictions above the review threshold,
fetched into Python) are timed separately; loading the rows into DuckDB is reported on its own. Goal: the
tuned run is no slower than the plain one (ratio <= 1.0), in each phase too.

Scoring is also split into its two statements: finding the blocked pairs (the same blocking rules, so the same
SQL for both) and working out each pair's comparisons and match weight (the model's own part). Everything else
in scoring (fetching the pairs into Python) is the rest.
"""

from _common import area, arguments, features, progress, timed
from _linkage import plain_run, tuned_run


def main() -> None:
    args = arguments(__doc__ or "", 1_000_000)
    times: dict[str, float] = {}
    with timed(f"generate {args.size} records", times):
        rows = features(area(args.size)[0])
    with timed("plain Splink", times):
        plain, plain_times = plain_run(rows)
    with timed("tuned model", times):
        scored, tuned_times = tuned_run(rows)
    progress(f"pairs above review threshold: tuned {len(scored.pairs)}, plain {len(plain['pairs'])}")
    figures = []
    for phase in ("training", "scoring"):
        ratio = tuned_times[phase] / plain_times[phase]
        verdict = "met" if ratio <= 1.0 else "NOT met"
        figures.append(
            f"{phase} tuned={tuned_times[phase]:.2f}s plain={plain_times[phase]:.2f}s "
            f"ratio tuned/plain={ratio:.2f} (goal<=1.0: {verdict})"
        )
    parts = ", ".join(
        f"{step} tuned={tuned_times[step]:.2f}s plain={plain_times[step]:.2f}s"
        f" ratio={tuned_times[step] / plain_times[step]:.2f}"
        if tuned_times.get(step) and plain_times.get(step)
        else f"{step} not timed (Splink's statement not seen)"
        for step in ("blocking", "comparisons")
    )
    figures.append(f"scoring's statements: {parts}")
    total_t = tuned_times["training"] + tuned_times["scoring"]
    total_p = plain_times["training"] + plain_times["scoring"]
    print(
        f"linkage_batch_time: {len(rows)} records; " + "; ".join(figures) + f"; total ratio={total_t / total_p:.2f}"
        f" (load tuned={tuned_times['load']:.2f}s plain={plain_times['load']:.2f}s)",
        flush=True,
    )


if __name__ == "__main__":
    main()
