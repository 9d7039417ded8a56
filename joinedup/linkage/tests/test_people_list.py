"""Linked people: the coordinator finds the people record linkage made (two or more agencies' records) from the
menu, searches them, and opens one, where a wrong link is undone; each record shown is audited."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.linkage.models import LinkHow, Person, PersonLink

from .factories import PersonRecordFactory, person_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    return UserFactory.create(roles=[RoleCode.COORDINATOR])


def _person(given: str, family: str, *ids: str) -> Person:
    person = Person.objects.create()
    for n, record_id in enumerate(ids):
        record = PersonRecordFactory.create(
            agency=AgencyFactory.create(code=f"A{record_id}"),
            record_id=record_id,
            data=person_data(given_name=given, family_name=family),
        )
        PersonLink.objects.create(person=person, person_record=record, how=LinkHow.AUTO if n else LinkHow.DECISION)
    return person


def test_the_coordinator_finds_linked_people_from_the_menu_and_opens_one(coordinator, sign_in, client):
    linked = _person("Kayleigh", "Brackenbury", "P100", "S200")
    alone = _person("Tegan", "Ashdown", "P300")
    sign_in(coordinator)
    home = client.get(reverse("missing:worklist")).content.decode()
    assert f'href="{reverse("linkage:people")}"' in home

    page = client.get(reverse("linkage:people")).content.decode()

    assert "AP100: Kayleigh Brackenbury (P100)" in page and "AS200: Kayleigh Brackenbury (S200)" in page
    assert reverse("linkage:person", args=[linked.pk]) in page
    # One record alone is not a linked person.
    assert reverse("linkage:person", args=[alone.pk]) not in page
    shown = AuditEvent.objects.filter(kind=AuditKind.PERSON_RECORD_LISTED)
    assert sorted(e.payload["record_id"] for e in shown) == ["P100", "S200"]
    person_page = client.get(reverse("linkage:person", args=[linked.pk])).content.decode()
    assert "Undo this link: not the same person" in person_page


def test_the_search_matches_every_word_against_names_and_record_ids(coordinator, sign_in, client):
    kayleigh = _person("Kayleigh", "Brackenbury", "P100", "S200")
    tegan = _person("Tegan", "Ashdown", "P300", "H400")
    sign_in(coordinator)

    def found(query: str) -> set[str]:
        page = client.get(reverse("linkage:people"), {"q": query}).content.decode()
        return {str(p.pk) for p in (kayleigh, tegan) if reverse("linkage:person", args=[p.pk]) in page}

    assert found("brack") == {str(kayleigh.pk)}
    assert found("tegan ashdown") == {str(tegan.pk)}
    assert found("H400") == {str(tegan.pk)}
    assert found("tegan brackenbury") == set()
    assert (
        'No linked person matches "nobody"' in client.get(reverse("linkage:people"), {"q": "nobody"}).content.decode()
    )


def test_the_page_reads_in_the_same_number_of_queries_with_one_person_or_many(coordinator, sign_in, client):
    sign_in(coordinator)
    _person("Kayleigh", "Brackenbury", "P100", "S200")
    client.get(reverse("linkage:people"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("linkage:people"))
    for n in range(5):
        _person(f"Child{n}", "Synthetic", f"Q{n}1", f"Q{n}2", f"Q{n}3")
    with CaptureQueriesContext(connection) as six:
        page = client.get(reverse("linkage:people")).content.decode()
    assert "6 linked people" in page
    assert len(six.captured_queries) == len(one.captured_queries)


def test_only_the_coordinator_sees_linked_people_and_a_refusal_audits_nothing(sign_in, client):
    _person("Kayleigh", "Brackenbury", "P100", "S200")
    for role in (RoleCode.PRACTITIONER, RoleCode.MANAGER, RoleCode.LEADER):
        sign_in(UserFactory.create(roles=[role]))
        assert client.get(reverse("linkage:people")).status_code == 403
    assert not AuditEvent.objects.filter(kind=AuditKind.PERSON_RECORD_LISTED).exists()
