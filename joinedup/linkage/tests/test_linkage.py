import csv
from pathlib import Path

import pytest
from django.core.management import call_command

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import Agency
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.imports.models import PersonRecord
from joinedup.linkage import services
from joinedup.linkage.api import link_records, person_ids
from joinedup.linkage.models import DecisionKind, LinkHow, PersonLink, ReviewItem, ReviewStatus
from joinedup.linkage.synthetic import generate_area, pairwise_quality

from .factories import PersonRecordFactory, person_data

pytestmark = pytest.mark.django_db


def _area_import(n_people: int, seed: int) -> dict[tuple[str, str], str]:
    records, truth = generate_area(n_people, seed)
    agencies = {code: AgencyFactory.create(code=code) for code in sorted({r["agency"] for r in records})}
    PersonRecord.objects.bulk_create(
        PersonRecord(agency=agencies[r["agency"]], record_id=r["record_id"], person_type=r["person_type"], data=r)
        for r in records
    )
    return truth


def test_linkage_on_a_generated_area_finds_the_same_people_with_high_precision_and_recall():
    truth = _area_import(200, seed=11)
    assert len(truth) >= 380
    run = link_records()
    precision, recall = pairwise_quality(person_ids(), truth)
    assert run.records == len(truth)
    assert precision >= 0.98, (precision, recall)
    assert recall >= 0.97, (precision, recall)


def test_person_ids_gives_every_record_an_id_and_one_id_per_linked_person():
    agency, other = AgencyFactory.create(code="POL"), AgencyFactory.create(code="HEA")
    a = PersonRecordFactory.create(agency=agency, record_id="P1")
    b = PersonRecordFactory.create(agency=other, record_id="H1", data=person_data(given_name="Kayla"))
    c = PersonRecordFactory.create(
        agency=other, record_id="H2", data=person_data(given_name="Oswin", family_name="Tarrant", date_of_birth="1980")
    )
    before = person_ids()
    assert set(before) == {("POL", "P1"), ("HEA", "H1"), ("HEA", "H2")}
    assert len(set(before.values())) == 3, "before any run each record is its own person"
    link_records()
    ids = person_ids()
    assert ids[("POL", "P1")] == ids[("HEA", "H1")] != ids[("HEA", "H2")]
    assert PersonLink.objects.get(person_record=a).how == LinkHow.AUTO
    assert PersonLink.objects.get(person_record=c).how == LinkHow.SINGLE
    link = PersonLink.objects.get(person_record=b)
    assert link.explanation["comparisons"]["given_name"]["level"] == "Nickname of the same name"
    assert link.explanation["comparisons"]["given_name"]["weight"] > 0


def test_a_hard_identifier_conflict_is_never_linked_automatically():
    police, health = AgencyFactory.create(code="POL"), AgencyFactory.create(code="HEA")
    PersonRecordFactory.create(agency=police, record_id="P1", data=person_data(nhs_number="9434765919"))
    PersonRecordFactory.create(agency=health, record_id="H1", data=person_data(nhs_number="9434765870"))
    link_records()
    ids = person_ids()
    assert ids[("POL", "P1")] != ids[("HEA", "H1")]
    item = ReviewItem.objects.get()
    assert item.identifier_conflict
    assert item.status == ReviewStatus.OPEN


def test_names_written_the_other_way_round_with_one_misspelt_are_linked():
    police, health = AgencyFactory.create(code="POL"), AgencyFactory.create(code="HEA")
    PersonRecordFactory.create(agency=police, record_id="P1", data=person_data(postcode="", phones=""))
    PersonRecordFactory.create(
        agency=health,
        record_id="H1",
        data=person_data(given_name="Brackenbury", family_name="Kayliegh", postcode="WB7 1FF", phones=""),
    )
    link_records()
    assert person_ids()[("POL", "P1")] == person_ids()[("HEA", "H1")]
    link = PersonLink.objects.get(person_record__record_id="H1")
    assert link.explanation["comparisons"]["given_name"]["level"].startswith("Swapped with family name, one of")


def test_a_pair_a_person_separated_stays_separated_after_a_new_run():
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    police, health = AgencyFactory.create(code="POL"), AgencyFactory.create(code="HEA")
    a = PersonRecordFactory.create(agency=police, record_id="P1")
    PersonRecordFactory.create(agency=health, record_id="H1")
    link_records()
    assert person_ids()[("POL", "P1")] == person_ids()[("HEA", "H1")]
    services.person_link_undo(user=coordinator, link=a.person_link, reason="Twins: different NHS records")
    assert person_ids()[("POL", "P1")] != person_ids()[("HEA", "H1")]
    link_records()
    assert person_ids()[("POL", "P1")] != person_ids()[("HEA", "H1")]
    assert not ReviewItem.objects.filter(status=ReviewStatus.OPEN).exists(), "a decided pair is not asked again"


def test_a_confirmed_match_is_kept_by_a_later_run():
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    police, health = AgencyFactory.create(code="POL"), AgencyFactory.create(code="HEA")
    a = PersonRecordFactory.create(agency=police, record_id="P1")
    b = PersonRecordFactory.create(
        agency=health,
        record_id="H1",
        data=person_data(given_name="Snowy", family_name="Unknown", postcode="", date_of_birth="2010", phones=""),
    )
    link_records()
    assert person_ids()[("POL", "P1")] != person_ids()[("HEA", "H1")]
    services.link_decide(
        user=coordinator, record_a=a, record_b=b, decision=DecisionKind.MATCH, reason="Known by her street name"
    )
    first = person_ids()
    assert first[("POL", "P1")] == first[("HEA", "H1")]
    link_records()
    assert person_ids()[("POL", "P1")] == person_ids()[("HEA", "H1")] == first[("POL", "P1")]
    assert PersonLink.objects.get(person_record=b).how == LinkHow.DECISION


def test_link_records_and_export_links_commands(tmp_path: Path):
    police, health = AgencyFactory.create(code="POL"), AgencyFactory.create(code="HEA")
    PersonRecordFactory.create(agency=police, record_id="P1")
    PersonRecordFactory.create(agency=health, record_id="H1")
    PersonRecordFactory.create(
        agency=health,
        record_id="H2",
        data=person_data(
            given_name="Idris", family_name="Quell", date_of_birth="1979-02-01", postcode="WB9 9ZZ", phones=""
        ),
    )
    out = tmp_path / "links.csv"
    from io import StringIO

    printed = StringIO()
    call_command("link_records", stdout=printed)
    assert "Step 5 of 5" in printed.getvalue()
    assert "Linked 3 records into 2 people" in printed.getvalue()
    call_command("export_links", str(out), stdout=StringIO())
    with out.open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["agency", "record_id", "person_id"]
    body = {(r[0], r[1]): r[2] for r in rows[1:]}
    assert set(body) == {("POL", "P1"), ("HEA", "H1"), ("HEA", "H2")}
    assert body[("POL", "P1")] == body[("HEA", "H1")] != body[("HEA", "H2")]
    assert Agency.objects.count() == 2
