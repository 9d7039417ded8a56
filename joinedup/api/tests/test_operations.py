"""Each operation: what a system that may do it gets, what a system that may not gets (with nothing written),
and how invalid input is answered."""

import datetime as dt
import io
import uuid
import zipfile

import pytest
from django.utils import timezone

from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.tests.factories import ChildFactory, InvolvementFactory
from joinedup.concerns.models import Concern
from joinedup.imports.models import PersonRecord
from joinedup.jobs.models import Job, JobStatus
from joinedup.missing.models import MissingEpisode, ReturnInterview
from joinedup.missing.tests.factories import MissingEpisodeFactory, RiskGradingFactory

from .conftest import system_for

pytestmark = pytest.mark.django_db

ABSENT = "00000000-0000-4000-8000-000000000000"


def _ago(**kwargs: float) -> str:
    return (timezone.now() - dt.timedelta(**kwargs)).isoformat()


def _report(**changes: object) -> dict[str, object]:
    return {
        "started_at": _ago(hours=3),
        "rationale": "Not back from school; phone off",
        "last_seen_place": "Wealdbridge bus station",
        **changes,
    }


@pytest.fixture
def police_child(police, social_care):
    child = ChildFactory.create(owning_agency=social_care)
    InvolvementFactory.create(child=child, agency=police)
    return child


@pytest.fixture
def hidden_child(social_care):
    """A child only social care works with: the police's system may not see them."""
    return ChildFactory.create(owning_agency=social_care)


# --- Reporting a child missing -----------------------------------------------------------------------------


def test_the_police_system_reports_a_child_missing_with_its_risk_grade(call, police_system, police_child):
    response = call(
        police_system, "post", f"/api/v1/children/{police_child.pk}/missing-episodes", _report(grade="high")
    )

    assert response.status_code == 201, response.content
    episode = MissingEpisode.objects.get(child=police_child)
    assert response.json()["id"] == str(episode.pk)
    assert response.json()["grade"] == "high"
    assert episode.reported_by == police_system.client.user
    assert episode.last_seen_place == "Wealdbridge bus station"
    assert AuditEvent.objects.filter(
        kind=AuditKind.MISSING_REPORTED, actor=police_system.client.user, object_id=str(episode.pk)
    ).exists()


def test_another_agencys_system_reports_without_a_grade_and_the_episode_is_medium_until_the_police_grade_it(
    call, csc_system, police_child
):
    response = call(csc_system, "post", f"/api/v1/children/{police_child.pk}/missing-episodes", _report())

    assert response.status_code == 201, response.content
    assert response.json()["grade"] == "medium"


def test_a_grade_from_a_system_outside_the_police_is_refused_with_its_field_and_nothing_is_written(
    call, csc_system, police_child
):
    response = call(csc_system, "post", f"/api/v1/children/{police_child.pk}/missing-episodes", _report(grade="low"))

    assert response.status_code == 422
    assert response.json()["field"] == "grade"
    assert "Only the police grade" in response.json()["message"]
    assert not MissingEpisode.objects.exists()


