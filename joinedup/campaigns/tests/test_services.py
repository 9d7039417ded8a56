"""Recording and changing campaigns: who may, what is refused, and the audit trail."""

from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.campaigns.areas import postcode_sector
from joinedup.campaigns.models import Campaign, CampaignKind, CampaignStatus
from joinedup.campaigns.services import campaign_change, campaign_record
from joinedup.places.models import Place, PlaceKind

pytestmark = pytest.mark.django_db

FIELDS: dict[str, Any] = {
    "kind": CampaignKind.BUSINESS_TRAINING,
    "title": "Spotting the signs: hotel staff",
    "held_on": date(2026, 9, 14),
    "audience": "Hotel reception and night staff",
    "delivered_by": "Wealdbridge Police, licensing team",
}


@pytest.fixture
def coordinator():
    return UserFactory.create(roles=[RoleCode.COORDINATOR])


def test_the_coordinator_records_a_campaign_and_its_area_comes_from_the_place(coordinator):
    hotel = Place.objects.create(name="Station Hotel", kind=PlaceKind.HOTEL, postcode="WB1 1AA")
    campaign = campaign_record(user=coordinator, place=hotel, reached=6, partners="Hotel owners", **FIELDS)
    assert (campaign.postcode_sector, campaign.reached, campaign.status) == ("WB1 1", 6, CampaignStatus.DELIVERED)
    event = AuditEvent.objects.get(kind=AuditKind.CAMPAIGN_RECORDED)
    assert (event.actor, event.object_id, event.payload["sector"]) == (coordinator, str(campaign.pk), "WB1 1")


@pytest.mark.parametrize("role", [RoleCode.LEADER, RoleCode.PRACTITIONER, RoleCode.MANAGER, RoleCode.ADMINISTRATOR])
def test_only_the_coordinator_records_campaigns(role):
    with pytest.raises(PermissionDenied):
        campaign_record(user=UserFactory.create(roles=[role]), postcode_sector="WB1 1", **FIELDS)
    assert not Campaign.objects.exists() and not AuditEvent.objects.filter(kind=AuditKind.CAMPAIGN_RECORDED).exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"postcode_sector": ""}, "postcode_sector"),
        ({"postcode_sector": "not a postcode"}, "postcode_sector"),
        ({"postcode_sector": "WB1 1", "status": CampaignStatus.PLANNED, "reached": 20}, "reached"),
        ({"postcode_sector": "WB1 1", "held_on": timezone.localdate() + timedelta(days=3)}, "held_on"),
        ({"postcode_sector": "WB1 1", "title": "  "}, "title"),
        ({"postcode_sector": "WB1 1", "reached": 100_001}, "reached"),
    ],
)
def test_a_campaign_that_does_not_add_up_is_refused_with_the_answer_to_fix(coordinator, changes, field):
    with pytest.raises(ValidationError) as refused:
        campaign_record(user=coordinator, **{**FIELDS, **changes})
    assert field in refused.value.message_dict
    assert not Campaign.objects.exists()


def test_a_private_address_is_never_where_a_campaign_was_held(coordinator):
    flat = Place.objects.create(name="Flat 2", kind=PlaceKind.PRIVATE_ADDRESS, postcode="WB5 7HT")
    with pytest.raises(ValidationError) as refused:
        campaign_record(user=coordinator, place=flat, **FIELDS)
    assert "place" in refused.value.message_dict


def test_a_planned_campaign_is_recorded_as_delivered_with_its_reach(coordinator):
    planned = campaign_record(
        user=coordinator, ward="Station", postcode_sector="wb11", status=CampaignStatus.PLANNED, **FIELDS
    )
    assert planned.postcode_sector == "WB1 1"
    done = campaign_change(user=coordinator, campaign=planned, status=CampaignStatus.DELIVERED, reached=14)
    assert (done.status, done.reached, done.ward) == (CampaignStatus.DELIVERED, 14, "Station")
    event = AuditEvent.objects.get(kind=AuditKind.CAMPAIGN_CHANGED)
    assert event.payload["before"]["status"] == "planned" and event.payload["after"]["reached"] == 14
    with pytest.raises(PermissionDenied):
        campaign_change(user=UserFactory.create(roles=[RoleCode.LEADER]), campaign=done, reached=99)


@given(
    outward=st.from_regex(r"[A-Z]{1,2}[0-9][A-Z0-9]?", fullmatch=True),
    sector=st.integers(0, 9),
    unit=st.from_regex(r"[A-Z]{2}", fullmatch=True),
    spaces=st.sampled_from(["", " ", "  "]),
    lower=st.booleans(),
)
def test_a_postcode_however_written_gives_its_sector(outward, sector, unit, spaces, lower):
    written = f"{outward}{spaces}{sector}{unit}"
    found = postcode_sector(written.lower() if lower else written)
    assert found == f"{outward} {sector}"
    assert postcode_sector(found) == found


@pytest.mark.parametrize("text", ["", "WB1", "hello", "WB1 1A", "12345"])
def test_what_is_not_a_postcode_has_no_sector(text):
    assert postcode_sector(text) == ""
