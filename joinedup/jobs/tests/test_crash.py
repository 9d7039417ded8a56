"""Crash mid-write, in the suite: three ``kill -9`` cycles of ``reliability/crash.py`` (``make crash`` runs 50).

The web server (gunicorn) and the worker run as subprocesses on a throwaway SQLite database of their own, never
the test database; the worker is killed once while it imports an extract (after its first chunk committed), the
server once and both once, each while the API is answering writes.
"""

import os

import pytest

from reliability.crash import crash_run

pytestmark = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="The crash cycles run on a SQLite database of their own: the SQLite run of the suite covers them.",
)


def test_kill_9_of_the_server_and_the_worker_loses_no_acknowledged_write_and_shows_no_partial_batch():
    figures = crash_run(
        iterations=3, plan=["worker", "server", "both"], import_rows=6000, writers=2, max_delay=0.1, log=print
    )

    assert figures.violations == []
    assert figures.integrity_ok == 3
    assert figures.kills == {"server": 1, "worker": 1, "both": 1}
    last = figures.last
    assert last["writes_acknowledged"] > 0
    assert last["writes_present"] == last["writes_acknowledged"]
    assert figures.jobs_left_running == 0
    # The worker was killed in the middle of an import at least once: its batch is shown unfinished, counting
    # what it committed, and its job failed saying the worker stopped.
    assert last["batches_not_finished_shown"] >= 1
    assert last["jobs_failed_worker_stopped"] >= 1
    assert last["batches_complete"] + last["batches_not_finished_shown"] == figures.extracts_queued == 3
