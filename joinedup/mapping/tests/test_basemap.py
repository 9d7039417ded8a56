"""The base map the maps draw offline, and what the hotspot page gives its map and its tables."""

import itertools
import json
from datetime import date

import pytest
from django.test import override_settings
from django.urls import reverse

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.campaigns.tests.factories import CampaignFactory
from joinedup.demo.extracts import NETWORKS
from joinedup.jobs.tests.running import queued_tasks_run
from joinedup.mapping.basemap import STATIC_PATH, basemap_build, basemap_text, map_settings, ward_of_district
from joinedup.mapping.services import mapping_snapshot_refresh
from joinedup.places.models import Place, PlaceKind

from .planted import plant


def _inside(point: tuple[float, float], ring: list[list[float]]) -> bool:
    """Ray casting: whether (lon, lat) lies inside the polygon's ring."""
    x, y = point
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def test_the_served_base_map_is_the_one_the_generator_makes():
    assert STATIC_PATH.read_text(encoding="utf-8") == basemap_text()
    assert json.loads(STATIC_PATH.read_text(encoding="utf-8")) == basemap_build()


def test_each_demo_place_stands_in_the_ward_of_its_postcode_district_near_its_named_street():
    data = basemap_build()
    wards = [f for f in data["features"] if f["properties"]["kind"] == "ward"]
    streets = {f["properties"]["name"]: f for f in data["features"] if f["properties"]["kind"] != "ward"}
    for spec in NETWORKS.values():
        for name, _kind, postcode, lat, lon in spec["places"]:
            point = (float(lon), float(lat))
            holding = [w["properties"] for w in wards if _inside(point, w["geometry"]["coordinates"][0])]
            assert len(holding) == 1, name
            district = postcode.split()[0]
            assert holding[0]["postcode_district"] == district, name
            assert holding[0]["name"] == ward_of_district(district)
    hotel_lat, hotel_lon = 53.7512, -1.6021
    road = streets["Station Road"]["geometry"]["coordinates"]
    (x1, y1), (x2, y2) = next((a, b) for a, b in itertools.pairwise(road) if a[0] <= hotel_lon <= b[0])
    road_lat = y1 + (hotel_lon - x1) * (y2 - y1) / (x2 - x1)
    assert abs(road_lat - hotel_lat) < 0.001  # about 100 metres: the Station Hotel is on Station Road
    assert {"Mill Lane", "Canal Street", "River Weald", "Riverside recreation ground"} <= set(streets)


def test_the_wards_cover_the_borough_without_gaps_or_overlaps():
    data = basemap_build()
    wards = [f["geometry"]["coordinates"][0] for f in data["features"] if f["properties"]["kind"] == "ward"]
    for i in range(41):
        for j in range(41):
            point = (-1.6349 + 0.0548 * i / 40, 53.7251 + 0.0348 * j / 40)
            assert sum(_inside(point, ring) for ring in wards) == 1, point


def test_the_base_map_and_tiles_come_from_settings():
    assert map_settings()["basemap_url"] == "/static/joinedup/mapping/wealdbridge-basemap.geojson"
    with override_settings(
        JOINEDUP_MAP_BASEMAP_URL="https://maps.example/area.geojson",
        JOINEDUP_MAP_TILES_URL="https://tiles.example/{z}/{x}/{y}.png",
    ):
        shown = map_settings()
    assert shown["basemap_url"] == "https://maps.example/area.geojson"
    assert shown["tiles_url"] == "https://tiles.example/{z}/{x}/{y}.png"


@pytest.mark.django_db
def test_the_hotspot_page_gives_its_map_each_layer_and_the_same_data_as_tables(client, sign_in):
    plant()
    mapping_snapshot_refresh()
    hall = Place.objects.create(
        name="Community hall", kind=PlaceKind.OTHER, postcode="NB1 1ZZ", latitude=53.8, longitude=-1.5
    )
    CampaignFactory.create(title="Hotel staff briefing", place=hall, postcode_sector="NB1 1", held_on=date(2026, 9, 30))
    sign_in(UserFactory.create(roles=[RoleCode.COORDINATOR]))
    page = client.get(f"{reverse('mapping:hotspots')}?since=2026-10-01&until=2026-10-31")
    html = page.content.decode()
    assert 'data-layers="hotspot-points,campaign-points' in html
    assert 'data-basemap-url="/static/joinedup/mapping/wealdbridge-basemap.geojson"' in html
    layers = {layer["id"]: layer for layer in page.context["extra_layers"]}
    assert [p["label"] for p in layers["campaign-points"]["points"]] == [
        "Hotel staff briefing, 30 September 2026: 30 reached"
    ]
    # The text alternative: each layer's rows in a table, the hotspots' in theirs.
    assert 'id="campaign-points-table"' in html and "Hotel staff briefing" in html
    hotspot_points = page.context["hotspot_layer"]["points"]
    assert {p["label"].split(":")[0] for p in hotspot_points} == {"Station Hotel", "Park Cafe"}
    assert html.count('<tr class="govuk-table__row" data-change=') == len(page.context["rows"])
    # The networks follow the period, and a link keeps its dates to share.
    assert "Networks from 1 October 2026 to 31 October 2026" in html
    assert 'id="networks-working"' in html  # not stored: the worker works them out (test_period_networks.py)
    assert "since=2026-10-01&amp;until=2026-10-31" in html


@pytest.mark.django_db
def test_practitioners_see_no_campaign_layer(client, sign_in):
    CampaignFactory.create()
    sign_in(UserFactory.create(roles=[RoleCode.PRACTITIONER]))
    page = client.get(reverse("mapping:hotspots"))
    assert page.context["extra_layers"] == []
    assert 'data-layers="hotspot-points"' in page.content.decode()


@pytest.mark.django_db
def test_the_network_view_lists_the_networks_of_the_period_in_its_address(
    client, sign_in, django_capture_on_commit_callbacks
):
    plant()
    mapping_snapshot_refresh()
    sign_in(UserFactory.create(roles=[RoleCode.COORDINATOR]))
    address = f"{reverse('mapping:network')}?node=vehicle:YX19KLM&since=2026-10-01&until=2026-10-31"
    with django_capture_on_commit_callbacks(execute=True):
        asked = client.get(address)
    assert 'id="networks-working"' in asked.content.decode()  # worked out by the worker, once
    queued_tasks_run()
    page = client.get(address)
    html = page.content.decode()
    assert "Networks from 1 October 2026 to 31 October 2026" in html
    assert page.context["networks"].rows
    assert 'id="network-map"' in html and 'name="node" value="vehicle:YX19KLM"' in html
