"""An agency extract's import in the worker holds SQLite's write lock a short time a transaction, whatever its rows
cost (``queued.chunks_committed_timed``).

Found by issue 10's load on SQLite at a county's size (``bench/pages.py``): the rows a chunk was guessed from the
last chunk's speed, so the first chunk (500 rows before any was timed) and the chunk where the people rows gave way
to event rows (several times slower each) held the lock 1.4 to 2.9 s while every page that writes waited.

The worker's clock is a fake one: each row "takes" as long as the test says, and a pause is recorded, not slept.
"""

import os
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from joinedup.imports import queued

# No test-wide transaction: which rows each transaction of the worker holds is what is checked, on SQLite (the time
# bound is for its single writer; on PostgreSQL the rows are chunked as ``chunks_committed`` does).
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="SQLite's single writer: the SQLite run of the suite covers it.",
    ),
]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0
        self.pauses: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert not connection.in_atomic_block, "the pause leaves the database free"
        self.pauses.append(seconds)
        self.now += seconds


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(queued, "time", fake)
    return fake


def _transactions(
    clock: Clock, rows: list[str], cost: Callable[[str], float], **options: Any
) -> tuple[list[tuple[list[str], float]], list[tuple[int, int]]]:
    """The worker's import of ``rows``: each transaction's rows and how long it held the lock; the progress."""
    transactions: list[tuple[list[str], float]] = []
    progress_seen: list[tuple[int, int]] = []
    current: list[str] = []
    began: list[float] = []

    def committed(done: int) -> None:
        assert connection.in_atomic_block, "the counts commit with their rows"
        assert done == sum(len(t) for t, _ in transactions) + len(current)
        transactions.append((list(current), clock.now - began[-1]))
        current.clear()

    def progress(done: int, total: int) -> None:
        assert not connection.in_atomic_block
        progress_seen.append((done, total))

    for part in queued.chunks_committed_timed(rows, progress, committed=committed, **options):
        assert connection.in_atomic_block
        if not current:
            began.append(clock.now)
        current.extend(part)
        clock.now += sum(cost(row) for row in part)
    return transactions, progress_seen


def _kind(row: str) -> str:
    return row[0]


def test_each_transaction_ends_once_it_has_held_the_lock_the_time_given(clock):
    rows = [f"e{n}" for n in range(100)]
    transactions, progress = _transactions(clock, rows, lambda row: 0.01, chunk=500, first=5, seconds=0.25)

    assert [row for rows_of, _ in transactions for row in rows_of] == rows, "every row once, in order"
    held = [seconds for _, seconds in transactions]
    # At most the time given and one piece (a quarter of it, once the rows' cost is known; the first 5 rows).
    assert max(held) <= 0.25 + 0.25 / 4 + 1e-9
    assert len(transactions) >= 4
    assert progress[-1] == (100, 100)
    assert len(clock.pauses) == len(transactions)


def test_the_first_slow_rows_after_quick_ones_do_not_hold_the_lock_for_long(clock):
    # 1,000 people at 0.2 ms each, then event rows at 6 ms each (as measured at a county's size).
    rows = [f"p{n}" for n in range(1000)] + [f"e{n}" for n in range(300)]
    cost = {"p": 0.0002, "e": 0.006}
    transactions, _ = _transactions(
        clock, rows, lambda row: cost[row[0]], chunk=500, first=20, seconds=0.25, kind=_kind
    )

    assert [row for rows_of, _ in transactions for row in rows_of] == rows
    held = [seconds for _, seconds in transactions]
    # The first piece of event rows is 20 rows (0.12 s), not the 500 the quick people rows had grown the piece to.
    assert max(held) < 0.25 + 0.12 + 1e-9
    # The people rows go in transactions of ``chunk`` rows, the cap, as they are quick.
    assert [len(rows_of) for rows_of, _ in transactions[:2]] == [500, 500]


def test_the_old_guess_from_the_last_chunk_held_the_lock_for_seconds(clock):
    # What the time bound is for: the same rows by ``chunks_committed``, which guesses a chunk's rows from the last.
    rows = [f"p{n}" for n in range(1000)] + [f"e{n}" for n in range(300)]
    cost = {"p": 0.0002, "e": 0.006}
    longest = 0.0
    for part in queued.chunks_committed(rows, lambda done, total: None, chunk=500):
        started = clock.now
        clock.now += sum(cost[row[0]] for row in part)
        longest = max(longest, clock.now - started)

    assert longest > 1.5


def test_a_transaction_keeps_to_chunk_rows_at_most_however_quick(clock):
    rows = [f"p{n}" for n in range(7)]
    transactions, progress = _transactions(clock, rows, lambda row: 0.0, chunk=3, first=20, seconds=0.25)

    assert [rows_of for rows_of, _ in transactions] == [["p0", "p1", "p2"], ["p3", "p4", "p5"], ["p6"]]
    assert progress == [(3, 7), (6, 7), (7, 7)]


def test_an_import_at_once_is_one_chunk_without_a_pause(clock):
    parts = [list(part) for part in queued.chunks_committed_timed(list(range(7)), None, chunk=3, first=1, seconds=0.25)]

    assert parts == [list(range(7))]
    assert clock.pauses == []
