"""A detail an agency marks restricted (a safe address, a refuge) stays with that agency and those it shares the
record with, joined or not."""

import pytest

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.children import selectors, services
from joinedup.children.joins import children_join
from joinedup.children.models import DetailChange, JoinSource
from joinedup.children.tests.factories import ChildFactory, InvolvementFactory
from joinedup.sharing.tests.factories import ShareDecisionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    social_care, police, health = (AgencyFactory.create(code=c) for c in ("CSC", "POL", "HEA"))
    child = ChildFactory.create(owning_agency=social_care, postcode="WB1 2AB")
    for agency in (police, health):
        InvolvementFactory.create(child=child, agency=agency)
    return {
        "child": child,
        "worker": UserFactory.create(agency=social_care, roles=[RoleCode.PRACTITIONER]),
        "officer": UserFactory.create(agency=police, roles=[RoleCode.PRACTITIONER]),
        "nurse": UserFactory.create(agency=health, roles=[RoleCode.PRACTITIONER]),
        "coordinator": UserFactory.create(agency=social_care, roles=[RoleCode.COORDINATOR]),
        "health": health,
    }


def test_a_restricted_address_is_seen_only_by_its_agency_and_those_it_shares_with(world, sign_in):
    child = world["child"]
    services.address_record(
        user=world["nurse"],
        child=child,
        address_text="Refuge, 9 Synthetic Close",
        postcode="WB9 9ZZ",
        reason="Moved with her mother to a refuge",
        restricted=True,
    )
    child.refresh_from_db()
    assert child.postcode == "WB1 2AB"  # the record's postcode does not follow a restricted address
    history = DetailChange.objects.get(field="address")
    assert "Refuge" not in history.new_value and history.reason == ""

    def sees(user) -> bool:
        return any(a.address.startswith("Refuge") for a in selectors.addresses_for(user=user, child=child))

    assert sees(world["nurse"])
    assert not sees(world["officer"]) and not sees(world["worker"]) and not sees(world["coordinator"])
    page = sign_in(world["officer"]).get(f"/children/{child.pk}/").content.decode()
    assert "Refuge" not in page and "WB9 9ZZ" not in page

    ShareDecisionFactory.create(
        child=child, shared_by_agency=world["health"], shared_with_agency=world["officer"].agency
    )
    assert sees(world["officer"])
    assert not sees(world["worker"])


def test_a_restricted_address_stays_restricted_when_the_records_are_joined(world):
    child = world["child"]
    other = ChildFactory.create(owning_agency=world["health"])
    services.address_record(
        user=world["nurse"], child=other, address_text="Refuge, 9 Synthetic Close", restricted=True, reason=""
    )
    children_join(actor=None, keep=child, joined=other, source=JoinSource.AUTO)

    assert [a.address for a in selectors.addresses_for(user=world["nurse"], child=child)] == [
        "Refuge, 9 Synthetic Close"
    ]
    assert selectors.addresses_for(user=world["worker"], child=child) == []
