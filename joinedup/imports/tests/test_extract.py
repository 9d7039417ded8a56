"""The shared agency extract: the example imports clean, repeats change nothing, bad rows are kept aside."""

import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory, TeamFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import Child
from joinedup.children.tests.factories import ChildFactory
from joinedup.imports.models import EventRecord, PersonRecord, RejectedRow
from joinedup.imports.parsers import ImportFileError
from joinedup.imports.services import agency_extract_import, rejected_row_reimport
from joinedup.linkage.api import link_records
from joinedup.missing.models import Alert, InterviewResponse, MissingEpisode, ReturnInterview

pytestmark = pytest.mark.django_db
EXAMPLE = Path("/work/shared/spec/agency-extract-example")
if not EXAMPLE.exists():  # the copy kept with the tests
    EXAMPLE = Path(__file__).parent / "agency-extract-example"

PEOPLE_HEADER = "record_id,agency,person_type,given_name,family_name,date_of_birth,nhs_number,la_child_id\n"
EVENTS_HEADER = "event_id,agency,event_type,occurred_at,ended_at,subject_record_id,other_record_ids,summary\n"


@pytest.fixture
def agencies():
    return {
        "POL": AgencyFactory.create(code="POL", kind=AgencyKind.POLICE),
        "CSC": AgencyFactory.create(code="CSC"),
    }


@pytest.fixture
def coordinator(agencies):
    return UserFactory.create(agency=agencies["CSC"], roles=[RoleCode.COORDINATOR])


def write_extract(folder: Path, people: str, events: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "people.csv").write_text(PEOPLE_HEADER + people, encoding="utf-8")
    if events:
        (folder / "events.csv").write_text(EVENTS_HEADER + events, encoding="utf-8")
    return folder


def test_the_example_extract_imports_with_no_rejected_rows(coordinator):
    batch = agency_extract_import(user=coordinator, path_or_files=EXAMPLE, refresh=False)
    assert batch.rejected == 0, list(batch.rejected_rows.values_list("file_name", "row_number", "reason"))
    assert batch.rows == 9
    assert batch.unhandled == {"sighting": 1}
    # Social care's return interview is about an episode only the police extract holds: it waits.
    assert batch.waiting == 1
    assert EventRecord.objects.get(event_id="R-301").waiting.startswith("The child has no missing episode")
    assert PersonRecord.objects.count() == 5
    assert EventRecord.objects.count() == 4
    # Same name and date of birth, but no hard identifier in common: two children until linkage joins them.
    assert Child.objects.filter(given_name="Kayleigh").count() == 2
    assert Child.objects.filter(given_name="Tyler").count() == 2

    link_records()

    kayleigh = Child.objects.get(given_name="Kayleigh", joined_into__isnull=True)
    assert set(kayleigh.person_records.values_list("record_id", flat=True)) == {"P-1001", "C-77"}
    assert kayleigh.la_child_id == "LA0077" and kayleigh.upn == "H801200001234"
    assert set(kayleigh.involvements.filter(ended_at__isnull=True).values_list("agency__code", flat=True)) == {
        "POL",
        "CSC",
    }
    episode = MissingEpisode.objects.get(child=kayleigh)
    assert episode.source_key == "POL:E-5001"
    assert episode.started_at == dt.datetime(2026, 10, 1, 17, 30, tzinfo=dt.UTC)
    assert episode.returned_at == dt.datetime(2026, 10, 2, 6, 10, tzinfo=dt.UTC)
    assert episode.found_place == "Station Hotel, 2 Station Approach, NB1 1AA"
    assert episode.found_with == "Dean Coulter (P-1002)"
    # The waiting interview met the police's episode once the records were joined.
    assert EventRecord.objects.get(event_id="R-301").waiting == ""
    interview = episode.interview
    assert interview.response == InterviewResponse.ACCEPTED
    assert interview.childs_words.startswith("Said she was with friends")
    assert interview.completed_at == dt.datetime(2026, 10, 3, 14, 0, tzinfo=dt.UTC)
    assert not RejectedRow.objects.exists()
    assert not Child.objects.filter(given_name="Dean").exists()
    assert PersonRecord.objects.get(record_id="P-1002").data["pnc_id"] == "19/0012345Z"


