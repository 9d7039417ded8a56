"""Reads of campaigns, and their reach beside the hotspots.

``reach_beside_risk`` puts, for each area (postcode sector), the hotspot risk of the period beside the people
the partnership's delivered campaigns reached there over the year to the period's end, and flags the areas
where risk is high and awareness low: where the coordinator should send the next performance or training.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse

from joinedup import dates
from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.mapping.api import Period, hotspots_visible
from joinedup.mapping.basemap import ward_of_district

from .areas import postcode_district, postcode_sector
from .models import Campaign, CampaignStatus

# Awareness lasts: reach counts the delivered campaigns of this many days up to the end of the period.
REACH_DAYS = 365
# An area is at high risk when it holds one of the period's this many top hotspots, as the hotspot map ranks
# them (by what happens there against what its kind and footfall would lead one to expect: mapping's
# ``analysis.hotspots``), with something of concern recorded there. A rank, not a score: the score is calibrated
# against the area's own rate, so a fixed threshold would mean different things in a quiet area and a busy one.
HIGH_RISK_PLACES = 5
# An area's reach is low below this many people in REACH_DAYS.
LOW_REACH = 50


def campaigns_visible(user: User) -> QuerySet[Campaign]:
    if not policy.can_view_campaigns(user):
        return Campaign.objects.none()
    return Campaign.objects.select_related("place")


def campaign_get(*, user: User, campaign_id: int) -> Campaign:
    """One campaign; "not found" alike for a missing one and for a viewer who may not read campaigns."""
    try:
        return campaigns_visible(user).get(pk=campaign_id)
    except Campaign.DoesNotExist as error:
        raise Http404("No campaign found") from error


def reach_window(period: Period) -> Period:
    return Period(period.until - timedelta(days=REACH_DAYS - 1), period.until)


def campaigns_delivered(user: User, window: Period) -> QuerySet[Campaign]:
    return campaigns_visible(user).filter(status=CampaignStatus.DELIVERED, held_on__range=(window.since, window.until))


@dataclass
class AreaReach:
    """One area's risk and reach. ``rank`` is the hotspot map's rank of its highest place in the period (1 is
    the top; 0 with none of concern), ``risk`` that place's score."""

    sector: str
    ward: str = ""
    rank: int = 0
    risk: float = 0.0
    children: int = 0
    places: list[str] = field(default_factory=list)
    reached: int = 0
    campaigns: int = 0
    points: list[tuple[float, float]] = field(default_factory=list)

    @property
    def high_risk(self) -> bool:
        return 0 < self.rank <= HIGH_RISK_PLACES

    @property
    def low_reach(self) -> bool:
        return self.reached < LOW_REACH

    @property
    def flagged(self) -> bool:
        return self.high_risk and self.low_reach

    @property
    def tone(self) -> str:
        if self.flagged:
            return "flagged"
        return "high" if self.high_risk else ("reached" if not self.low_reach else "low")

    @property
    def centre(self) -> tuple[float, float] | None:
        if not self.points:
            return None
        return (
            sum(p[0] for p in self.points) / len(self.points),
            sum(p[1] for p in self.points) / len(self.points),
        )


@dataclass
class ReachBesideRisk:
    period: Period
    window: Period
    areas: list[AreaReach]
    campaigns: list[Campaign]
    unplaced_hotspots: int = 0

    @property
    def flagged(self) -> list[AreaReach]:
        return [a for a in self.areas if a.flagged]


def reach_beside_risk(*, user: User, period: Period) -> ReachBesideRisk:
    """Per postcode sector: the hotspot risk of ``period`` as this user may see it, and the people reached by
    campaigns delivered in the REACH_DAYS to its end; flagged first, then by the rank of their top hotspot, then
    least reached."""
    if not policy.can_view_campaigns(user):
        raise Http404("Nothing to show")
    window = reach_window(period)
    areas: dict[str, AreaReach] = {}
    wards: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    unplaced = 0
    ranked = 0
    for row in hotspots_visible(user=user, period=period):
        if not row.get("children"):
            continue
        concern = bool(row.get("signal", row.get("score")))
        ranked += concern
        sector = postcode_sector(row.get("place_postcode") or "")
        if not sector:
            unplaced += 1
            continue
        area = areas.setdefault(sector, AreaReach(sector=sector))
        if concern and not area.rank:
            area.rank, area.risk = ranked, float(row.get("score") or 0.0)
        area.children += int(row["children"])
        if len(area.places) < 3:
            area.places.append(row.get("place_name") or row.get("place_postcode") or "")
        if row.get("lat") is not None and row.get("lon") is not None:
            area.points.append((float(row["lat"]), float(row["lon"])))
    campaigns = list(campaigns_delivered(user, window).order_by("held_on", "pk"))
    for campaign in campaigns:
        sector = campaign.postcode_sector
        if not sector:
            continue
        area = areas.setdefault(sector, AreaReach(sector=sector))
        area.reached += campaign.reached
        area.campaigns += 1
        if campaign.ward:
            wards[sector][campaign.ward] += 1
        place = campaign.place
        if place is not None and place.latitude is not None and place.longitude is not None and not area.points:
            area.points.append((place.latitude, place.longitude))
    for sector, area in areas.items():
        named = wards.get(sector)
        area.ward = max(named, key=lambda w: (named[w], w)) if named else ward_of_district(postcode_district(sector))
    ordered = sorted(areas.values(), key=lambda a: (not a.flagged, a.rank or ranked + 1, a.reached, a.sector))
    return ReachBesideRisk(period=period, window=window, areas=ordered, campaigns=campaigns, unplaced_hotspots=unplaced)


def campaign_points(campaigns: list[Campaign]) -> dict[str, Any]:
    """The campaigns with a place on the map, as a layer of the maps' points."""
    points = []
    for campaign in campaigns:
        place = campaign.place
        if place is None or place.latitude is None or place.longitude is None:
            continue
        day = dates.day(campaign.held_on)
        points.append(
            {
                "lat": place.latitude,
                "lon": place.longitude,
                "label": f"{campaign.title}, {day}: {campaign.reached} reached",
                "url": reverse("campaigns:detail", kwargs={"campaign_id": campaign.pk}),
                "size": max(1, campaign.reached // 25),
                "tone": "campaign",
            }
        )
    return {"name": "Campaigns", "points": points}


def area_points(result: ReachBesideRisk) -> dict[str, Any]:
    """Each area as one point (the middle of its hotspots, else of its campaigns), coloured by what it needs."""
    points = []
    for area in result.areas:
        centre = area.centre
        if centre is None:
            continue
        rank = f"hotspot rank {area.rank}" if area.rank else "no hotspot of concern"
        label = f"{area.sector}{f' ({area.ward})' if area.ward else ''}: {rank}, {area.reached} reached"
        points.append(
            {
                "lat": centre[0],
                "lon": centre[1],
                "label": label + (" — high risk, little reached" if area.flagged else ""),
                "url": "",
                "size": max(1, area.children),
                "tone": area.tone,
            }
        )
    return {"name": "Areas: risk beside reach", "points": points}
