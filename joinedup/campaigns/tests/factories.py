from datetime import date

import factory
from factory.django import DjangoModelFactory

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.campaigns.models import Campaign, CampaignKind, CampaignStatus


class CampaignFactory(DjangoModelFactory[Campaign]):
    class Meta:
        model = Campaign

    kind = CampaignKind.SCHOOL_DRAMA
    title = factory.Sequence(lambda n: f"Awareness session {n}")
    status = CampaignStatus.DELIVERED
    held_on = date(2026, 9, 1)
    postcode_sector = "WB1 1"
    audience = "Year 9 pupils"
    reached = 30
    delivered_by = "Children's Society"
    created_by = factory.SubFactory(UserFactory, roles=[RoleCode.COORDINATOR])