def test_the_example_as_a_zip_imports_the_same(coordinator, tmp_path):
    archive = tmp_path / "extract.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in EXAMPLE.rglob("*.csv"):
            zipped.write(path, path.relative_to(EXAMPLE))
    batch = agency_extract_import(user=coordinator, path_or_files=archive)
    assert (batch.rows, batch.rejected) == (9, 0)


def test_the_same_extract_twice_changes_nothing(coordinator):
    agency_extract_import(user=coordinator, path_or_files=EXAMPLE)
    again = agency_extract_import(user=coordinator, path_or_files=EXAMPLE)
    # The interview that waits for linkage keeps waiting; nothing else changes.
    assert again.counts() == {
        "rows": 9,
        "created": 0,
        "updated": 0,
        "unchanged": 8,
        "unhandled": 0,
        "waiting": 1,
        "rejected": 0,
    }
    assert (Child.objects.count(), MissingEpisode.objects.count(), PersonRecord.objects.count()) == (4, 1, 5)


def test_agencies_imported_one_at_a_time_link_the_same(coordinator):
    first = agency_extract_import(user=coordinator, path_or_files=EXAMPLE / "police")
    second = agency_extract_import(user=coordinator, path_or_files=EXAMPLE / "social-care")
    assert first.rejected == second.rejected == 0
    link_records()
    assert MissingEpisode.objects.get().interview.completed_at is not None


def test_a_record_sent_again_with_changes_keeps_what_it_said_before(coordinator, tmp_path):
    agency_extract_import(
        user=coordinator, path_or_files=write_extract(tmp_path / "a", "C-1,CSC,child,Amy,Lee,2012-01-02,,\n")
    )
    batch = agency_extract_import(
        user=coordinator, path_or_files=write_extract(tmp_path / "b", "C-1,CSC,child,Amy,Leigh,2012-01-02,,\n")
    )
    assert batch.updated == 1
    record = PersonRecord.objects.get()
    assert record.data["family_name"] == "Leigh"
    assert record.history[0]["data"]["family_name"] == "Lee"
    assert Child.objects.count() == 1


def test_children_link_by_nhs_number_then_la_child_id(coordinator, agencies, tmp_path):
    by_nhs = ChildFactory.create(owning_agency=agencies["CSC"], nhs_number="9434765919")
    by_la = ChildFactory.create(owning_agency=agencies["CSC"], la_child_id="LA1")
    agency_extract_import(
        user=coordinator,
        path_or_files=write_extract(
            tmp_path, "H-1,CSC,child,Someone,Else,,943 476 5919,\nH-2,CSC,child,Other,Name,,,LA1\n"
        ),
    )
    assert PersonRecord.objects.get(record_id="H-1").child == by_nhs
    assert PersonRecord.objects.get(record_id="H-2").child == by_la
    # The name health knows the child by is a known-as name on the one record.
    by_nhs.refresh_from_db()
    assert "Someone Else" in by_nhs.other_names


def test_two_agencies_records_of_one_child_in_one_chunk_make_one_child_with_both_involvements(coordinator, tmp_path):
    from joinedup.children.models import Involvement
    from joinedup.linkage.api import search_keys_rebuild
    from joinedup.linkage.models import SearchKey

    agency_extract_import(
        user=coordinator,
        path_or_files=write_extract(
            tmp_path,
            "S-1,CSC,child,Robin,Hartley,2011,943 476 5919,\n"
            "P-1,POL,child,Rob,Hartley,2011-04-05,9434765919,LA9\n"
            "S-2,CSC,child,Kay,Other,2012-06,,\n",
        ),
    )
    child = Child.objects.get(given_name="Robin")
    assert (Child.objects.count(), child.date_of_birth_precision, child.nhs_number) == (2, "year", "9434765919")
    # The police record, second in the same chunk, attached to the child the first one made.
    assert child.la_child_id == "LA9" and "Rob Hartley" in child.other_names
    assert set(PersonRecord.objects.filter(child=child).values_list("record_id", flat=True)) == {"S-1", "P-1"}
    assert set(Involvement.objects.filter(child=child).values_list("agency__code", flat=True)) == {"CSC", "POL"}
    kinds = list(AuditEvent.objects.filter(child_id=child.pk).order_by("pk").values_list("kind", "actor_id"))
    assert kinds == [(AuditKind.CHILD_CREATED, coordinator.pk), (AuditKind.CHILD_UPDATED, coordinator.pk)]
    # The keys written from the import's plain rows are those the children's records give.
    written = set(SearchKey.objects.values_list("key", "child_id"))
    assert written and all(child_id is not None for _, child_id in written)
    search_keys_rebuild()
    assert set(SearchKey.objects.values_list("key", "child_id")) == written


