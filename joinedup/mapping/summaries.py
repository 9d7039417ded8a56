"""How an analysis's result is kept and listed, alike for stored results and for those computed for a viewer."""

import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .internals.analysis import PERSONS
from .internals.build import PLACE, GraphData


# igraph's Graph() tries ``import numpy`` each time it is made; with numpy not installed, each failed import
# searches the whole path again, which was a sixth of a refresh (the analyses make a graph for each group).
@contextmanager
def numpy_marked_absent() -> Iterator[None]:
    """For the refresh's analyses: with numpy not installed, its import fails at once instead of searching the
    path for each graph made. Only for the block: a process-wide mark would break other code that looks for
    numpy (hypothesis)."""
    if importlib.util.find_spec("numpy") is not None or "numpy" in sys.modules:
        yield
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.modules.pop("numpy", None)


# The places a network's summary keeps for the list of networks; the rest are counted.
PLACES_SHOWN = 10
SCHOOL = "school"


def network_summary(data: GraphData, row: dict[str, Any]) -> dict[str, Any]:
    """What the list of networks shows of one, and the person its network view starts from."""
    start = next((n for n in row["nodes"] if data.nodes[n]["kind"] in PERSONS), row["nodes"][0])
    return {
        "start": start,
        "members": len(row["members"]),
        "children": row["children"],
        "adults": row["adults"],
        "places": row["places"][:PLACES_SHOWN],
        "places_count": len(row["places"]),
        "communities": len(row["communities"]),
    }


def read_over_all_time(data: GraphData, event: dict[str, Any]) -> bool:
    """Whether the analyses of any period read this event whatever its date: today, those at a school, since a
    child's school is the one they are most often recorded at over all time (``analysis._schools``)."""
    return any(data.nodes[n]["kind"] == PLACE and data.nodes[n].get("place_type") == SCHOOL for n in event["nodes"])
