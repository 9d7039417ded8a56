"""An import in the worker lets the pages write between its chunks on SQLite.

Found by issue 11's load (``bench/pages.py``): on SQLite, while the worker imported an extract, every signed-in
page (each saves its session) waited for the lock for the whole import, because the worker began its next chunk
as soon as it committed and so always won the lock; past the 20 s busy timeout pages failed with "database is
locked" (500 and 503 answers). SQLite's waiting writer tries again every 100 ms at most, so the worker must
leave the database free, outside any transaction, after each chunk; and as a waiting page waits for the chunk
under way, the worker's chunks are kept short there.

The worker's clock is a fake one: each chunk "takes" as long as the test says, and a pause is recorded, not slept.
"""

import os

import pytest
from django.db import connection

from joinedup.imports import queued

# No test-wide transaction: whether the worker holds one while it pauses is what is checked. What is checked is
# SQLite's (the pause and the short chunks are for its single writer); on PostgreSQL a transactional test's flush
# would meet the audit trail's append-only rows that the imports here write.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="SQLite's single writer: the SQLite run of the suite covers it.",
    ),
]

SQLITE_LONGEST_RETRY_SECONDS = 0.1
on_sqlite = connection.vendor == "sqlite"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.happened: list[tuple[str, object, bool]] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.happened.append(("pause", seconds, connection.in_atomic_block))
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(queued, "time", fake)
    return fake


def _run(clock: Clock, rows: list[int], chunk: int, seconds_a_row: float) -> list[int]:
    """The worker's import of ``rows``: the sizes of its chunks, each taking ``seconds_a_row`` a row."""
    sizes = []

    def progress(done: int, total: int) -> None:
        clock.happened.append(("progress", done, connection.in_atomic_block))

    for part in queued.chunks_committed(rows, progress, chunk=chunk):
        clock.happened.append(("chunk", list(part), connection.in_atomic_block))
        clock.now += seconds_a_row * len(part)
        sizes.append(len(part))
    return sizes


def test_in_the_worker_each_chunk_is_followed_by_a_pause_with_the_database_free(clock):
    _run(clock, list(range(7)), chunk=3, seconds_a_row=0.2)  # 0.6 s a chunk of 3, 0.2 s the last

    if not on_sqlite:
        # PostgreSQL lets writers of other rows go on at once: no pause.
        assert [kind for kind, _, _ in clock.happened] == ["chunk", "progress"] * 3
        return
    assert [(kind, in_transaction) for kind, _, in_transaction in clock.happened] == [
        ("chunk", True),
        ("progress", False),
        ("pause", False),
    ] * 3
    pauses = [seconds for kind, seconds, _ in clock.happened if kind == "pause"]
    # Longer than a waiting writer's longest wait between tries after a long chunk; half the last, short, one.
    assert pauses == pytest.approx([queued.WRITERS_PAUSE_SECONDS, queued.WRITERS_PAUSE_SECONDS, 0.1])
    assert queued.WRITERS_PAUSE_SECONDS > SQLITE_LONGEST_RETRY_SECONDS


def test_on_sqlite_a_quick_chunk_is_followed_by_a_pause_half_as_long(clock):
    _run(clock, list(range(500)), chunk=100, seconds_a_row=0.001)  # 0.1 s a chunk

    pauses = [seconds for kind, seconds, _ in clock.happened if kind == "pause"]
    assert pauses == (pytest.approx([0.05] * 5) if on_sqlite else [])


def test_on_sqlite_slow_chunks_are_made_smaller_so_a_waiting_page_waits_little(clock):
    # 250 rows a second: 500 rows hold the lock 2 s; 125 rows, 0.5 s.
    sizes = _run(clock, list(range(1200)), chunk=500, seconds_a_row=0.004)

    if on_sqlite:
        assert sizes == [500, 125, 125, 125, 125, 125, 75]
    else:
        assert sizes == [500, 500, 200]


def test_on_sqlite_quick_chunks_keep_their_size(clock):
    assert _run(clock, list(range(1200)), chunk=500, seconds_a_row=0.0001) == [500, 500, 200]


def test_an_import_at_once_does_not_pause(clock):
    chunks = [list(part) for part in queued.chunks_committed(list(range(7)), None, chunk=3)]

    assert chunks == [list(range(7))]
    assert clock.happened == []
