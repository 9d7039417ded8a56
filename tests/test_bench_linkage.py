"""The linkage benchmarks run: ``make bench`` prints their figures only if each script gets to its last line.

They hand the model's feature rows to DuckDB with the model's own Arrow schema (``model.arrow_schema``); when
that schema's form changed, the scripts failed before any figure and no test saw it. Each runs here on a few
hundred records, as a user would run it, in its own process.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("script", "figures"),
    [
        (
            "linkage_batch_time.py",
            ["training tuned=", "scoring tuned=", "blocking tuned=", "comparisons tuned=", "total ratio="],
        ),
        ("linkage_quality.py", ["tuned F1=", "plain F1="]),
        ("match_one.py", ["ratio matcher/predict_between=", "same candidates and decisions"]),
    ],
)
def test_linkage_benchmark_prints_its_figures(script: str, figures: list[str]) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "BENCH_SCALE": "1"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), "--size", "300"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    name = script.removesuffix(".py")
    lines = [line for line in done.stdout.splitlines() if line.startswith(f"{name}:")]
    assert len(lines) == 1, done.stdout
    for figure in figures:
        assert figure in lines[0]
