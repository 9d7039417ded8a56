"""A private address is shown only to those who may see a child linked to it; others see "A private address"."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.tests.factories import ChildFactory
from joinedup.concerns.models import ConcernCategory
from joinedup.concerns.services import concern_record
from joinedup.places.models import PlaceKind
from joinedup.places.selectors import PRIVATE_LABEL, place_label_for
from joinedup.places.services import place_resolve

ADDRESS = "14 Elmwood Crescent"


@pytest.fixture
def world(db):
    police = UserFactory.create(agency=AgencyFactory.create(code="POL", kind=AgencyKind.POLICE))
    school = UserFactory.create(agency=AgencyFactory.create(code="EDU", kind=AgencyKind.EDUCATION))
    child = ChildFactory.create(owning_agency=police.agency)
    home = place_resolve(actor=police, name=ADDRESS, postcode="WB3 2XY", kind=PlaceKind.PRIVATE_ADDRESS)
    hotel = place_resolve(actor=police, name="Station Hotel", postcode="WB1 1AA", kind=PlaceKind.HOTEL)
    concern_record(
        user=police,
        child=child,
        category=ConcernCategory.CSE,
        occurred_at=timezone.now() - dt.timedelta(days=2),
        what_happened="Seen going into the address with an adult of concern",
        place=home,
    )
    return {"police": police, "school": school, "child": child, "home": home, "hotel": hotel}


def test_a_private_address_is_named_only_to_those_who_may_see_the_linked_child(world):
    assert place_label_for(world["police"], world["home"]) == f"{ADDRESS}, WB3 2XY"
    assert place_label_for(world["school"], world["home"]) == PRIVATE_LABEL
    assert place_label_for(world["school"], world["hotel"]) == "Station Hotel, WB1 1AA"
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    assert place_label_for(coordinator, world["home"]) == f"{ADDRESS}, WB3 2XY"


def test_the_place_pages_hide_a_private_address_from_someone_not_involved(world, sign_in):
    client = sign_in(world["school"])
    listing = client.get(reverse("places:list")).content.decode()
    assert PRIVATE_LABEL in listing
    assert "Elmwood" not in listing and "WB3 2XY" not in listing
    assert "Station Hotel" in listing
    # A search by the hidden name or postcode finds nothing.
    for query in ("Elmwood", "WB3 2XY"):
        found = client.get(reverse("places:list"), {"q": query}).content.decode()
        assert str(world["home"].pk) not in found and PRIVATE_LABEL not in found
    page = client.get(reverse("places:detail", args=[world["home"].pk])).content.decode()
    assert PRIVATE_LABEL in page
    assert "Elmwood" not in page and world["child"].family_name not in page
    assert not AuditEvent.objects.filter(kind=AuditKind.PLACE_VIEWED, actor=world["school"]).exists()


def test_the_place_page_shows_the_address_and_the_child_to_someone_involved_and_audits_the_read(world, sign_in):
    client = sign_in(world["police"])
    page = client.get(reverse("places:detail", args=[world["home"].pk])).content.decode()
    assert ADDRESS in page and "WB3 2XY" in page
    assert world["child"].family_name in page
    assert AuditEvent.objects.filter(
        kind=AuditKind.PLACE_VIEWED, actor=world["police"], child_id=world["child"].pk
    ).exists()


def test_an_administrator_sees_no_places(world, sign_in):
    admin = UserFactory.create(roles=[RoleCode.ADMINISTRATOR])
    client = sign_in(admin)
    assert client.get(reverse("places:list")).status_code == 404
    assert client.get(reverse("places:detail", args=[world["hotel"].pk])).status_code == 404