def test_a_child_the_agency_may_not_see_answers_the_same_404_as_an_absent_one_and_nothing_is_written(
    call, police_system, hidden_child
):
    hidden = call(police_system, "post", f"/api/v1/children/{hidden_child.pk}/missing-episodes", _report())
    absent = call(police_system, "post", f"/api/v1/children/{ABSENT}/missing-episodes", _report())

    assert hidden.status_code == absent.status_code == 404
    assert hidden.json() == absent.json()
    assert hidden["Content-Type"].startswith("application/json")
    assert not MissingEpisode.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"started_at": "2025-01-01T10:00:00"}, "started_at"),  # no offset: which hour would it be?
        ({"started_at": (timezone.now() + dt.timedelta(days=1)).isoformat()}, "started_at"),
        ({"started_at": "1850-01-01T10:00:00Z"}, "started_at"),
        ({"rationale": ""}, "rationale"),
        ({"rationale": "   "}, "rationale"),
        ({"last_seen_place": '=HYPERLINK("http://example.invalid")'}, "last_seen_place"),
        ({"last_seen_place": "x" * 301}, "last_seen_place"),
        ({"last_seen_place": "a\x00b"}, "last_seen_place"),
        ({"kind": "X"}, "kind"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_invalid_input_is_refused_422_naming_the_field_and_nothing_is_written(
    call, police_system, police_child, changes, field
):
    response = call(
        police_system, "post", f"/api/v1/children/{police_child.pk}/missing-episodes", _report(grade="low", **changes)
    )

    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert response.json()["message"]
    assert not MissingEpisode.objects.exists()


def test_a_body_that_is_not_json_is_refused_400(client, police_system, police_child):
    response = client.post(
        f"/api/v1/children/{police_child.pk}/missing-episodes",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {police_system.key}", "Idempotency-Key": "k1"},
    )

    assert response.status_code == 400
    assert response.json()["message"]


def test_a_child_id_that_is_not_an_id_is_refused_naming_it(call, police_system):
    response = call(police_system, "get", "/api/v1/children/not-an-id")

    assert response.status_code == 422
    assert response.json()["field"] == "child_id"


def test_a_second_open_episode_is_refused_as_the_pages_refuse_it(call, police_system, police_child):
    MissingEpisodeFactory.create(child=police_child)

    response = call(police_system, "post", f"/api/v1/children/{police_child.pk}/missing-episodes", _report(grade="low"))

    assert response.status_code == 422
    assert "already recorded as missing" in response.json()["message"]
    assert MissingEpisode.objects.filter(child=police_child).count() == 1


# --- Found and returned ------------------------------------------------------------------------------------


def test_found_then_returned_closes_the_episode_and_opens_the_return_interview(call, police_system, police_child):
    episode = MissingEpisodeFactory.create(child=police_child, started_at=timezone.now() - dt.timedelta(hours=6))
    RiskGradingFactory.create(episode=episode)

    found = call(
        police_system,
        "post",
        f"/api/v1/missing-episodes/{episode.pk}/found",
        {"found_at": _ago(hours=2), "found_place": "A friend's flat"},
    )
    returned = call(
        police_system, "post", f"/api/v1/missing-episodes/{episode.pk}/return", {"returned_at": _ago(hours=1)}
    )

    assert found.status_code == 200, found.content
    assert returned.status_code == 200, returned.content
    episode.refresh_from_db()
    assert episode.found_place == "A friend's flat"
    assert episode.returned_at is not None
    interview = ReturnInterview.objects.get(episode=episode)
    assert returned.json()["return_interview_due_at"] == interview.due_at.isoformat().replace("+00:00", "Z")
    assert {AuditKind.MISSING_FOUND, AuditKind.MISSING_RETURNED} <= set(
        AuditEvent.objects.filter(actor=police_system.client.user).values_list("kind", flat=True)
    )


def test_found_and_returned_on_a_hidden_childs_episode_answer_404_and_change_nothing(call, police_system, hidden_child):
    episode = MissingEpisodeFactory.create(child=hidden_child)

    found = call(police_system, "post", f"/api/v1/missing-episodes/{episode.pk}/found", {"found_at": _ago(hours=1)})
    returned = call(
        police_system, "post", f"/api/v1/missing-episodes/{episode.pk}/return", {"returned_at": _ago(hours=1)}
    )

    assert found.status_code == returned.status_code == 404
    episode.refresh_from_db()
    assert episode.found_at is None and episode.returned_at is None


def test_a_return_before_the_child_went_missing_is_refused_naming_the_field(call, police_system, police_child):
    episode = MissingEpisodeFactory.create(child=police_child, started_at=timezone.now() - dt.timedelta(hours=2))

    response = call(
        police_system, "post", f"/api/v1/missing-episodes/{episode.pk}/return", {"returned_at": _ago(hours=5)}
    )

    assert response.status_code == 422
    assert response.json()["field"] == "returned_at"
    assert not ReturnInterview.objects.exists()


# --- Concerns ----------------------------------------------------------------------------------------------


def _concern(**changes: object) -> dict[str, object]:
    return {
        "category": "24A",
        "occurred_at": _ago(days=1),
        "what_happened": "Seen getting into a car with two adults outside school",
        "vehicles": "WB12 XYZ",
        **changes,
    }


def test_a_system_submits_a_graded_concern(call, police_system, police_child, social_care):
    response = call(
        police_system,
        "post",
        f"/api/v1/children/{police_child.pk}/concerns",
        _concern(
            source_evaluation="2",
            intelligence_assessment="B",
            handling_code="C",
            handling_conditions="Police and social care only",
            condition_agencies=["CSC"],
            sanitised_summary="Concern about adults near school",
        ),
    )

    assert response.status_code == 201, response.content
    concern = Concern.objects.get(pk=response.json()["id"])
    assert concern.grading == response.json()["grading"] == "2 B C"
    assert list(concern.condition_agencies.all()) == [social_care]
    assert concern.recorded_by == police_system.client.user


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"condition_agencies": ["NOPE"]}, "condition_agencies"),
        ({"handling_code": "C", "source_evaluation": "1", "intelligence_assessment": "A"}, "handling_conditions"),
        ({"category": "99Z"}, "category"),
        ({"phones": "=cmd|' /C calc'!A0"}, "phones"),
        ({"occurred_at": (timezone.now() + dt.timedelta(hours=1)).isoformat()}, "occurred_at"),
    ],
)
def test_an_invalid_concern_is_refused_naming_the_field_and_nothing_is_written(
    call, police_system, police_child, changes, field
):
    response = call(police_system, "post", f"/api/v1/children/{police_child.pk}/concerns", _concern(**changes))

    assert response.status_code == 422, response.content
    assert response.json()["field"] == field
    assert not Concern.objects.exists()


