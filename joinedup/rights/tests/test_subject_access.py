import io
import json
import zipfile

import pytest
from django.db.models import ForeignKey, ManyToManyRel
from django.urls import reverse

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import Child
from joinedup.children.tests.factories import InvolvementFactory
from joinedup.jobs.models import Job, JobStatus
from joinedup.rights.document import (
    NOT_EXPORTED,
    READ_OTHERWISE,
    SECTIONS,
    Computed,
    ExportItem,
    SubjectAccessDocument,
    subject_access_document,
)
from joinedup.rights.models import SubjectAccessExport
from joinedup.rights.redaction import RESTRICTED, THIRD_PARTY, THIRD_PARTY_FIELDS
from joinedup.rights.services import subject_access_build

from .factories import ADULT_NAME, RELATIVE_NAME, RELATIVE_PHONE, SAFE_ADDRESS, RichChild, rich_child


@pytest.fixture
def rich(db) -> RichChild:
    return rich_child()


@pytest.fixture
def document(rich: RichChild) -> SubjectAccessDocument:
    return subject_access_document(child=rich.child)


def _items(document: SubjectAccessDocument, key: str) -> list[ExportItem]:
    return next(section.items for section in document.sections if section.key == key)


def _field(item: ExportItem, name: str):
    return next(f for f in [*item.fields, *item.dates] if f.name == name)


def test_the_export_holds_every_kind_of_item_recorded_for_the_child(rich, document):
    exported = {section.key: {item.id for item in section.items} for section in document.sections}
    for key, ids in rich.ids.items():
        assert ids <= exported[key], key
    assert {spec.key for spec in SECTIONS} - {"audit"} <= set(rich.ids)
    assert exported["audit"], "the child's audit trail is part of what is held"


def test_items_of_a_record_joined_into_the_child_are_the_childs(rich, document):
    assert set(document.record_ids) == {str(rich.child.pk), str(rich.joined.pk)}
    notes = [_field(item, "note").value for item in _items(document, "contact_attempts")]
    assert "Left under the old record" in notes
    assert {item.id for item in _items(document, "child")} == {str(rich.child.pk), str(rich.joined.pk)}


def test_another_childs_export_holds_none_of_this_childs_items(rich):
    from joinedup.contacts.tests.factories import ContactAttemptFactory

    attempt = ContactAttemptFactory.create(note="Another child's visit")
    alone = subject_access_document(child=attempt.child)
    assert alone.record_ids == [str(attempt.child_id)]
    held = {(section.key, item.id) for section in alone.sections for item in section.items}
    assert ("contact_attempts", str(attempt.pk)) in held
    assert not held & {(key, pk) for key, ids in rich.ids.items() for pk in ids}


def test_third_parties_details_are_marked_and_the_childs_own_are_not(document):
    child = _items(document, "child")[0]
    for own in ("given_name", "family_name", "date_of_birth", "postcode", "sex"):
        assert _field(child, own).mark == "", own
    assert _field(child, "key_worker").mark == THIRD_PARTY
    relative = _items(document, "relatives")[0]
    assert (_field(relative, "name").value, _field(relative, "name").mark) == (RELATIVE_NAME, THIRD_PARTY)
    assert (_field(relative, "phone").value, _field(relative, "phone").mark) == (RELATIVE_PHONE, THIRD_PARTY)
    assert _field(relative, "kind").mark == ""
    episode = _items(document, "missing_episodes")[0]
    assert (_field(episode, "last_seen_with").value, _field(episode, "last_seen_with").mark) == (
        ADULT_NAME,
        THIRD_PARTY,
    )
    concern = _items(document, "concerns")[0]
    assert _field(concern, "adults").value == ADULT_NAME
    assert _field(concern, "adults").mark == _field(concern, "phones").mark == THIRD_PARTY
    assert _field(concern, "what_happened").mark == ""
    assert _field(_items(document, "return_interviews")[0], "childs_words").mark == ""


def test_a_restricted_address_is_marked_restricted_and_the_childs_other_address_is_not(document):
    marks = {_field(item, "address").value: _field(item, "address").mark for item in _items(document, "addresses")}
    assert marks == {SAFE_ADDRESS: RESTRICTED, "2 Own Road": ""}


