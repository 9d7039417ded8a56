"""The hotspot map's layers beyond the hotspots: awareness campaigns (joinedup.campaigns) and registered
businesses (joinedup.community), each for a viewer allowed to see it, read through the owning app's
selectors. A layer whose app is not installed is left out. Each has the same rows in a table under the map.
"""

from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from joinedup import dates
from joinedup.access import policy
from joinedup.accounts.models import User

from .internals.analysis import Period


def _campaigns(user: User, period: Period) -> dict[str, Any] | None:
    if not apps.is_installed("joinedup.campaigns") or not policy.can_view_campaigns(user):
        return None
    from joinedup.campaigns.selectors import campaign_points, campaigns_delivered, reach_window

    window = reach_window(period)
    campaigns = list(campaigns_delivered(user, window).order_by("-held_on", "pk"))
    layer = campaign_points(campaigns)
    rows = [
        {
            "label": c.title,
            "url": reverse("campaigns:detail", kwargs={"campaign_id": c.pk}),
            "where": ", ".join(part for part in (c.place.name if c.place else "", c.postcode_sector) if part),
            "detail": f"{c.get_kind_display()}, {dates.day(c.held_on)}, {c.reached} reached",
        }
        for c in campaigns
    ]
    since, until = (dates.day(d) for d in (window.since, window.until))
    caption = f"Campaigns delivered from {since} to {until}"
    return {**layer, "id": "campaign-points", "caption": caption, "rows": rows}


def _businesses(user: User) -> dict[str, Any] | None:
    can_see = getattr(policy, "can_manage_businesses", None)
    if not apps.is_installed("joinedup.community") or can_see is None or not can_see(user):
        return None
    from joinedup.community.selectors import businesses_for

    points, rows = [], []
    for business in businesses_for(user):
        place = business.place
        try:
            url = reverse("community:business", kwargs={"business_id": business.pk})
        except NoReverseMatch:
            url = ""
        where = ", ".join(part for part in (place.name, place.postcode) if part)
        rows.append({"label": business.name, "url": url, "where": where, "detail": business.get_kind_display()})
        if place.latitude is not None and place.longitude is not None:
            points.append(
                {
                    "lat": place.latitude,
                    "lon": place.longitude,
                    "label": f"{business.name} (registered business)",
                    "url": url,
                    "size": 1,
                    "tone": "business",
                }
            )
    return {
        "name": "Registered businesses",
        "points": points,
        "id": "business-points",
        "caption": "Businesses registered for community reporting",
        "rows": rows,
    }


def extra_layers(user: User, period: Period) -> list[dict[str, Any]]:
    """The layers this viewer may see beside the hotspots, each with ``id``, ``name``, ``points`` (for the
    map), ``caption`` and ``rows`` (for its table)."""
    return [layer for layer in (_campaigns(user, period), _businesses(user)) if layer is not None]
