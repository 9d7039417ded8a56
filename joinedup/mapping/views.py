from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.children.selectors import child_get

from . import permissions, selectors, services
from .basemap import map_settings
from .internals.analysis import Period
from .layers import extra_layers
from .periods import PERIOD_LENGTHS, PERIODS_BACK, period_from_query


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _int(query: QueryDict, name: str, default: int) -> int:
    try:
        return int(query.get(name, default))
    except ValueError:
        return default


def _period(query: QueryDict) -> tuple[Period, int, int]:
    """The period asked for: ``since``/``until``, or a length in days and how many such periods back from the
    day the mapping was last refreshed (whose analyses it stored; today if it never ran)."""
    snapshot = selectors.snapshot_latest()
    return period_from_query(query, snapshot.as_of if snapshot else timezone.localdate())


def _common(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    return {
        "snapshot": selectors.snapshot_latest() if permissions.sees_refresh_time(request.user) else None,
        "can_refresh": permissions.can_refresh_mapping(request.user),
        "whole_map": permissions.sees_whole_map(request.user),
        "can_open_group_work": permissions.can_open_group_work(request.user),
    }


@login_required
def network(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The network view: starts from a node (``?node=``) or offers a search for one; under it, the networks of
    the period in the address (``days`` and ``back``, or ``since`` and ``until``)."""
    _require(permissions.can_use_mapping(request.user))
    node_id = request.GET.get("node", "")
    start = selectors.node_start(user=request.user, node_id=node_id) if node_id else None
    text = request.GET.get("q", "")
    found = selectors.node_search(user=request.user, text=text) if text and not start else []
    period, days, back = _period(request.GET)
    return render(
        request,
        "mapping/network.html",
        {
            **_common(request),
            "start": start,
            "q": text,
            "node": node_id,
            "found": found,
            "cap": selectors.NEIGHBOUR_CAP,
            # The networks of the period in the address, as a table, whatever node the view starts from.
            "period": period,
            "days": days,
            "back": back,
            "lengths": PERIOD_LENGTHS,
            "periods_back": PERIODS_BACK,
            **_period_networks(request, period, ask=True, page="network"),
            **map_settings(),
        },
    )


@login_required
def neighbours(request: AuthenticatedHttpRequest) -> JsonResponse:
    """JSON: the nodes one step from ``?node=`` not in ``?drawn=`` (repeated), at most the cap."""
    _require(permissions.can_use_mapping(request.user))
    step = selectors.network_neighbours(
        user=request.user, node_id=request.GET.get("node", ""), drawn=request.GET.getlist("drawn")
    )
    return JsonResponse(step)


@login_required
def evidence(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The records behind a figure: the events joining a node (and ``?other=`` node), in the period if given."""
    _require(permissions.can_use_mapping(request.user))
    period = _period(request.GET)[0] if "since" in request.GET else None
    node, events, listing = selectors.evidence_for(
        user=request.user,
        node_id=request.GET.get("node", ""),
        other=request.GET.get("other", ""),
        period=period,
        page=_int(request.GET, "page", 1),
    )
    return render(
        request,
        "mapping/evidence.html",
        {"node": node, "events": events, "period": period, "listing": listing, "query": _without_page(request)},
    )


def _without_page(request: AuthenticatedHttpRequest) -> str:
    """The request's query less ``page``, for the links to the other pages of a list."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def hotspots(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The hotspot map and its tables. The period is in the address (``days`` and ``back``, or ``since`` and
    ``until``), so the view can be shared; the list of networks follows it."""
    _require(permissions.can_use_mapping(request.user))
    period, days, back = _period(request.GET)
    return render(
        request,
        "mapping/hotspots.html",
        {
            **_common(request),
            **_hotspot_context(request, period),
            "days": days,
            "back": back,
            "lengths": PERIOD_LENGTHS,
            "periods_back": PERIODS_BACK,
            **map_settings(),
        },
    )


def _hotspot_context(request: AuthenticatedHttpRequest, period: Period) -> dict[str, Any]:
    listing = selectors.hotspots_for(user=request.user, period=period, page=_int(request.GET, "page", 1))
    rows = listing.rows
    points = [
        {
            "lat": r["lat"],
            "lon": r["lon"],
            "label": f"{r['place_name'] or r['place_postcode']}: {r['children']} children ({r['change']})",
            "url": r["evidence_url"],
            "size": r["children"],
            "tone": r["change"],
        }
        for r in rows
        if r["lat"] is not None and r["lon"] is not None
    ]
    layers = extra_layers(request.user, period)
    return {
        "period": period,
        "previous": period.previous(),
        "rows": rows,
        "listing": listing,
        "hotspot_layer": {"name": "Hotspots", "points": points},
        "extra_layers": layers,
        "layer_ids": ",".join(["hotspot-points", *(layer["id"] for layer in layers)]),
        "adults": selectors.adults_for(user=request.user, period=period),
        **_period_networks(request, period, ask=True),
        "query": _without_page(request),
    }


# The pages a networks table is on, by the name the fragment's address gives.
NETWORKS_PAGES = {"hotspots": "mapping:hotspots", "network": "mapping:network"}


def _period_networks(
    request: AuthenticatedHttpRequest, period: Period, *, ask: bool, page: str = "hotspots"
) -> dict[str, Any]:
    """The networks table of the period: stored (by the refresh, or by the worker for a period asked for before),
    or the viewer's own part of the map; otherwise the worker is asked for them, once for each mapping, and the
    table shows its progress until they are stored. ``ask``: ask again if the last try failed (a page opened, not
    the fragment polling)."""
    page = page if page in NETWORKS_PAGES else "hotspots"
    work = None
    if not selectors.networks_ready(user=request.user, period=period):
        work = services.period_networks_request(user=request.user, period=period, retry_failed=ask)
    query = urlencode(_period_query(period))
    return {
        "networks": selectors.networks_shown(user=request.user, period=period, work=work),
        "networks_work": work,
        "networks_poll_url": f"{reverse('mapping:period-networks')}?{query}&page={page}",
        "networks_again_url": f"{reverse(NETWORKS_PAGES[page])}?{query}",
        "networks_max": services.PERIOD_NETWORKS_MAX,
    }


def _period_query(period: Period) -> dict[str, str]:
    return {"since": period.since.isoformat(), "until": period.until.isoformat()}


@login_required
def hotspot_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The fragment the period slider reloads: the hotspot table, the points for the map, adults of concern."""
    _require(permissions.can_use_mapping(request.user))
    period = _period(request.GET)[0]
    context = _hotspot_context(request, period) | {
        "query": _without_page(request),
        "can_open_group_work": permissions.can_open_group_work(request.user),
    }
    return render(request, "mapping/_hotspot_list.html", context)


@login_required
def period_networks(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The fragment a networks table reloads while the worker works the period's networks out (``since`` and
    ``until``): their progress, then the table once they are stored."""
    _require(permissions.can_use_mapping(request.user))
    period = _period(request.GET)[0]
    context = _period_networks(request, period, ask=False, page=request.GET.get("page", "hotspots")) | {
        "period": period,
        "can_open_group_work": permissions.can_open_group_work(request.user),
    }
    return render(request, "mapping/_period_networks.html", context)


@login_required
def child_panel(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    """An HTML fragment for the child's page: the places, people and things linked to the child."""
    _require(permissions.can_use_mapping(request.user))
    child = child_get(user=request.user, child_id=child_id, reason="Viewed the child's places and people")
    panel = selectors.child_places_and_people(user=request.user, child=child)
    return render(request, "mapping/_child_panel.html", {"panel": panel, "child": child})


@login_required
@require_POST
def refresh(request: AuthenticatedHttpRequest) -> HttpResponse:
    job = services.mapping_refresh_request(user=request.user)
    return redirect("jobs:detail", job_id=job.pk)
