"""Small-number suppression for the sanitised profile.

The rule (docs/problem-profile.md):

- **Primary**: a count from 1 to ``SUPPRESS_BELOW - 1`` (1 to 4) is shown as "fewer than 5". Zero is shown: it
  says nothing about any child.
- **Secondary**: in a breakdown shown with its total (children by age band, by sex...), one hidden cell could be
  worked out as the total less the others. So where exactly one cell of a breakdown is hidden, the smallest other
  non-zero cell is hidden too (shown as "hidden"); and where the total itself is hidden, every cell is.

The restricted version shows every count as it is.
"""

from dataclasses import dataclass

# Counts below this (and above zero) are not shown in the sanitised profile.
SUPPRESS_BELOW = 5
FEWER_THAN = f"fewer than {SUPPRESS_BELOW}"
HIDDEN = "hidden"


def is_small(count: int) -> bool:
    return 0 < count < SUPPRESS_BELOW


def shown(count: int, *, suppress: bool) -> str:
    """A count as the profile prints it: "fewer than 5" for a small one when suppressing, else the number."""
    return FEWER_THAN if suppress and is_small(count) else str(count)


@dataclass(frozen=True)
class Cell:
    label: str
    count: int
    text: str


@dataclass(frozen=True)
class Breakdown:
    """One breakdown as printed: its cells, the total and whether anything was hidden."""

    title: str
    cells: list[Cell]
    total: str
    suppressed: bool


def breakdown(title: str, counts: list[tuple[str, int]], *, suppress: bool) -> Breakdown:
    """The cells and total of a breakdown whose cells add up to its total, suppressed as the rule above says."""
    total = sum(count for _, count in counts)
    if not suppress:
        return Breakdown(title, [Cell(label, n, str(n)) for label, n in counts], str(total), False)
    hidden = {n for n, (_, count) in enumerate(counts) if is_small(count)}
    if is_small(total):
        hidden = {n for n, (_, count) in enumerate(counts) if count}
    elif len(hidden) == 1:
        others = [(count, n) for n, (_, count) in enumerate(counts) if count and n not in hidden]
        if others:
            hidden.add(min(others)[1])
    cells = []
    for n, (label, count) in enumerate(counts):
        text = str(count)
        if n in hidden:
            text = FEWER_THAN if is_small(count) else HIDDEN
        cells.append(Cell(label, count, text))
    return Breakdown(title, cells, shown(total, suppress=True), bool(hidden))