def test_each_item_carries_its_owning_agency_dates_and_correction_history(document):
    concern = _items(document, "concerns")[0]
    assert "(CSC)" in concern.agency
    assert _field(concern, "occurred_at").value
    [correction] = concern.corrections
    assert correction.reason == "x"
    assert correction.corrected_by.mark == THIRD_PARTY
    [change] = correction.changes
    assert (change["field"], change["after"]) == ("what_happened", "Seen with him twice")
    entries = {_field(item, "summary").value: item for item in _items(document, "chronology")}
    assert [c.changes[0]["before"] for c in entries["Met at college"].corrections] == ["Met at school"]
    assert entries["Seen by police"].corrections == []


def test_every_field_listed_as_a_third_partys_is_a_field_of_its_section():
    names = {
        spec.key: {f.name if isinstance(f, Computed) else f for f in spec.fields} | set(spec.dates) for spec in SECTIONS
    }
    assert set(THIRD_PARTY_FIELDS) == set(names)
    for key, fields in THIRD_PARTY_FIELDS.items():
        assert fields <= names[key], key


def test_every_link_to_a_child_is_exported_or_says_why_not():
    read = {f"{spec.model._meta.label}.child" for spec in SECTIONS}
    links = set()
    for relation in Child._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete:
            continue
        name = relation.field.name  # type: ignore[union-attr]
        links.add(f"{relation.related_model._meta.label}.{name}")  # type: ignore[union-attr]
        if isinstance(relation, ManyToManyRel):
            through = relation.through
            assert through is not None
            for through_field in through._meta.get_fields():
                if isinstance(through_field, ForeignKey) and through_field.related_model is Child:
                    links.add(f"{through._meta.label}.{through_field.name}")
    assert links - read - set(NOT_EXPORTED) - set(READ_OTHERWISE) == set()


def test_an_item_entered_in_error_is_exported_and_says_so(rich):
    from joinedup.contacts.models import ContactAttempt
    from joinedup.contacts.services import contact_attempt_mark_in_error

    attempt = ContactAttempt.objects.filter(child=rich.child).first()
    assert attempt is not None
    contact_attempt_mark_in_error(user=rich.coordinator, attempt=attempt, reason="Wrong child")
    items = {item.id: item for item in _items(subject_access_document(child=rich.child), "contact_attempts")}
    assert items[str(attempt.pk)].entered_in_error
    assert [c.kind for c in items[str(attempt.pk)].corrections] == ["Entered in error"]


# Through the pages: who may ask, what is written, what comes back.
def _request(client, rich: RichChild, reason: str = "Asked by the young person on 3 March, ref SAR-1"):
    return client.post(reverse("rights:subject-access", args=[rich.child.pk]), {"reason": reason})


@pytest.mark.parametrize("role", [RoleCode.PRACTITIONER, RoleCode.MANAGER, RoleCode.LEADER])
def test_only_the_coordinator_asks_and_a_refusal_writes_nothing(rich, sign_in, client, role):
    user = UserFactory.create(agency=rich.agency, roles=[role])
    sign_in(user)
    before = AuditEvent.objects.count()
    assert client.get(reverse("rights:subject-access", args=[rich.child.pk])).status_code == 403
    assert _request(client, rich).status_code == 403
    assert not SubjectAccessExport.objects.exists()
    assert not Job.objects.filter(requested_by=user).exists()
    assert AuditEvent.objects.count() == before


def test_a_user_who_cannot_see_the_child_is_told_not_found(rich, sign_in, client):
    sign_in(UserFactory.create(agency=AgencyFactory.create(code="EDU"), roles=[RoleCode.MANAGER]))
    assert _request(client, rich).status_code == 404
    assert not SubjectAccessExport.objects.exists()


