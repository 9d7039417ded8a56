"""The public face of the mapping: what commands, other apps and analysts' scripts call.

Everything else in the app, and everything under ``internals``, may change without notice.
"""

from datetime import date
from typing import Any

from .internals.analysis import Period, adults_ranked, hotspots, networks
from .internals.build import GraphData, graph_data_build
from .models import MappingSnapshot
from .services import mapping_refresh_request, mapping_snapshot_refresh

__all__ = [
    "GraphData",
    "MappingSnapshot",
    "Period",
    "graph_data_build",
    "last_refreshed_at",
    "map_patterns",
    "mapping_refresh_request",
    "mapping_snapshot_refresh",
]


def last_refreshed_at() -> Any:
    snapshot = MappingSnapshot.objects.filter(complete=True).first()
    return snapshot.built_at if snapshot else None


def map_patterns(*, since: date, until: date, data: GraphData | None = None) -> dict[str, Any]:
    """Hotspots, networks and adults of concern for a period, over everything every agency recorded.

    The batch form of the views for an analyst: not filtered for a viewer, so only for trusted scripts.
    """
    data = data if data is not None else graph_data_build()
    period = Period(since, until)
    return {
        "since": since.isoformat(),
        "until": until.isoformat(),
        "previous": {"since": period.previous().since.isoformat(), "until": period.previous().until.isoformat()},
        "hotspots": [
            {
                "place_name": row["place_name"],
                "place_postcode": row["place_postcode"],
                "children": row["children"],
                "events": row["events"],
                "change": row["change"],
            }
            for row in hotspots(data, period)
        ],
        "networks": [
            {
                "members": row["members"],
                "children": row["children"],
                "adults": row["adults"],
                "places": row["places"],
                "communities": len(row["communities"]),
            }
            for row in networks(data, period)
        ],
        "adults_of_concern": [
            {"agency": member["agency"], "record_id": member["record_id"], "children": row["children"]}
            for row in adults_ranked(data, period)
            for member in row["members"][:1]
        ],
    }