def test_a_concern_about_a_hidden_child_answers_404_and_writes_nothing(call, police_system, hidden_child):
    response = call(police_system, "post", f"/api/v1/children/{hidden_child.pk}/concerns", _concern())

    assert response.status_code == 404
    assert not Concern.objects.exists()


# --- Extracts and their jobs -------------------------------------------------------------------------------

PEOPLE = b"record_id,agency,person_type,given_name,family_name,date_of_birth\nP-1,POL,child,Robin,Example,2011-04-05\n"


def _zip(**files: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_a_practitioner_systems_extract_is_refused_403_and_nothing_is_queued(call, police_system, tmp_path, settings):
    settings.IMPORT_SPOOL_DIR = str(tmp_path)

    response = call(police_system, "post", "/api/v1/extracts", files={"files": [io.BytesIO(PEOPLE)]})

    assert response.status_code == 403
    assert not Job.objects.exists()
    assert list(tmp_path.iterdir()) == []


def test_an_importing_systems_extract_is_queued_202_and_its_job_can_be_polled(call, police, tmp_path, settings):
    settings.IMPORT_SPOOL_DIR = str(tmp_path)
    system = system_for(police, "Police extract feed", may_import=True)
    upload = io.BytesIO(_zip(**{"people.csv": PEOPLE}))
    upload.name = "extract.zip"

    response = call(system, "post", "/api/v1/extracts", files={"files": [upload]})

    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["job_id"])
    assert job.requested_by == system.client.user
    status = call(system, "get", response.json()["status_url"])
    assert status.status_code == 200
    assert status.json()["status"] == JobStatus.QUEUED
    assert AuditEvent.objects.filter(kind=AuditKind.IMPORT_RUN, object_id=str(job.pk)).exists()


def test_a_file_that_is_not_part_of_an_extract_is_refused_naming_files(call, police, tmp_path, settings):
    settings.IMPORT_SPOOL_DIR = str(tmp_path)
    system = system_for(police, "Police extract feed", may_import=True)
    upload = io.BytesIO(b"hello")
    upload.name = "notes.txt"

    response = call(system, "post", "/api/v1/extracts", files={"files": [upload]})

    assert response.status_code == 422
    assert response.json()["field"] == "files"
    assert not Job.objects.exists()


def test_a_job_is_seen_only_by_the_system_that_submitted_it(call, police, social_care):
    mine = system_for(police, "Police extract feed", may_import=True)
    other = system_for(social_care, "Social care feed", may_import=True)
    job = Job.objects.create(kind="extract_import", requested_by=other.client.user)

    response = call(mine, "get", f"/api/v1/jobs/{job.pk}")
    absent = call(mine, "get", f"/api/v1/jobs/{uuid.uuid4()}")

    assert response.status_code == absent.status_code == 404
    assert response.json() == absent.json()


# --- Reading back ------------------------------------------------------------------------------------------


def test_the_children_list_holds_only_children_the_agency_may_see_each_audited(
    call, police_system, police_child, hidden_child, police
):
    PersonRecord.objects.create(agency=police, record_id="POL-77", person_type="child", child=police_child)

    response = call(police_system, "get", "/api/v1/children")

    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [str(police_child.pk)]
    assert response.json()["items"][0]["record_ids"] == ["POL-77"]
    listed = AuditEvent.objects.filter(kind=AuditKind.CHILD_LISTED, actor=police_system.client.user)
    assert list(listed.values_list("child_id", flat=True)) == [police_child.pk]