def test_the_coordinator_gets_the_export_audited_once_asked_and_once_built(rich, sign_in, client):
    sign_in(rich.coordinator)
    response = _request(client, rich)
    export = SubjectAccessExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rights:export", args=[export.pk])
    requested = AuditEvent.objects.filter(kind=AuditKind.EXPORT_REQUESTED, child_id=rich.child.pk)
    assert [(r.actor, r.object_id, r.reason) for r in requested] == [
        (rich.coordinator, str(export.pk), "Asked by the young person on 3 March, ref SAR-1")
    ]
    assert not AuditEvent.objects.filter(kind=AuditKind.CHILD_EXPORTED).exists()

    built = subject_access_build(job_id=export.job_id)
    assert built.is_ready and built.items > 30 and built.marked > 10
    assert Job.objects.get(pk=export.job_id).status == JobStatus.DONE
    exported = AuditEvent.objects.filter(kind=AuditKind.CHILD_EXPORTED)
    assert [(r.child_id, r.actor, r.payload["items"]) for r in exported] == [
        (rich.child.pk, rich.coordinator, built.items)
    ]

    page = client.get(reverse("rights:export", args=[export.pk]))
    assert page.status_code == 200
    assert b"Download the PDF" in page.content

    pdf = client.get(reverse("rights:export-download", args=[export.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    data = json.loads(client.get(reverse("rights:export-download", args=[export.pk, "json"])).content)
    assert data["child_id"] == str(rich.child.pk)
    assert {s["key"] for s in data["sections"]} == {spec.key for spec in SECTIONS}
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(reverse("rights:export-download", args=[export.pk, "zip"])).content)
    )
    names = archive.namelist()
    assert any(name.endswith(".json") for name in names)
    relatives_csv = next(name for name in names if name.endswith("-relatives.csv"))
    assert RELATIVE_NAME in archive.read(relatives_csv).decode()
    downloads = AuditEvent.objects.filter(kind=AuditKind.EXPORT_DOWNLOADED, child_id=rich.child.pk)
    assert downloads.count() == 3


def test_the_pdf_shows_the_marks(rich):
    from joinedup.rights.render import export_pdf

    document = subject_access_document(child=rich.child)
    html_marks = sum(1 for s in document.sections for i in s.items for f in i.fields if f.mark)
    assert html_marks > 0
    assert export_pdf(document).startswith(b"%PDF")

    from django.template.loader import render_to_string

    html = render_to_string("rights/export_pdf.html", {"document": document})
    assert f"[third party]</span> {RELATIVE_NAME}" in html
    assert f"[restricted address]</span> {SAFE_ADDRESS}" in html


def test_an_export_is_seen_only_by_the_coordinator_who_asked_for_it(rich, sign_in, client):
    sign_in(rich.coordinator)
    _request(client, rich)
    export = SubjectAccessExport.objects.get()
    subject_access_build(job_id=export.job_id)
    another = UserFactory.create(agency=rich.agency, roles=[RoleCode.COORDINATOR])
    sign_in(another)
    assert client.get(reverse("rights:export", args=[export.pk])).status_code == 404
    assert client.get(reverse("rights:export-download", args=[export.pk, "pdf"])).status_code == 404
    assert not AuditEvent.objects.filter(kind=AuditKind.EXPORT_DOWNLOADED).exists()


def test_the_practitioner_of_an_involved_agency_is_refused_an_export_too(rich, sign_in, client):
    other = AgencyFactory.create(code="YJS")
    InvolvementFactory.create(child=rich.child, agency=other)
    sign_in(UserFactory.create(agency=other, roles=[RoleCode.PRACTITIONER]))
    assert _request(client, rich).status_code == 403


def test_an_export_is_deleted_after_its_days(rich, sign_in, client):
    import datetime as dt

    from django.utils import timezone

    from joinedup.rights.services import subject_access_exports_delete_expired

    sign_in(rich.coordinator)
    _request(client, rich)
    SubjectAccessExport.objects.update(created_at=timezone.now() - dt.timedelta(days=8))
    assert subject_access_exports_delete_expired() == 1
    assert not SubjectAccessExport.objects.exists()


def test_the_zips_spreadsheets_neutralise_formula_text():
    from joinedup.rights.render import export_zip

    item = {
        "id": "1",
        "agency": "CSC",
        "dates": [],
        "fields": [{"name": "summary", "label": "Summary", "value": '=HYPERLINK("http://x")', "mark": ""}],
        "corrections": [],
        "entered_in_error": False,
        "caution": "",
    }
    text = json.dumps({"sections": [{"key": "chronology", "title": "Chronology", "items": [item]}]})
    archive = zipfile.ZipFile(io.BytesIO(export_zip(text, stem="sar")))
    csv_text = archive.read("sar/01-chronology.csv").decode()
    assert "'=HYPERLINK" in csv_text
    assert ",=HYPERLINK" not in csv_text and '"=HYPERLINK' not in csv_text
