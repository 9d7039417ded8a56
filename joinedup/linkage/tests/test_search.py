"""Find before you create: likely matches as a practitioner types, only what they may see, each audited."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import Child
from joinedup.children.services import child_create, child_details_update
from joinedup.children.tests.factories import ChildFactory
from joinedup.imports.models import PersonRecord
from joinedup.imports.services import agency_extract_import
from joinedup.linkage.api import search_keys_rebuild
from joinedup.linkage.models import SearchKey
from joinedup.linkage.search import AUDIT_REASON, candidates_for

from .factories import PersonRecordFactory, person_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def area():
    social_care, police = AgencyFactory.create(code="CSC"), AgencyFactory.create(code="POL")
    known = ChildFactory.create(
        given_name="Rebecca",
        family_name="Brackenbury",
        date_of_birth=dt.date(2011, 4, 5),
        postcode="WB1 2AB",
        owning_agency=social_care,
    )
    decoys = [
        ChildFactory.create(given_name="Rebecca", family_name="Bradshaw", owning_agency=social_care),
        ChildFactory.create(
            given_name="Rachel", family_name="Brackley", date_of_birth=dt.date(2011, 4, 5), owning_agency=social_care
        ),
        ChildFactory.create(given_name="Becky", family_name="Holloway", postcode="WB9 9ZZ", owning_agency=social_care),
    ]
    hidden = ChildFactory.create(
        given_name="Rebecca", family_name="Brackenbury", date_of_birth=dt.date(2011, 4, 5), owning_agency=police
    )
    practitioner = UserFactory.create(agency=social_care, roles=[RoleCode.PRACTITIONER])
    return {"known": known, "decoys": decoys, "hidden": hidden, "practitioner": practitioner, "police": police}


@pytest.mark.parametrize(
    ("given", "family", "dob"),
    [
        ("Becky", "Brackenbury", "2011-04-05"),  # a nickname
        ("Rebecca", "Brakenbury", "2011-04-05"),  # a misspelling
        ("Rebecca", "Brackenbury", "2011-05-04"),  # day and month swapped
        ("Becca", "Brackenbery", "2011-05-04"),  # all three
    ],
)
def test_the_right_child_ranks_first_despite_nicknames_misspellings_and_swapped_dates(area, given, family, dob):
    found = candidates_for(
        user=area["practitioner"], given_name=given, family_name=family, date_of_birth=dob, postcode="wb12ab"
    )
    assert found[0].child == area["known"]
    assert found[0].score > max((c.score for c in found[1:]), default=0)


def test_children_the_user_may_not_see_never_appear_nor_are_audited(area):
    found = candidates_for(
        user=area["practitioner"], given_name="Rebecca", family_name="Brackenbury", date_of_birth="2011-04-05"
    )
    assert area["hidden"] not in [c.child for c in found]
    assert not AuditEvent.objects.filter(child_id=area["hidden"].pk).exists()
    police = UserFactory.create(agency=area["police"], roles=[RoleCode.PRACTITIONER])
    assert [c.child for c in candidates_for(user=police, given_name="Rebecca", family_name="Brackenbury")] == [
        area["hidden"]
    ]


def test_each_candidate_shown_is_audited_as_find_before_you_create(area):
    found = candidates_for(user=area["practitioner"], given_name="Rebecca", family_name="Brackenbury")
    assert found
    audited = AuditEvent.objects.filter(kind=AuditKind.CHILD_LISTED, reason=AUDIT_REASON, actor=area["practitioner"])
    assert sorted(str(e.child_id) for e in audited) == sorted(str(c.child.pk) for c in found if c.child)


def test_the_coordinator_also_sees_imported_records_no_child_holds_with_their_agency(area):
    record = PersonRecordFactory.create(
        agency=area["police"], record_id="P77", data=person_data(given_name="Becky", family_name="Brackenbury")
    )
    coordinator = UserFactory.create(agency=area["known"].owning_agency, roles=[RoleCode.COORDINATOR])
    found = candidates_for(
        user=coordinator, given_name="Rebecca", family_name="Brackenbury", date_of_birth="2011-04-05"
    )
    shown = next(c for c in found if c.record == record)
    assert "P77" in shown.agency
    assert AuditEvent.objects.filter(
        kind=AuditKind.PERSON_RECORD_LISTED, object_id=str(record.pk), reason=AUDIT_REASON
    ).exists()
    practitioner_found = candidates_for(user=area["practitioner"], given_name="Rebecca", family_name="Brackenbury")
    assert all(c.record is None for c in practitioner_found)


def test_the_endpoint_returns_a_fragment_for_those_who_record_children(area, sign_in, client):
    url = reverse("linkage:candidates")
    assert client.get(url, {"family_name": "Brackenbury"}).status_code == 302
    sign_in(area["practitioner"])
    response = client.get(url, {"given_name": "Becky", "family_name": "Brackenbury", "date_of_birth": "2011-04-05"})
    assert response.status_code == 200
    assert b"Rebecca Brackenbury" in response.content
    assert b"<html" not in response.content
    leader = UserFactory.create(agency=area["police"], roles=[RoleCode.LEADER])
    client.logout()
    sign_in(leader)
    assert client.get(url, {"family_name": "Brackenbury"}).status_code == 403


def test_the_create_form_asks_for_candidates_as_the_practitioner_types(area, sign_in, client):
    sign_in(area["practitioner"])
    page = client.get(reverse("children:create")).content.decode()
    assert f'hx-get="{reverse("linkage:candidates")}"' in page
    assert 'id="candidates"' in page


# The keys are written where children and records are written: through the services, not the factories.


@pytest.fixture
def social_care_practitioner():
    agency = AgencyFactory.create(code="CSC")
    return UserFactory.create(agency=agency, roles=[RoleCode.PRACTITIONER])


def _children_found(user, **typed):
    return [c.child for c in candidates_for(user=user, **typed) if c.child is not None]


@pytest.mark.parametrize(
    "typed",
    [
        {"given_name": "Becky", "family_name": "Brackenbury", "date_of_birth": "2011-04-05"},  # a nickname
        {"given_name": "Rebecca", "family_name": "Brackenbury", "date_of_birth": "2011-05-04"},  # swapped
        {"given_name": "Rebecca", "family_name": "Brakenbury", "date_of_birth": "2011-04-05"},  # misspelt
        {"family_name": "Brakenbury"},  # only a family name, misspelt
        {"family_name": "Bra"},  # a family name still being typed
        {"given_name": "Becky", "date_of_birth": "2011-05-04"},  # given name and date, no family name
        {"date_of_birth": "2011-04-05"},  # only a date of birth
    ],
)
def test_a_child_recorded_through_the_service_is_found_by_nickname_swapped_date_or_misspelling(
    social_care_practitioner, typed
):
    child = child_create(
        user=social_care_practitioner,
        given_name="Rebecca",
        family_name="Brackenbury",
        date_of_birth=dt.date(2011, 4, 5),
        postcode="WB1 2AB",
    )
    assert _children_found(social_care_practitioner, **typed)[0] == child


@pytest.mark.parametrize(
    "typed",
    [
        {"given_name": "Kay", "family_name": "Marsh", "date_of_birth": "2009-04-07"},  # a nickname
        {"given_name": "Kayleigh", "family_name": "Marsh", "date_of_birth": "2009-07-04"},  # swapped
        {"given_name": "Kayleigh", "family_name": "Marsch", "date_of_birth": "2009-04-07"},  # misspelt
    ],
)
def test_a_child_imported_in_an_extract_is_found_by_nickname_swapped_date_or_misspelling(tmp_path, typed):
    police, social_care = AgencyFactory.create(code="POL"), AgencyFactory.create(code="CSC")
    coordinator = UserFactory.create(agency=social_care, roles=[RoleCode.COORDINATOR])
    folder = tmp_path / "police"
    folder.mkdir()
    (folder / "people.csv").write_text(
        "record_id,agency,person_type,given_name,family_name,date_of_birth,postcode\n"
        "P-1,POL,child,Kayleigh,Marsh,2009-04-07,NB4 2QT\n"
        "P-2,POL,child,Tyler,Okafor,2010-11-03,NB4 3AB\n",
        encoding="utf-8",
    )
    agency_extract_import(user=coordinator, path_or_files=folder, refresh=False)
    kayleigh = Child.objects.get(given_name="Kayleigh")
    police_practitioner = UserFactory.create(agency=police, roles=[RoleCode.PRACTITIONER])
    assert _children_found(police_practitioner, **typed)[0] == kayleigh
    assert _children_found(coordinator, **typed)[0] == kayleigh


def test_an_imported_child_record_no_child_holds_is_found_with_day_and_month_swapped(area):
    record = PersonRecordFactory.create(
        agency=area["police"],
        record_id="P90",
        data=person_data(given_name="Becky", family_name="Brackenbury", date_of_birth="2011-05-04"),
    )
    coordinator = UserFactory.create(agency=area["known"].owning_agency, roles=[RoleCode.COORDINATOR])
    found = candidates_for(user=coordinator, given_name="Rebecca", family_name="Brakenbury", date_of_birth="2011-04-05")
    assert record in [c.record for c in found]


def test_a_child_the_user_may_not_see_is_never_returned_however_well_it_matches(social_care_practitioner):
    police = AgencyFactory.create(code="POL")
    police_practitioner = UserFactory.create(agency=police, roles=[RoleCode.PRACTITIONER])
    hidden = child_create(
        user=police_practitioner, given_name="Rebecca", family_name="Brackenbury", date_of_birth=dt.date(2011, 4, 5)
    )
    for typed in (
        {"given_name": "Rebecca", "family_name": "Brackenbury", "date_of_birth": "2011-04-05"},
        {"family_name": "Brackenbury"},
        {"date_of_birth": "2011-04-05"},
    ):
        assert hidden not in _children_found(social_care_practitioner, **typed)
        assert _children_found(police_practitioner, **typed) == [hidden]
    assert not AuditEvent.objects.filter(child_id=hidden.pk, actor=social_care_practitioner).exists()


def test_an_updated_child_is_found_by_the_new_name_and_not_the_old(social_care_practitioner):
    child = child_create(
        user=social_care_practitioner,
        given_name="Rebecca",
        family_name="Brackenbury",
        date_of_birth=dt.date(2011, 4, 5),
    )
    child_details_update(user=social_care_practitioner, child=child, family_name="Okonkwo")
    assert _children_found(social_care_practitioner, given_name="Rebecca", family_name="Okonkwo") == [child]
    assert _children_found(social_care_practitioner, family_name="Brackenbury") == []
    assert AuditEvent.objects.filter(kind=AuditKind.CHILD_UPDATED, child_id=child.pk).exists()


def test_the_bulk_rebuild_gives_rows_loaded_in_bulk_the_keys_the_services_write(social_care_practitioner):
    child = child_create(
        user=social_care_practitioner,
        given_name="Rebecca",
        family_name="Brackenbury",
        date_of_birth=dt.date(2011, 4, 5),
    )
    written = set(SearchKey.objects.filter(child=child).values_list("key", flat=True))
    SearchKey.objects.all().delete()
    loaded = PersonRecord.objects.bulk_create(
        [PersonRecord(agency=social_care_practitioner.agency, record_id="B1", person_type="child", data=person_data())]
    )
    assert _children_found(social_care_practitioner, family_name="Brackenbury") == []
    assert search_keys_rebuild() == SearchKey.objects.count()
    assert set(SearchKey.objects.filter(child=child).values_list("key", flat=True)) == written
    assert SearchKey.objects.filter(person_record=loaded[0]).exists()
    assert _children_found(social_care_practitioner, family_name="Brackenbury") == [child]


def test_the_rebuild_command_says_how_many_keys_it_wrote(area):
    out = io.StringIO()
    call_command("rebuild_search_keys", stdout=out)
    assert out.getvalue() == f"Wrote {SearchKey.objects.count()} search keys.\n"
    assert SearchKey.objects.filter(child=area["known"]).exists()