def test_the_agencys_own_record_id_finds_its_child(call, police_system, police_child, police):
    other = ChildFactory.create(owning_agency=police)
    PersonRecord.objects.create(agency=police, record_id="POL-77", person_type="child", child=police_child)

    response = call(police_system, "get", "/api/v1/children", {"record_id": "POL-77"})

    assert [item["id"] for item in response.json()["items"]] == [str(police_child.pk)]
    assert str(other.pk) not in response.content.decode()


def test_a_page_past_the_end_is_404_naming_page(call, police_system, police_child):
    response = call(police_system, "get", "/api/v1/children", {"page": 2})

    assert response.status_code == 404
    assert response.json()["field"] == "page"


def test_one_child_is_read_with_their_episodes_and_the_read_is_audited(call, police_system, police_child):
    episode = MissingEpisodeFactory.create(child=police_child)
    RiskGradingFactory.create(episode=episode, grade="high")

    response = call(police_system, "get", f"/api/v1/children/{police_child.pk}")

    assert response.status_code == 200
    assert response.json()["family_name"] == police_child.family_name
    assert [(e["id"], e["grade"]) for e in response.json()["missing_episodes"]] == [(str(episode.pk), "high")]
    assert AuditEvent.objects.filter(
        kind=AuditKind.CHILD_VIEWED, actor=police_system.client.user, child_id=police_child.pk
    ).exists()


def test_a_hidden_child_reads_exactly_as_an_absent_one(call, police_system, hidden_child):
    hidden = call(police_system, "get", f"/api/v1/children/{hidden_child.pk}")
    absent = call(police_system, "get", f"/api/v1/children/{ABSENT}")

    assert hidden.status_code == absent.status_code == 404
    assert hidden.content == absent.content
    assert not AuditEvent.objects.filter(child_id=hidden_child.pk).exists()


def test_an_unknown_path_under_the_api_is_a_json_404(call, police_system):
    response = call(police_system, "get", "/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


# --- Every call about one child is audited as the page's read is ----------------------------------------

API_CHILD_CALLS = {
    "api:child": ("get", "child", None),
    "api:missing-report": ("post", "child", lambda: _report(grade="low")),
    "api:concern-submit": ("post", "child", _concern),
    "api:missing-found": ("post", "episode", lambda: {"found_at": _ago(hours=1)}),
    "api:missing-return": ("post", "episode", lambda: {"returned_at": _ago(hours=1)}),
}


@pytest.mark.parametrize("name", list(API_CHILD_CALLS))
def test_each_api_call_about_a_child_leaves_one_child_viewed_row(call, police_system, police_child, name):
    from django.urls import reverse

    method, subject, body = API_CHILD_CALLS[name]
    episode = MissingEpisodeFactory.create(child=police_child, started_at=timezone.now() - dt.timedelta(hours=6))
    RiskGradingFactory.create(episode=episode)
    if name == "api:missing-report":
        episode.returned_at = episode.found_at = timezone.now() - dt.timedelta(hours=4)
        episode.save()
    kwargs = {"child_id": police_child.pk} if subject == "child" else {"episode_id": episode.pk}
    url = reverse(name, kwargs=kwargs)

    response = call(police_system, method, url, body() if body else None, headers={"User-Agent": "case-system/2"})

    assert response.status_code in {200, 201}, response.content
    row = AuditEvent.objects.get(kind=AuditKind.CHILD_VIEWED, child_id=police_child.pk)
    assert (row.actor, row.actor_agency_code) == (police_system.client.user, "POL")
    assert row.path == url
    assert row.user_agent == "case-system/2"
    assert row.reason.startswith("API: ")


def test_a_multipart_body_that_cannot_be_read_is_refused_400(client, police):
    system = system_for(police, "Police extract feed", may_import=True)

    response = client.generic(
        "POST",
        "/api/v1/extracts",
        b"garbage",
        content_type="multipart/form-data",
        headers={"Authorization": f"Bearer {system.key}", "Idempotency-Key": "k"},
    )

    assert response.status_code == 400
    assert not Job.objects.exists()