BAD_PEOPLE = [
    ("X-1,ZZZ,child,A,B,,,\n", "agency", "No agency has the code ZZZ"),
    ("X-2,CSC,pet,A,B,,,\n", "person_type", "person_type must be"),
    ("X-3,CSC,child,A,B,2025-02-30,,\n", "date_of_birth", "not a real date"),
    ("X-4,CSC,child,A,B,,1234567890,\n", "nhs_number", "not a valid NHS number"),
    ("X-5,CSC,child,=CMD|' /C calc'!A0,B,,,\n", "given_name", "spreadsheet formula"),
    (",CSC,child,A,B,,,\n", "record_id", "blank"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_PEOPLE)
def test_a_bad_person_row_is_kept_aside(coordinator, tmp_path, row, column, reason):
    batch = agency_extract_import(
        user=coordinator, path_or_files=write_extract(tmp_path, "OK-1,CSC,other,Fine,Row,,,\n" + row)
    )
    assert (batch.rows, batch.created, batch.rejected) == (2, 1, 1)
    rejected = RejectedRow.objects.get()
    assert (rejected.row_number, rejected.column) == (3, column)
    assert rejected.file_name.endswith("people.csv")
    assert reason in rejected.reason


BAD_EVENTS = [
    ("E-1,CSC,missing_episode,2026-10-01T18:00,2026-09-30T10:00,C-1,,\n", "ended_at", "before occurred_at"),
    ("E-2,CSC,missing_episode,2026-02-30T18:00,,C-1,,\n", "occurred_at", "not a real date"),
    ("E-3,CSC,missing_episode,2026-10-01,,C-404,,\n", "subject_record_id", "C-404"),
    ("E-4,CSC,sighting,2026-10-01,,C-1,C-1;Z-9,\n", "other_record_ids", "Z-9"),
    ("E-5,CSC,party,2026-10-01,,C-1,,\n", "event_type", "not one of"),
    ("E-6,CSC,return_interview,2026-10-01,,C-1,,\n", "summary", "blank"),
    ("E-8,CSC,concern,2026-10-01,,C-1,,+cmd|' /C calc'!A0\n", "summary", "formula"),
    ("E-9,XXX,concern,2026-10-01,,C-1,,\n", "agency", "No agency"),
]


@pytest.mark.parametrize(("row", "column", "reason"), BAD_EVENTS)
def test_a_bad_event_row_is_kept_aside(coordinator, tmp_path, row, column, reason):
    folder = write_extract(
        tmp_path, "C-1,CSC,child,Amy,Lee,2012-01-02,,\n", "E-0,CSC,concern,2026-09-01,,C-1,,\n" + row
    )
    batch = agency_extract_import(user=coordinator, path_or_files=folder)
    assert batch.rows == 3 and batch.rejected == 1
    rejected = RejectedRow.objects.get()
    assert (rejected.file_name.endswith("events.csv"), rejected.row_number, rejected.column) == (True, 3, column)
    assert reason in rejected.reason


def test_an_event_about_an_episode_no_record_of_the_child_holds_yet_waits_instead_of_being_kept_aside(
    coordinator, tmp_path
):
    folder = write_extract(tmp_path, "C-1,CSC,child,Amy,Lee,2012-01-02,,\n", "E-7,CSC,found,2026-10-01,,C-1,,\n")
    batch = agency_extract_import(user=coordinator, path_or_files=folder, refresh=False)
    assert (batch.rows, batch.waiting, batch.rejected) == (2, 1, 0)
    event = EventRecord.objects.get(event_id="E-7")
    assert event.waiting.startswith("No missing episode of this child covers")
    assert (event.waiting_column, event.waiting_row) == ("occurred_at", 2)
    assert event.waiting_file.endswith("events.csv")


def test_an_events_file_with_a_header_and_no_rows_is_an_extract_with_no_events(coordinator, tmp_path):
    folder = write_extract(tmp_path, "C-1,CSC,child,Amy,Lee,2012-01-02,,\n")
    (folder / "events.csv").write_text(EVENTS_HEADER, encoding="utf-8")
    batch = agency_extract_import(user=coordinator, path_or_files=folder, refresh=False)
    assert (batch.rows, batch.created, batch.rejected) == (1, 1, 0)


def test_a_name_and_date_of_birth_match_alone_never_attaches_an_import_to_a_known_child(
    coordinator, agencies, tmp_path
):
    known = ChildFactory.create(
        owning_agency=agencies["CSC"], given_name="Amy", family_name="Lee", date_of_birth=dt.date(2012, 1, 2)
    )
    agency_extract_import(
        user=coordinator, path_or_files=write_extract(tmp_path, "P-1,POL,child,Amy,Lee,2012-01-02,,\n"), refresh=False
    )
    record = PersonRecord.objects.get(record_id="P-1")
    assert record.child is not None and record.child != known
    assert known.person_records.count() == 0


def test_a_subject_from_an_earlier_extract_of_the_same_agency_is_known(coordinator, tmp_path):
    agency_extract_import(
        user=coordinator, path_or_files=write_extract(tmp_path / "a", "C-1,CSC,child,Amy,Lee,2012-01-02,,\n")
    )
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "events.csv").write_text(
        EVENTS_HEADER + "E-1,CSC,absent_episode,2026-10-01T20:00,2026-10-01T23:00,C-1,,\n"
    )
    batch = agency_extract_import(user=coordinator, path_or_files=folder)
    assert (batch.created, batch.rejected) == (1, 0)
    assert MissingEpisode.objects.get().kind == "A"


