"""An imported return interview points at the place its row names, matched with the places already recorded as
every event's place is; the same file again changes nothing, and a later file naming another place moves it."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.imports.models import EventRecord
from joinedup.imports.services import agency_extract_import
from joinedup.missing.models import ReturnInterview
from joinedup.places.models import Place, PlaceName
from joinedup.places.services import place_resolve

pytestmark = pytest.mark.django_db

PEOPLE = "record_id,agency,person_type,given_name,family_name,date_of_birth\nC-1,CSC,child,Amy,Lee,2012-01-02\n"
EVENTS_HEADER = "event_id,agency,event_type,occurred_at,ended_at,subject_record_id,place_name,place_type,"
EVENTS_HEADER += "place_address,place_postcode,summary\n"


def _days_ago(days: float) -> str:
    return (timezone.now() - dt.timedelta(days=days)).replace(microsecond=0).isoformat()


@pytest.fixture
def world(tmp_path):
    police = AgencyFactory.create(code="POL", kind=AgencyKind.POLICE)
    social_care = AgencyFactory.create(code="CSC")
    officer = UserFactory.create(agency=police)
    hotel = place_resolve(actor=officer, name="Station Hotel", postcode="WB1 1AA", kind="hotel")
    coordinator = UserFactory.create(agency=social_care, roles=[RoleCode.COORDINATOR])
    episode = f"E-1,CSC,missing_episode,{_days_ago(3)},{_days_ago(2.5)},C-1,,,,,Not home after school\n"
    return {"tmp": tmp_path, "hotel": hotel, "coordinator": coordinator, "episode": episode}


def _extract(world, name: str, interview_place: str) -> Path:
    folder = world["tmp"] / name
    folder.mkdir()
    (folder / "people.csv").write_text(PEOPLE, encoding="utf-8")
    held = _days_ago(2)
    interview = f"R-1,CSC,return_interview,{held},,C-1,{interview_place},Said she was with friends at a hotel\n"
    (folder / "events.csv").write_text(EVENTS_HEADER + world["episode"] + interview, encoding="utf-8")
    return folder


def _import(world, folder: Path):
    return agency_extract_import(user=world["coordinator"], path_or_files=folder, refresh=False)


def _interview_audits() -> list[dict]:
    return list(AuditEvent.objects.filter(kind=AuditKind.INTERVIEW_COMPLETED).values_list("payload", flat=True))


def test_an_imported_interview_points_at_the_place_already_recorded_however_the_agency_wrote_it(world):
    # The police recorded "Station Hotel, WB1 1AA"; social care's extract writes "the Station Hotel".
    folder = _extract(world, "first", "the Station Hotel,hotel,,")
    batch = _import(world, folder)
    assert batch.rejected == 0, list(batch.rejected_rows.values_list("reason", flat=True))
    interview = ReturnInterview.objects.get()
    assert interview.place == world["hotel"]
    assert interview.place_name == "the Station Hotel"
    assert interview.childs_words == "Said she was with friends at a hotel"
    assert EventRecord.objects.get(event_id="R-1").place == world["hotel"]
    assert Place.objects.filter(name__icontains="station").count() == 1
    assert PlaceName.objects.filter(place=world["hotel"], name="the Station Hotel", agency__code="CSC").exists()


def test_the_same_file_twice_changes_nothing(world):
    folder = _extract(world, "first", "the Station Hotel,hotel,,")
    _import(world, folder)
    interview = ReturnInterview.objects.values().get()
    spellings = list(PlaceName.objects.order_by("pk").values_list("pk", "times_seen"))
    audits = _interview_audits()
    again = _import(world, folder)
    assert (again.created, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 0)
    assert ReturnInterview.objects.values().get() == interview
    assert list(PlaceName.objects.order_by("pk").values_list("pk", "times_seen")) == spellings
    assert _interview_audits() == audits


def test_a_later_file_naming_another_place_moves_the_interview_there_as_it_updates_the_childs_words(world):
    _import(world, _extract(world, "first", "the Station Hotel,hotel,,"))
    later = _import(world, _extract(world, "later", "Mill Lane Grill,takeaway,31 Mill Lane,WB2 6TR"))
    assert (later.updated, later.rejected) == (1, 0)
    interview = ReturnInterview.objects.select_related("place").get()
    assert interview.place is not None and str(interview.place) == "Mill Lane Grill, WB2 6TR"
    assert interview.place.kind == "takeaway"
    assert interview.place_name == "Mill Lane Grill, 31 Mill Lane, WB2 6TR"
    assert "place" in _interview_audits()[-1]["changed"].split(",")
    # A later file with no place says the interview was at no place, as a blank column does for a found event.
    _import(world, _extract(world, "no-place", ",,,"))
    interview.refresh_from_db()
    assert (interview.place, interview.place_name) == (None, "")
