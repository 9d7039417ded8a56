"""The campaign pages: the coordinator records through the form; leaders read; the reach page lists the areas."""

from datetime import date

import pytest
from django.urls import reverse

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.campaigns.models import Campaign
from joinedup.mapping.api import mapping_snapshot_refresh
from joinedup.mapping.tests.planted import plant
from joinedup.places.models import Place, PlaceKind

from .factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_the_coordinator_records_a_campaign_through_the_form(client, sign_in):
    sign_in(UserFactory.create(roles=[RoleCode.COORDINATOR]))
    school = Place.objects.create(name="Wealdbridge Academy", kind=PlaceKind.SCHOOL, postcode="WB2 3TT")
    form = client.get(reverse("campaigns:create"))
    assert form.status_code == 200
    assert b"Wealdbridge Academy" in form.content
    response = client.post(
        reverse("campaigns:create"),
        {
            "title": "Chelsea's Choice",
            "kind": "school_drama",
            "status": "delivered",
            "held_on": "2026-03-12",
            "place": str(school.pk),
            "audience": "Year 9 pupils",
            "reached": "120",
            "delivered_by": "Alter Ego theatre company",
            "partners": "Wealdbridge Academy; school nurses",
            "co_produced": "on",
        },
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("campaigns:detail", args=[campaign.pk])
    assert (campaign.postcode_sector, campaign.reached, campaign.co_produced) == ("WB2 3", 120, True)
    detail = client.get(response["Location"]).content.decode()
    assert "12 March 2026" in detail and "Alter Ego theatre company" in detail


def test_a_refused_campaign_shows_what_to_fix(client, sign_in):
    sign_in(UserFactory.create(roles=[RoleCode.COORDINATOR]))
    response = client.post(
        reverse("campaigns:create"),
        {
            "title": "Leaflets",
            "kind": "other",
            "status": "planned",
            "held_on": "2026-12-20",
            "audience": "Parents",
            "reached": "40",
            "delivered_by": "Early help",
        },
    )
    assert response.status_code == 200
    assert "A planned campaign has reached nobody yet" in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_leader_reads_campaigns_but_cannot_record_them(client, sign_in):
    campaign = CampaignFactory.create(title="Taxi driver training")
    sign_in(UserFactory.create(roles=[RoleCode.LEADER]))
    assert "Taxi driver training" in client.get(reverse("campaigns:list")).content.decode()
    assert client.get(reverse("campaigns:detail", args=[campaign.pk])).status_code == 200
    assert client.get(reverse("campaigns:create")).status_code == 403
    assert client.get(reverse("campaigns:edit", args=[campaign.pk])).status_code == 403


def test_the_reach_page_shows_the_flagged_areas_in_its_table_and_on_its_map(client, sign_in):
    plant()
    mapping_snapshot_refresh()
    CampaignFactory.create(postcode_sector="NB9 9", reached=220, held_on=date(2026, 10, 3))
    sign_in(UserFactory.create(roles=[RoleCode.COORDINATOR]))
    page = client.get(f"{reverse('campaigns:reach')}?since=2026-10-01&until=2026-10-31")
    flagged = [a.sector for a in page.context["result"].flagged]
    assert flagged == ["NB1 1", "NB2 6"]
    html = page.content.decode()
    assert html.count('data-flagged="true"') == 2
    assert 'id="reach-areas"' in html and 'data-layers="reach-areas,reach-campaigns"' in html
    assert "/static/joinedup/mapping/wealdbridge-basemap.geojson" in html
