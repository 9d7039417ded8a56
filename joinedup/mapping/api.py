"""The public face of the mapping: what commands, other apps and analysts' scripts call.

Everything else in the app, and everything under ``internals``, may change without notice.
"""

from datetime import date
from typing import Any

from django.utils import timezone

from .basemap import map_settings
from .internals.analysis import Period, adults_ranked, hotspots, networks
from .internals.build import GraphData, graph_data_build
from .models import MappingSnapshot
from .periods import PERIOD_LENGTHS, PERIODS_BACK, period_from_query
from .selectors import hotspots_for, snapshot_latest
from .services import mapping_refresh_request, mapping_snapshot_refresh

__all__ = [
    "PERIODS_BACK",
    "PERIOD_LENGTHS",
    "GraphData",
    "MappingSnapshot",
    "Period",
    "graph_data_build",
    "hotspots_visible",
    "last_refreshed_at",
    "map_patterns",
    "map_settings",
    "mapping_refresh_request",
    "mapping_snapshot_refresh",
    "period_asked",
]


def last_refreshed_at() -> Any:
    snapshot = MappingSnapshot.objects.filter(complete=True).first()
    return snapshot.built_at if snapshot else None


def period_asked(query: Any) -> tuple[Period, int, int]:
    """The period a page's address asks for (``since``/``until``, or ``days`` and ``back`` from the day of the
    last refresh, today if none), with the length and periods back its controls show."""
    snapshot = snapshot_latest()
    return period_from_query(query, snapshot.as_of if snapshot else timezone.localdate())


def hotspots_visible(*, user: Any, period: Period, limit: int = 1000) -> list[dict[str, Any]]:
    """The hotspots of the period as this user may see them, best first, at most ``limit``: each with
    ``place_name``, ``place_postcode``, ``place_type``, ``lat``, ``lon``, ``children``, ``score``, ``change``
    and ``evidence_url``. Counts only, no names of children: nothing to audit."""
    return hotspots_for(user=user, period=period, page=1, per_page=limit).rows


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
