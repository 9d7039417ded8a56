"""A campaign's materials as a list: title, kind, co-produced with young people or not, a link or a description."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.campaigns.models import CampaignMaterial, MaterialKind
from joinedup.campaigns.services import campaign_material_add, campaign_material_remove

from .factories import CampaignFactory

pytestmark = pytest.mark.django_db


def test_the_coordinator_adds_materials_and_the_campaign_page_lists_them(client, sign_in):
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    campaign = CampaignFactory.create(title="'Is it really love?'")
    sign_in(coordinator)
    page = client.get(reverse("campaigns:materials", args=[campaign.pk]))
    assert page.status_code == 200 and "No materials recorded." in page.content.decode()
    leaflet = client.post(
        reverse("campaigns:materials", args=[campaign.pk]),
        {
            "title": "'Is it really love?' leaflet",
            "kind": "leaflet",
            "co_produced": "yes",
            "description": "Written and illustrated by the youth council; 400 copies",
        },
    )
    assert leaflet.status_code == 302 and leaflet["Location"] == reverse("campaigns:detail", args=[campaign.pk])
    client.post(
        reverse("campaigns:materials", args=[campaign.pk]),
        {
            "title": "Lesson plan for Year 9",
            "kind": "lesson_plan",
            "co_produced": "no",
            "link": "https://wealdbridge.example/lessons/healthy-relationships",
        },
    )
    items = list(campaign.material_items.all())
    assert [(m.title, m.kind, m.co_produced) for m in items] == [
        ("'Is it really love?' leaflet", MaterialKind.LEAFLET, True),
        ("Lesson plan for Year 9", MaterialKind.LESSON_PLAN, False),
    ]
    detail = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "Written and illustrated by the youth council; 400 copies" in detail
    assert 'href="https://wealdbridge.example/lessons/healthy-relationships"' in detail
    assert "Lesson plan" in detail and "Leaflet" in detail
    assert AuditEvent.objects.filter(actor=coordinator, kind=AuditKind.CAMPAIGN_CHANGED).count() == 2
    # Taking one off the list.
    removed = client.post(reverse("campaigns:materials", args=[campaign.pk]), {"remove": str(items[1].pk)})
    assert removed.status_code == 302
    assert [m.title for m in campaign.material_items.all()] == ["'Is it really love?' leaflet"]


def test_a_material_needs_a_link_or_a_description_and_a_web_link(client, sign_in):
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    campaign = CampaignFactory.create()
    sign_in(coordinator)
    response = client.post(
        reverse("campaigns:materials", args=[campaign.pk]),
        {"title": "Poster", "kind": "poster", "co_produced": "no"},
    )
    assert response.status_code == 200
    assert "Enter a link to the material or describe it." in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        campaign_material_add(
            user=coordinator, campaign=campaign, title="Poster", kind="poster", link="javascript:alert(1)"
        )
    assert "link" in refused.value.message_dict
    with pytest.raises(ValidationError) as unknown:
        campaign_material_add(user=coordinator, campaign=campaign, title="Badge", kind="badge", description="A badge")
    assert "kind" in unknown.value.message_dict
    assert not CampaignMaterial.objects.exists()


def test_only_the_coordinator_changes_the_materials(client, sign_in):
    campaign = CampaignFactory.create()
    material = campaign_material_add(
        user=campaign.created_by, campaign=campaign, title="Film", kind="video", description="Four minutes"
    )
    leader = UserFactory.create(roles=[RoleCode.LEADER])
    with pytest.raises(PermissionDenied):
        campaign_material_add(user=leader, campaign=campaign, title="Poster", kind="poster", description="A3")
    with pytest.raises(PermissionDenied):
        campaign_material_remove(user=leader, material=material)
    sign_in(leader)
    assert client.get(reverse("campaigns:materials", args=[campaign.pk])).status_code == 403
    # Leaders read the list on the campaign's page, without the means to change it.
    detail = client.get(reverse("campaigns:detail", args=[campaign.pk])).content.decode()
    assert "Four minutes" in detail and "Add or remove materials" not in detail
    assert CampaignMaterial.objects.filter(pk=material.pk).exists()