def test_unknown_columns_are_kept_with_the_record(coordinator, tmp_path):
    (tmp_path / "people.csv").write_text(
        "\ufeffrecord_id,agency,person_type,school_name\nC-1,CSC,other,Northbridge Academy\n", encoding="utf-8"
    )
    agency_extract_import(user=coordinator, path_or_files=tmp_path)
    assert PersonRecord.objects.get().data["school_name"] == "Northbridge Academy"


def test_unknown_agencies_are_registered_when_asked(coordinator, tmp_path):
    batch = agency_extract_import(
        user=coordinator,
        path_or_files=write_extract(tmp_path, "Y-1,YJS,other,A,B,,,\n"),
        register_agencies=True,
    )
    assert batch.created == 1
    assert PersonRecord.objects.get().agency.kind == AgencyKind.YOUTH_JUSTICE


def test_file_level_problems_write_nothing(coordinator, tmp_path):
    (tmp_path / "people.csv").write_bytes(
        "record_id,agency,person_type,given_name\nC-1,CSC,child,Zoë\n".encode("cp1252")
    )
    with pytest.raises(ImportFileError, match="UTF-8"):
        agency_extract_import(user=coordinator, path_or_files=tmp_path)
    (tmp_path / "people.csv").write_text("record_id,agency\nC-1,CSC\n")
    with pytest.raises(ImportFileError, match="missing the column person_type"):
        agency_extract_import(user=coordinator, path_or_files=tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ImportFileError, match=r"No people\.csv"):
        agency_extract_import(user=coordinator, path_or_files=empty)
    assert not PersonRecord.objects.exists()


