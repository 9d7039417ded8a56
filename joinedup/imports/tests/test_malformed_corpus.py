"""A sample of the malformed-import corpus (``corpus.py``), in CI: every mutation at least once through the agency
extract page and once through the SSDA903 page. The whole corpus, with a file of a million rows and other users
asking for pages meanwhile, is ``make corpus`` (``reliability/malformed_imports.py``)."""

import datetime as dt

import pytest

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import Agency, AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.children.models import Child
from joinedup.children.tests.factories import ChildFactory
from joinedup.imports.models import EventRecord, PersonRecord
from joinedup.imports.services import agency_extract_import, ssda903_missing_import
from joinedup.imports.tests import corpus
from joinedup.missing.models import MissingEpisode

pytestmark = pytest.mark.django_db


def test_every_mutation_keeps_every_valid_row_and_no_invalid_one_with_every_rejection_located():
    world = corpus.world_make()
    client = corpus.signed_in_client(world)
    cases = corpus.corpus(world, per_mutation=2)
    assert {case.mutation for case in cases} == set(corpus.MUTATIONS)
    assert {(case.mutation, case.route) for case in cases} == {
        (mutation, route) for mutation in corpus.MUTATIONS for route in ("extract", "ssda903")
    }

    results = [corpus.case_run(client, world, case) for case in cases]

    problems = {f"{r.case.number} {r.case.route} {r.case.mutation}": r.problems for r in results if r.problems}
    assert problems == {}
    totals = corpus.figures(results)
    # The corpus is not empty of what it checks: rows on both sides, refusals, rejections.
    assert totals["valid rows"] > 400 and totals["invalid rows"] > 100
    assert totals["valid rows live"] == totals["valid rows"]
    assert totals["invalid rows live"] == 0
    assert totals["refused whole"] >= 20
    assert totals["rejections located"] == totals["rejections"] > 25


# --- What the corpus found, each shown on its own -------------------------------------------------------------

PEOPLE = "record_id,agency,person_type,given_name,family_name,date_of_birth\r\n"
EVENTS = "event_id,agency,event_type,occurred_at,ended_at,subject_record_id\r\n"
SSDA903 = "CHILD,DOB,MISSING,MIS_START,MIS_END\r\n"


@pytest.fixture
def coordinator():
    police = AgencyFactory.create(code="POL", kind=AgencyKind.POLICE)
    csc = AgencyFactory.create(code="CSC")
    ChildFactory.create(owning_agency=csc, la_child_id="LA0001", date_of_birth=dt.date(2010, 2, 1), looked_after=True)
    return UserFactory.create(agency=police, roles=[RoleCode.COORDINATOR])


def _extract(user, people: str, events: str = ""):
    files = {"people.csv": (PEOPLE + people).encode()}
    if events:
        files["events.csv"] = (EVENTS + events).encode()
    return agency_extract_import(user=user, path_or_files=files, refresh=False)


def _kept(batch) -> list[tuple[str, int, str]]:
    return list(batch.rejected_rows.order_by("row_number").values_list("file_name", "row_number", "column"))


def test_a_file_cut_in_the_middle_of_its_last_row_keeps_that_row_aside_not_half_of_it(coordinator):
    batch = _extract(coordinator, "P-1,POL,child,Kayleigh,Marsh,2010-04-17\r\nP-2,POL,child,Tyler,Ok")
    assert _kept(batch) == [("people.csv", 3, "date_of_birth")]
    assert "cut short" in batch.rejected_rows.get().reason
    assert list(PersonRecord.objects.values_list("record_id", flat=True)) == ["P-1"]
    assert not Child.objects.filter(family_name="Ok").exists()


def test_an_ssda903_row_short_of_its_return_date_is_not_taken_as_an_open_episode(coordinator):
    coordinator.agency = Agency.objects.get(code="CSC")
    coordinator.save()
    content = (SSDA903 + "LA0001,01/02/2010,M,01/03/2025,02/03/2025\r\nLA0001,01/02/2010,M,10/03/2025").encode()
    batch = ssda903_missing_import(user=coordinator, name="m.csv", content=content)
    assert _kept(batch) == [("m.csv", 3, "MIS_END")]
    assert list(MissingEpisode.objects.values_list("returned_at", flat=True)) == [
        dt.datetime(2025, 3, 2, tzinfo=dt.UTC)
    ]


