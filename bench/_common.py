"""What every benchmark shares: Django set up for the test settings, sizes and scale, timing, the synthetic area.

Each benchmark runs as ``python bench/<name>.py [--size N]``; ``BENCH_SCALE`` (e.g. ``0.01``) multiplies the
default size for a quick check. Figures are printed as ratios against a baseline measured in the same process.
"""

import argparse
import math
import os
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The synthetic area writes each person into one to four agencies, about 2.05 records a person;
# ask for a few more people than that and cut to the size.
RECORDS_PER_PERSON = 1.95


def django_setup() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
    import django

    django.setup()


def scale() -> float:
    return float(os.environ.get("BENCH_SCALE", "1") or 1)


def arguments(description: str, default_size: int, **extra: Any) -> argparse.Namespace:
    """``--size`` defaults to the issue's size times ``BENCH_SCALE``; ``extra`` are further integer options."""
    parser = argparse.ArgumentParser(description=description)
    scaled = max(100, round(default_size * scale()))
    parser.add_argument("--size", type=int, default=scaled, help=f"records (default {default_size} x BENCH_SCALE)")
    for name, (default, help_text) in extra.items():
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=default, help=help_text)
    args = parser.parse_args()
    django_setup()
    return args


def progress(message: str) -> None:
    print(f"  .. {message}", file=sys.stderr, flush=True)


@contextmanager
def timed(label: str, into: dict[str, float]) -> Iterator[None]:
    progress(f"{label} ...")
    start = time.perf_counter()
    yield
    into[label] = time.perf_counter() - start
    progress(f"{label}: {into[label]:.2f}s")


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[94]


def area(n_records: int, seed: int = 5) -> tuple[list[dict[str, Any]], dict[tuple[str, str], str]]:
    """About ``n_records`` agency person rows with known truth (joinedup.linkage.synthetic.generate_area)."""
    from joinedup.linkage.synthetic import generate_area

    people = max(1, math.ceil(n_records / RECORDS_PER_PERSON))
    records, truth = generate_area(people, seed)
    records = records[:n_records]
    return records, {k: truth[k] for k in ((r["agency"], r["record_id"]) for r in records)}


def features(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tuned model's comparison columns; ``unique_id`` is the record's position."""
    from joinedup.linkage.internals.features import family_name_bands, record_features

    return family_name_bands([record_features(i, r["agency"], r) for i, r in enumerate(records)])


def quiet_splink() -> None:
    import logging

    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)