def test_uploaded_files_are_accepted_as_a_mapping(coordinator):
    files = {path.name: path.read_bytes() for path in (EXAMPLE / "police").iterdir()}
    batch = agency_extract_import(user=coordinator, path_or_files=files)
    assert (batch.rows, batch.rejected) == (6, 0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for name, content in files.items():
            zipped.writestr(f"police/{name}", content)
    assert agency_extract_import(user=coordinator, path_or_files={"x.zip": buffer.getvalue()}).unchanged == 6


def test_a_manager_imports_only_their_own_agencys_rows(agencies, tmp_path):
    manager = UserFactory.create(agency=agencies["POL"], roles=[RoleCode.MANAGER])
    batch = agency_extract_import(user=manager, path_or_files=EXAMPLE)
    assert batch.rejected == 3  # the two social care people and their event
    assert set(RejectedRow.objects.values_list("column", flat=True)) == {"agency"}
    with pytest.raises(PermissionDenied):
        agency_extract_import(user=manager, path_or_files=EXAMPLE, register_agencies=True)


@pytest.mark.parametrize("role", [RoleCode.PRACTITIONER, RoleCode.LEADER, RoleCode.ADMINISTRATOR])
def test_others_may_not_import_extracts(agencies, role):
    user = UserFactory.create(agency=agencies["CSC"], roles=[role])
    with pytest.raises(PermissionDenied):
        agency_extract_import(user=user, path_or_files=EXAMPLE)


def test_a_rejected_event_is_corrected_and_imported_alone(coordinator, tmp_path):
    folder = write_extract(
        tmp_path, "C-1,CSC,child,Amy,Lee,2012-01-02,,\n", "E-1,CSC,missing_episode,2026-10-01,,C-9,,\n"
    )
    rejected = agency_extract_import(user=coordinator, path_or_files=folder).rejected_rows.get()
    fixed = rejected_row_reimport(
        user=coordinator, rejected=rejected, values={**rejected.raw, "subject_record_id": "C-1"}
    )
    assert (fixed.created, fixed.rejected) == (1, 0)
    rejected.refresh_from_db()
    assert rejected.is_resolved
    assert MissingEpisode.objects.get().source_key == "CSC:E-1"
    # The whole extract, corrected, then changes nothing more.
    shutil.rmtree(folder)
    folder = write_extract(
        tmp_path, "C-1,CSC,child,Amy,Lee,2012-01-02,,\n", "E-1,CSC,missing_episode,2026-10-01,,C-1,,\n"
    )
    assert agency_extract_import(user=coordinator, path_or_files=folder).unchanged == 2


def _days_ago(days: float) -> str:
    return (timezone.now() - dt.timedelta(days=days)).replace(microsecond=0).isoformat()


def test_an_imported_episode_still_open_is_graded_and_alerts_as_a_reported_one(coordinator, agencies, tmp_path):
    duty = TeamFactory.create(agency=agencies["POL"], is_duty_team=True)
    officer = UserFactory.create(agency=agencies["POL"], team=duty)
    folder = write_extract(
        tmp_path, "P-1,POL,child,Amy,Lee,2012-01-02,,\n", f"E-1,POL,missing_episode,{_days_ago(0.5)},,P-1,,\n"
    )
    agency_extract_import(user=coordinator, path_or_files=folder, refresh=False)
    episode = MissingEpisode.objects.get()
    assert episode.is_open
    assert episode.gradings.get().grade == "medium"
    alert = Alert.objects.get(recipient=officer)
    assert alert.episode == episode and "Amy Lee" in alert.message
    assert AuditEvent.objects.filter(kind=AuditKind.MISSING_REPORTED, child_id=episode.child_id).exists()


def test_a_historical_episode_opens_no_return_interview_and_a_recent_one_does(coordinator, tmp_path):
    events = (
        f"E-1,CSC,missing_episode,{_days_ago(200)},{_days_ago(199)},C-1,,\n"
        f"E-2,CSC,missing_episode,{_days_ago(3)},{_days_ago(2.5)},C-1,,\n"
    )
    folder = write_extract(tmp_path, "C-1,CSC,child,Amy,Lee,2012-01-02,,\n", events)
    agency_extract_import(user=coordinator, path_or_files=folder, refresh=False)
    old = MissingEpisode.objects.get(source_key="CSC:E-1")
    recent = MissingEpisode.objects.get(source_key="CSC:E-2")
    assert not ReturnInterview.objects.filter(episode=old).exists()
    assert ReturnInterview.objects.filter(episode=recent).exists()