def test_a_moment_past_either_end_of_the_calendar_is_kept_aside_not_a_failed_import(coordinator):
    people = "P-1,POL,child,Kayleigh,Marsh,2010-04-17\r\n"
    events = (
        "E-1,POL,missing_episode,0001-01-01T00:00:00+01:00,,P-1\r\n"
        "E-2,POL,missing_episode,2025-03-01T10:00:00,9999-12-31T23:59:59-05:00,P-1\r\n"
        "E-3,POL,concern,2025-03-05,,P-1\r\n"
    )
    batch = _extract(coordinator, people, events)
    assert _kept(batch) == [("events.csv", 2, "occurred_at"), ("events.csv", 3, "ended_at")]
    assert "out of the range of dates" in batch.rejected_rows.first().reason
    assert list(EventRecord.objects.values_list("event_id", flat=True)) == ["E-3"]


def test_an_id_longer_than_the_platform_holds_is_kept_aside(coordinator):
    long_id = "P-" + "9" * 100
    batch = _extract(coordinator, f"{long_id},POL,other,Dean,Coulter,1991\r\nP-2,POL,other,Ann,Lee,1990\r\n")
    assert _kept(batch) == [("people.csv", 2, "record_id")]
    assert list(PersonRecord.objects.values_list("record_id", flat=True)) == ["P-2"]


def test_a_rejection_in_a_column_with_a_very_long_name_is_still_kept(coordinator):
    name = "note_" + "x" * 200
    content = f"record_id,agency,person_type,{name}\r\nP-1,POL,other,=1+1\r\n".encode()
    batch = agency_extract_import(user=coordinator, path_or_files={"people.csv": content}, refresh=False)
    assert _kept(batch) == [("people.csv", 2, name[:100])]


def test_an_episode_in_the_future_or_before_the_child_was_born_is_kept_aside(coordinator):
    people = "P-1,POL,child,Kayleigh,Marsh,2010-04-17\r\n"
    events = (
        "E-1,POL,missing_episode,2099-01-01T10:00:00,,P-1\r\n"
        "E-2,POL,missing_episode,2009-01-01T10:00:00,2009-01-02T10:00:00,P-1\r\n"
        "E-3,POL,missing_episode,2025-03-01T10:00:00,2099-01-02T10:00:00,P-1\r\n"
        "E-4,POL,missing_episode,2025-04-01T10:00:00,2025-04-02T10:00:00,P-1\r\n"
    )
    batch = _extract(coordinator, people, events)
    assert _kept(batch) == [
        ("events.csv", 2, "occurred_at"),
        ("events.csv", 3, "occurred_at"),
        ("events.csv", 4, "ended_at"),
    ]
    assert list(MissingEpisode.objects.values_list("source_key", flat=True)) == ["POL:E-4"]
    coordinator.agency = Agency.objects.get(code="CSC")
    coordinator.save()
    content = (SSDA903 + "LA0001,01/02/2010,M,01/01/2099,\r\nLA0001,01/02/2010,M,01/01/2009,02/01/2009\r\n").encode()
    batch = ssda903_missing_import(user=coordinator, name="m.csv", content=content)
    assert _kept(batch) == [("m.csv", 2, "MIS_START"), ("m.csv", 3, "MIS_START")]


def test_the_same_ssda903_episode_twice_in_one_file_keeps_the_second_aside_not_over_the_first(coordinator):
    coordinator.agency = Agency.objects.get(code="CSC")
    coordinator.save()
    rows = "LA0001,01/02/2010,M,01/03/2025,02/03/2025\r\nLA0001,01/02/2010,M,01/03/2025,09/03/2025\r\n"
    batch = ssda903_missing_import(user=coordinator, name="m.csv", content=(SSDA903 + rows).encode())
    assert _kept(batch) == [("m.csv", 3, "MIS_START")]
    assert "appears twice (first on row 2)" in batch.rejected_rows.get().reason
    assert MissingEpisode.objects.get().returned_at == dt.datetime(2025, 3, 2, tzinfo=dt.UTC)
    # The same file again: the episode is known, and the second row is kept aside again.
    again = ssda903_missing_import(user=coordinator, name="m.csv", content=(SSDA903 + rows).encode())
    assert (again.unchanged, again.rejected) == (1, 1)


def test_an_agency_code_longer_than_a_code_can_be_is_kept_aside_not_registered(coordinator):
    content = b"record_id,agency,person_type\r\nP-1,ABCDEFGHIJKLM,other\r\nP-2,POL,other\r\n"
    batch = agency_extract_import(
        user=coordinator, path_or_files={"people.csv": content}, register_agencies=True, refresh=False
    )
    assert _kept(batch) == [("people.csv", 2, "agency")]
    assert not Agency.objects.filter(code="ABCDEFGHIJKLM").exists()
