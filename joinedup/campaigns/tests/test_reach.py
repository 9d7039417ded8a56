"""Campaign reach beside the hotspots, on the planted area of the mapping's tests (a known data set).

In October 2026 the hotspot map ranks the Station Hotel (NB1 1AA) first, the Park Cafe (NB9 9ZZ) second and
the Mill Lane Grill (NB2 6TR) third, each with something of concern recorded there.
"""

from datetime import date

import pytest

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.campaigns import selectors
from joinedup.campaigns.models import CampaignStatus
from joinedup.mapping.api import Period, hotspots_visible, mapping_snapshot_refresh
from joinedup.mapping.tests.planted import SINCE, UNTIL, plant
from joinedup.places.models import Place

from .factories import CampaignFactory

pytestmark = pytest.mark.django_db
OCTOBER = Period(SINCE, UNTIL)


@pytest.fixture
def area():
    plant()
    mapping_snapshot_refresh()
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    # Much reached around the cafe, little around the hotel, nothing around the grill.
    CampaignFactory.create(postcode_sector="NB9 9", reached=180, held_on=date(2026, 3, 4))
    CampaignFactory.create(postcode_sector="NB9 9", reached=40, held_on=date(2026, 10, 20))
    CampaignFactory.create(postcode_sector="NB1 1", reached=12, held_on=date(2026, 6, 1))
    # Not counted: before the twelve months, after the period, planned, or cancelled.
    CampaignFactory.create(postcode_sector="NB1 1", reached=500, held_on=date(2025, 10, 31))
    CampaignFactory.create(postcode_sector="NB1 1", reached=300, held_on=date(2026, 11, 1))
    CampaignFactory.create(postcode_sector="NB1 1", reached=0, status=CampaignStatus.PLANNED, held_on=date(2026, 9, 1))
    CampaignFactory.create(
        postcode_sector="NB1 1", reached=90, status=CampaignStatus.CANCELLED, held_on=date(2026, 9, 2)
    )
    # Reached a lot in an area with no hotspot.
    CampaignFactory.create(postcode_sector="NB5 5", reached=75, held_on=date(2026, 8, 8))
    return coordinator


def test_the_planted_hotspots_rank_as_the_reach_page_assumes(area):
    names = [row["place_name"] for row in hotspots_visible(user=area, period=OCTOBER)]
    assert names == ["Station Hotel", "Park Cafe", "Mill Lane Grill"]


def test_reach_beside_risk_flags_the_areas_of_high_risk_and_little_reach(area):
    result = selectors.reach_beside_risk(user=area, period=OCTOBER)
    by_sector = {a.sector: a for a in result.areas}
    assert {s: (a.rank, a.reached, a.campaigns) for s, a in by_sector.items()} == {
        "NB1 1": (1, 12, 1),
        "NB9 9": (2, 220, 2),
        "NB2 6": (3, 0, 0),
        "NB5 5": (0, 75, 1),
    }
    assert [a.sector for a in result.flagged] == ["NB1 1", "NB2 6"]
    # Flagged first, then by the rank of the area's top hotspot.
    assert [a.sector for a in result.areas] == ["NB1 1", "NB2 6", "NB9 9", "NB5 5"]
    assert result.window == Period(date(2025, 11, 1), UNTIL)


def test_only_the_top_hotspots_make_an_area_high_risk(area, monkeypatch):
    monkeypatch.setattr(selectors, "HIGH_RISK_PLACES", 2)
    result = selectors.reach_beside_risk(user=area, period=OCTOBER)
    assert [a.sector for a in result.flagged] == ["NB1 1"]


def test_enough_reach_lifts_the_flag(area):
    CampaignFactory.create(postcode_sector="NB1 1", reached=selectors.LOW_REACH, held_on=date(2026, 7, 1))
    result = selectors.reach_beside_risk(user=area, period=OCTOBER)
    assert [a.sector for a in result.flagged] == ["NB2 6"]


def test_a_campaign_at_a_place_puts_its_area_on_the_map(area):
    hall = Place.objects.create(name="Community hall", kind="other", postcode="NB7 7AB", latitude=53.7, longitude=-1.5)
    CampaignFactory.create(place=hall, postcode_sector="NB7 7", reached=30, held_on=date(2026, 9, 9))
    result = selectors.reach_beside_risk(user=area, period=OCTOBER)
    points = {p["label"].split(":")[0]: p for p in selectors.area_points(result)["points"]}
    assert points["NB7 7"]["lat"] == 53.7 and points["NB7 7"]["tone"] == "low"
    assert points["NB1 1"]["tone"] == "flagged"
    campaign_points = selectors.campaign_points(result.campaigns)["points"]
    assert [p["lat"] for p in campaign_points] == [53.7]


def test_leaders_read_reach_and_practitioners_do_not(area):
    leader = UserFactory.create(roles=[RoleCode.LEADER])
    assert [a.sector for a in selectors.reach_beside_risk(user=leader, period=OCTOBER).flagged] == ["NB1 1", "NB2 6"]
    practitioner = UserFactory.create(roles=[RoleCode.PRACTITIONER])
    with pytest.raises(Exception, match="Nothing to show"):
        selectors.reach_beside_risk(user=practitioner, period=OCTOBER)
