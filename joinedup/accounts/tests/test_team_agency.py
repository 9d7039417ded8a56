"""A member of staff's team is a team of their own agency (issue 15: the administration pages accepted a
Health user in the police's Missing Persons Unit)."""

import pytest
from django.core.exceptions import ValidationError

from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.services import user_create
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory, TeamFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def agencies():
    police = AgencyFactory.create(code="POL", name="Police", kind=AgencyKind.POLICE)
    health = AgencyFactory.create(code="NHS", name="Health", kind=AgencyKind.HEALTH)
    return police, health, TeamFactory.create(agency=police, name="Missing Persons Unit")


def test_the_administration_pages_refuse_a_team_of_another_agency_and_save_nothing(agencies, client, sign_in):
    police, health, unit = agencies
    sign_in(UserFactory.create(roles=[RoleCode.ADMINISTRATOR]))
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "nurse.one",
            "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42",
            "agency": health.pk,
            "team": unit.pk,
        },
    )
    assert response.status_code == 200
    assert "choose a team of this person" in response.content.decode()
    assert not User.objects.filter(username="nurse.one").exists()

    accepted = client.post(
        "/admin/accounts/user/add/",
        {
            "username": "officer.one",
            "password1": "a-long-pass-phrase-42",
            "password2": "a-long-pass-phrase-42",
            "agency": police.pk,
            "team": unit.pk,
        },
    )
    assert accepted.status_code == 302
    assert User.objects.get(username="officer.one").team == unit


def test_the_service_refuses_a_team_of_another_agency(agencies):
    _, health, unit = agencies
    with pytest.raises(ValidationError) as refused:
        user_create(username="nurse.two", password="x" * 20, agency=health, roles=[RoleCode.PRACTITIONER], team=unit)
    assert "team" in refused.value.message_dict
    assert not User.objects.filter(username="nurse.two").exists()
