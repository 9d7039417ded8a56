"""New records are linked against the people already there, with the last full run's model, and the
real-time matcher scores pairs exactly as the Splink model does."""

import duckdb
import pytest
from django.urls import reverse
from splink import DuckDBAPI

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.imports.models import PersonRecord
from joinedup.linkage import services
from joinedup.linkage.api import link_records, person_ids
from joinedup.linkage.internals import model
from joinedup.linkage.internals.features import record_features
from joinedup.linkage.internals.realtime import RealTimeMatcher
from joinedup.linkage.models import LinkRun, PersonLink, ReviewItem, ReviewStatus
from joinedup.linkage.synthetic import generate_area

from .factories import PersonRecordFactory, person_data

pytestmark = pytest.mark.django_db


def _area(n_people: int, seed: int) -> None:
    records, _ = generate_area(n_people, seed)
    agencies = {code: AgencyFactory.create(code=code) for code in sorted({r["agency"] for r in records})}
    PersonRecord.objects.bulk_create(
        PersonRecord(agency=agencies[r["agency"]], record_id=r["record_id"], person_type=r["person_type"], data=r)
        for r in records
    )


def test_the_real_time_matcher_scores_every_blocked_pair_as_splink_does():
    records, _ = generate_area(300, seed=3)
    rows = [record_features(i, r["agency"], r) for i, r in enumerate(records)]
    connection = duckdb.connect()
    model._load(connection, rows)
    linker = model.train(DuckDBAPI(connection), "records", n_records=len(rows))
    predictions = linker.inference.predict()
    sql = f"SELECT unique_id_l, unique_id_r, match_probability FROM {predictions.physical_name}"  # noqa: S608
    by_splink = {(min(a, b), max(a, b)): p for a, b, p in connection.execute(sql).fetchall()}
    assert len(by_splink) > 500

    matcher = RealTimeMatcher([], model.parameters_of(linker))
    by_matcher = {}
    for row in rows:
        for pair in matcher.pairs(row, threshold=0.0):
            by_matcher[(pair["unique_id_l"], pair["unique_id_r"])] = pair["match_probability"]
        matcher.add(row)
    assert set(by_matcher) == set(by_splink), "the same blocked candidates"
    worst = max(abs(by_matcher[k] - by_splink[k]) for k in by_splink)
    assert worst < 1e-9


def test_new_records_join_the_people_already_linked_without_a_full_run():
    _area(150, seed=4)
    full = link_records()
    before = dict(PersonLink.objects.values_list("person_record_id", "person_id"))
    police, health = AgencyFactory.create(code="PX"), AgencyFactory.create(code="HX")
    first = PersonRecordFactory.create(agency=police, record_id="N1")
    # Kay for Kayleigh, day and month swapped: the same child as N1, recorded by another agency.
    second = PersonRecordFactory.create(
        agency=health, record_id="N2", data=person_data(given_name="Kay", date_of_birth="2011-05-04")
    )
    other = PersonRecordFactory.create(
        agency=health,
        record_id="N3",
        data=person_data(
            given_name="Oswin",
            family_name="Tarrant",
            postcode="WB9 9ZZ",
            date_of_birth="1980-02-03",
            phones="",
            sex="M",
        ),
    )

    run = services.linkage_run(user=None, new_records_only=True)

    assert run.model["incremental"] == {"of_run": full.pk, "new_records": 3}
    assert run.model["comparisons"] == full.model["comparisons"], "the last full run's model, not retrained"
    ids = person_ids()
    assert ids[("PX", "N1")] == ids[("HX", "N2")] != ids[("HX", "N3")]
    assert PersonLink.objects.get(person_record=second).explanation["comparisons"]["date_of_birth"]["level"] == (
        "Day and month swapped"
    )
    assert PersonLink.objects.get(person_record=other).how == "single"
    after = dict(PersonLink.objects.values_list("person_record_id", "person_id"))
    assert {r: after[r] for r in before} == before, "the people already linked are kept as they were"
    assert first.pk in after


def test_an_incremental_run_respects_separations_and_hard_identifiers():
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    _area(150, seed=6)
    police, health = AgencyFactory.create(code="PX"), AgencyFactory.create(code="HX")
    a = PersonRecordFactory.create(agency=police, record_id="N1", data=person_data(nhs_number="9434765919"))
    b = PersonRecordFactory.create(agency=health, record_id="N2", data=person_data(nhs_number="9434765919"))
    link_records()
    assert person_ids()[("PX", "N1")] == person_ids()[("HX", "N2")]
    services.person_link_undo(user=coordinator, link=b.person_link, reason="Twins: different people")
    # A third record like both, and one holding a different NHS number.
    PersonRecordFactory.create(agency=AgencyFactory.create(code="EX"), record_id="N3", data=person_data())
    PersonRecordFactory.create(
        agency=AgencyFactory.create(code="YX"), record_id="N4", data=person_data(nhs_number="9434765870")
    )

    run = services.linkage_run(user=None, new_records_only=True)

    assert "incremental" in run.model
    ids = person_ids()
    assert ids[("PX", "N1")] != ids[("HX", "N2")], "a separated pair stays separated"
    assert ids[("YX", "N4")] not in {ids[("PX", "N1")], ids[("HX", "N2")]}
    assert (
        ReviewItem.objects.filter(record_b__record_id="N4", identifier_conflict=True, status=ReviewStatus.OPEN).exists()
        or ReviewItem.objects.filter(record_a__record_id="N4", identifier_conflict=True).exists()
    )
    assert a.pk in dict(PersonLink.objects.values_list("person_record_id", "person_id"))


def test_a_full_run_is_made_when_there_is_no_model_or_many_records_are_new():
    _area(60, seed=8)
    first = services.linkage_run(user=None, new_records_only=True)
    assert "incremental" not in first.model, "no trained model yet: a full run"
    _area_more = generate_area(60, seed=9)[0]
    agency = AgencyFactory.create(code="ZZ")
    PersonRecord.objects.bulk_create(
        PersonRecord(agency=agency, record_id=r["record_id"], person_type=r["person_type"], data=r) for r in _area_more
    )
    second = services.linkage_run(user=None, new_records_only=True)
    assert "incremental" not in second.model, "more than a fifth new: a full run retrains"
    assert LinkRun.objects.count() == 2


def test_the_review_page_says_when_linkage_last_ran_and_whether_only_new_records(sign_in, client):
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    _area(60, seed=10)
    link_records()
    sign_in(coordinator)
    assert "(a full run, the model retrained)" in client.get(reverse("linkage:review-list")).content.decode()
    PersonRecordFactory.create(agency=AgencyFactory.create(code="PX"), record_id="N1")
    services.linkage_run(user=None, new_records_only=True)
    page = client.get(reverse("linkage:review-list")).content.decode()
    assert "new records only: 1, with the model of the last full run" in page
