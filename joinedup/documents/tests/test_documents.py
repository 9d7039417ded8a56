"""Documents attached to a child's record: checked by content, stored outside the web root, opened only through
the audited view, under the same need-to-know as a chronology entry and with the item's handling code."""

import datetime as dt
from pathlib import Path
from typing import cast

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import Agency
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.audit.services import AuditWriteFailed
from joinedup.children.models import Child, Involvement
from joinedup.children.tests.factories import ChildFactory, ChronologyEntryFactory
from joinedup.concerns.models import Concern, ConcernCategory, HandlingCode
from joinedup.documents import filetypes
from joinedup.documents.models import Document, DocumentKind, ItemType
from joinedup.documents.permissions import documents_visible_to
from joinedup.documents.storage import documents_storage
from joinedup.sharing.tests.factories import ShareDecisionFactory

from .factories import ELF_BYTES, HTML_BYTES, PDF_BYTES, PNG_BYTES, document_attach, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency() -> Agency:
    return AgencyFactory.create(code="CSC")


@pytest.fixture
def practitioner(agency) -> User:
    return UserFactory.create(agency=agency, roles=[RoleCode.PRACTITIONER])


@pytest.fixture
def child(agency) -> Child:
    return ChildFactory.create(owning_agency=agency, given_name="Robin")


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _post(client: Client, child: Child, content: bytes, name: str, **fields: str):
    data = {"title": "Referral letter", "kind": DocumentKind.REFERRAL_LETTER, "item": "", "handling_code": ""}
    return client.post(
        reverse("documents:list", kwargs={"child_id": child.pk}), {**data, **fields, "file": upload(content, name)}
    )


def test_a_pdf_uploaded_on_the_page_downloads_through_the_audited_view(
    practitioner, child, sign_in, client, documents_root
):
    sign_in(practitioner)
    response = _post(client, child, PDF_BYTES, "referral from school.pdf")
    assert response.status_code == 302
    document = Document.objects.get(child=child)
    assert (document.content_type, document.size, document.owning_agency) == (
        "application/pdf",
        len(PDF_BYTES),
        practitioner.agency,
    )
    assert document.original_name == "referral from school.pdf"
    stored = _files(documents_root)
    assert len(stored) == 1
    assert "referral" not in str(stored[0]) and ".pdf" not in str(stored[0])
    added = AuditEvent.objects.get(kind=AuditKind.DOCUMENT_ADDED)
    assert (added.child_id, added.object_type, added.object_id) == (child.pk, "document", str(document.pk))

    response = client.get(reverse("documents:download", kwargs={"document_id": document.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "referral from school.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Handling-Code"] == "none"
    viewed = AuditEvent.objects.get(kind=AuditKind.DOCUMENT_VIEWED)
    assert (viewed.actor, viewed.child_id, viewed.object_type, viewed.object_id) == (
        practitioner,
        child.pk,
        "document",
        str(document.pk),
    )
    assert viewed.payload["handling_code"] == ""


def test_the_list_shows_the_document_with_its_handling_code_and_audits_the_read_of_the_child(
    practitioner, child, sign_in, client
):
    document_attach(
        user=practitioner, child=child, title="Strategy meeting report", handling_code=HandlingCode.PERMITTED
    )
    sign_in(practitioner)
    response = client.get(reverse("documents:list", kwargs={"child_id": child.pk}))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Strategy meeting report" in body
    assert 'data-handling-code="P"' in body
    assert AuditEvent.objects.filter(kind=AuditKind.CHILD_VIEWED, child_id=child.pk).count() == 1


def test_a_png_named_pdf_is_stored_and_served_as_a_png(practitioner, child, sign_in, client):
    document = document_attach(user=practitioner, child=child, content=PNG_BYTES, name="letter.pdf")
    assert document.content_type == "image/png"
    sign_in(practitioner)
    response = client.get(reverse("documents:download", kwargs={"document_id": document.pk}))
    assert response["Content-Type"] == "image/png"
    assert 'filename="letter.png"' in response["Content-Disposition"]


@pytest.mark.parametrize(("content", "name"), [(HTML_BYTES, "letter.pdf"), (ELF_BYTES, "report.pdf")])
def test_a_page_or_a_program_named_pdf_is_refused_and_nothing_is_written(
    practitioner, child, sign_in, client, documents_root, content, name
):
    sign_in(practitioner)
    response = _post(client, child, content, name)
    assert response.status_code == 200
    assert f"{name} is not a file of a kind that can be attached" in response.content.decode()
    assert not Document.with_entered_in_error.exists()
    assert _files(documents_root) == []
    assert not AuditEvent.objects.filter(kind=AuditKind.DOCUMENT_ADDED).exists()


def test_a_file_over_the_size_limit_is_refused_and_nothing_is_written(
    practitioner, child, sign_in, client, documents_root, settings
):
    settings.DOCUMENT_MAX_BYTES = 64
    sign_in(practitioner)
    response = _post(client, child, PDF_BYTES + b"%" * 64, "big.pdf")
    assert response.status_code == 200
    assert "big.pdf is larger than 64\xa0bytes" in response.content.decode()
    assert not Document.with_entered_in_error.exists()
    assert _files(documents_root) == []


def test_a_photo_must_be_an_image(practitioner, child):
    with pytest.raises(ValidationError, match="not a photo"):
        document_attach(user=practitioner, child=child, kind=DocumentKind.PHOTO)
    assert document_attach(user=practitioner, child=child, content=PNG_BYTES, kind=DocumentKind.PHOTO)


def test_when_the_audit_row_cannot_be_written_on_upload_the_file_is_removed(
    practitioner, child, documents_root, monkeypatch
):
    def refuse(**kwargs):
        raise AuditWriteFailed("refused")

    monkeypatch.setattr("joinedup.documents.services.audit_record", refuse)
    with pytest.raises(AuditWriteFailed):
        document_attach(user=practitioner, child=child)
    assert not Document.with_entered_in_error.exists()
    assert _files(documents_root) == []


def test_when_the_audit_row_cannot_be_written_the_document_is_not_served(
    practitioner, child, sign_in, client, monkeypatch
):
    document = document_attach(user=practitioner, child=child)
    sign_in(practitioner)

    def refuse(**kwargs):
        raise AuditWriteFailed("refused")

    monkeypatch.setattr("joinedup.documents.selectors.audit_record", refuse)
    response = client.get(reverse("documents:download", kwargs={"document_id": document.pk}))
    assert response.status_code == 503
    assert b"%PDF" not in response.content


def test_another_agency_without_a_share_gets_not_found_on_the_list_and_the_download(
    practitioner, child, sign_in, client
):
    document = document_attach(user=practitioner, child=child)
    outsider = UserFactory.create(agency=AgencyFactory.create(code="POL"), roles=[RoleCode.PRACTITIONER])
    sign_in(outsider)
    assert client.get(reverse("documents:list", kwargs={"child_id": child.pk})).status_code == 404
    hidden = client.get(reverse("documents:download", kwargs={"document_id": document.pk}))
    missing = client.get(reverse("documents:download", kwargs={"document_id": "00000000-0000-4000-8000-000000000000"}))
    assert hidden.status_code == missing.status_code == 404
    assert not AuditEvent.objects.filter(kind=AuditKind.DOCUMENT_VIEWED).exists()


def test_an_agency_the_whole_record_is_shared_with_sees_and_opens_the_document(practitioner, child, sign_in, client):
    document = document_attach(user=practitioner, child=child, title="Health report")
    police = AgencyFactory.create(code="POL")
    ShareDecisionFactory.create(child=child, shared_with_agency=police)
    sign_in(UserFactory.create(agency=police, roles=[RoleCode.PRACTITIONER]))
    listed = client.get(reverse("documents:list", kwargs={"child_id": child.pk}))
    assert "Health report" in listed.content.decode()
    response = client.get(reverse("documents:download", kwargs={"document_id": document.pk}))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES  # type: ignore[attr-defined]


def test_an_expired_share_no_longer_shows_the_document(practitioner, child):
    document_attach(user=practitioner, child=child)
    police = AgencyFactory.create(code="POL")
    ShareDecisionFactory.create(
        child=child, shared_with_agency=police, expires_at=timezone.now() - dt.timedelta(days=1)
    )
    assert not documents_visible_to(UserFactory.create(agency=police), child).exists()


def test_an_involved_agency_sees_only_its_own_documents_without_a_share(practitioner, child, sign_in, client):
    document = document_attach(user=practitioner, child=child, title="Social care report")
    health = AgencyFactory.create(code="NHS")
    Involvement.objects.create(child=child, agency=health)
    nurse = UserFactory.create(agency=health, roles=[RoleCode.PRACTITIONER])
    own = document_attach(user=nurse, child=child, title="Health screening letter")
    sign_in(nurse)
    body = client.get(reverse("documents:list", kwargs={"child_id": child.pk})).content.decode()
    assert "Health screening letter" in body
    assert "Social care report" not in body
    assert client.get(reverse("documents:download", kwargs={"document_id": document.pk})).status_code == 404
    assert client.get(reverse("documents:download", kwargs={"document_id": own.pk})).status_code == 200


def test_an_entry_shared_alone_does_not_open_the_agencys_other_documents(practitioner, child):
    document_attach(user=practitioner, child=child)
    police = AgencyFactory.create(code="POL")
    entry = ChronologyEntryFactory.create(child=child)
    ShareDecisionFactory.create(child=child, entry=entry, shared_with_agency=police)
    assert not documents_visible_to(UserFactory.create(agency=police), child).exists()


def test_cross_agency_roles_see_every_document(practitioner, child):
    document_attach(user=practitioner, child=child)
    for role in (RoleCode.COORDINATOR, RoleCode.LEADER):
        assert documents_visible_to(UserFactory.create(roles=[role]), child).count() == 1
    assert not documents_visible_to(UserFactory.create(roles=[RoleCode.ADMINISTRATOR]), child).exists()


def _concern(child: Child, user: User, code: str, *, conditions: list[Agency] | None = None) -> Concern:
    assert user.agency is not None
    concern = cast(
        Concern,
        Concern.objects.create(
            child=child,
            category=ConcernCategory.CCE,
            owning_agency=user.agency,
            recorded_by=user,
            occurred_at=timezone.now() - dt.timedelta(days=1),
            what_happened="Seen with older young people at the station",
            source_evaluation="2",
            intelligence_assessment="B",
            handling_code=code,
            handling_conditions="Police and social care only" if code == HandlingCode.CONDITIONS else "",
            sanitised_summary="Concern about exploitation",
        ),
    )
    concern.condition_agencies.set(conditions or [])
    return concern


def test_a_document_attached_to_a_concern_carries_its_handling_code_and_conditions(
    practitioner, child, sign_in, client
):
    police, youth = AgencyFactory.create(code="POL"), AgencyFactory.create(code="YOT")
    concern = _concern(child, practitioner, HandlingCode.CONDITIONS, conditions=[police])
    document = document_attach(
        user=practitioner, child=child, item_type=ItemType.CONCERN, item_id=str(concern.pk), title="Police report"
    )
    assert document.handling_code == HandlingCode.CONDITIONS
    for agency in (police, youth):
        ShareDecisionFactory.create(child=child, shared_with_agency=agency)

    sign_in(UserFactory.create(agency=police, roles=[RoleCode.PRACTITIONER]))
    response = client.get(reverse("documents:download", kwargs={"document_id": document.pk}))
    assert response.status_code == 200
    assert response["X-Handling-Code"] == "C"
    listed = client.get(reverse("documents:list", kwargs={"child_id": child.pk})).content.decode()
    assert "Police report" in listed
    assert 'data-handling-code="C"' in listed

    # The whole record is shared with the youth offending team too, but the concern's conditions do not name it.
    sign_in(UserFactory.create(agency=youth, roles=[RoleCode.PRACTITIONER]))
    assert client.get(reverse("documents:download", kwargs={"document_id": document.pk})).status_code == 404
    assert "Police report" not in client.get(reverse("documents:list", kwargs={"child_id": child.pk})).content.decode()


def test_a_lower_handling_code_than_the_concerns_is_refused(practitioner, child):
    concern = _concern(child, practitioner, HandlingCode.CONDITIONS)
    with pytest.raises(ValidationError, match="carries its handling code"):
        document_attach(
            user=practitioner,
            child=child,
            item_type=ItemType.CONCERN,
            item_id=str(concern.pk),
            handling_code=HandlingCode.PERMITTED,
        )


def test_an_item_of_another_child_cannot_be_named(practitioner, child):
    other_entry = ChronologyEntryFactory.create(child=ChildFactory.create(owning_agency=practitioner.agency))
    with pytest.raises(ValidationError):
        document_attach(
            user=practitioner, child=child, item_type=ItemType.CHRONOLOGY_ENTRY, item_id=str(other_entry.pk)
        )
    assert not Document.with_entered_in_error.exists()


def test_the_upload_form_attaches_to_an_item_chosen_from_the_childs_record(practitioner, child, sign_in, client):
    entry = ChronologyEntryFactory.create(child=child)
    sign_in(practitioner)
    page = client.get(reverse("documents:list", kwargs={"child_id": child.pk})).content.decode()
    assert f'value="chronology_entry:{entry.pk}"' in page
    response = _post(client, child, PDF_BYTES, "minutes.pdf", item=f"chronology_entry:{entry.pk}")
    assert response.status_code == 302
    document = Document.objects.get()
    assert (document.item_type, document.item_id) == (ItemType.CHRONOLOGY_ENTRY, str(entry.pk))


def test_a_leader_sees_the_list_but_does_not_attach(practitioner, child, sign_in, client):
    leader = UserFactory.create(roles=[RoleCode.LEADER])
    sign_in(leader)
    assert client.get(reverse("documents:list", kwargs={"child_id": child.pk})).status_code == 200
    assert _post(client, child, PDF_BYTES, "a.pdf").status_code == 403
    with pytest.raises(PermissionDenied):
        document_attach(user=leader, child=child)


def test_the_file_is_outside_static_and_media_and_no_url_serves_it_but_the_audited_view(
    practitioner, child, sign_in, client, documents_root
):
    document = document_attach(user=practitioner, child=child)
    stored = Path(documents_storage().path(document.storage_name)).resolve()
    assert stored.is_relative_to(documents_root.resolve())
    for public in [settings.STATIC_ROOT, settings.MEDIA_ROOT, *settings.STATICFILES_DIRS]:
        assert not stored.is_relative_to(Path(str(public)).resolve())
    with pytest.raises(NotImplementedError):
        documents_storage().url(document.storage_name)
    sign_in(practitioner)
    for prefix in ("/", "/static/", "/media/", "/documents/"):
        path = f"{prefix}{document.storage_name}"
        with pytest.raises(Resolver404):
            resolve(path)
        assert client.get(path).status_code == 404


def test_the_default_documents_folder_is_outside_the_web_root():
    from config.settings import base

    root = Path(base.DOCUMENTS_ROOT).resolve()
    for public in [base.STATIC_ROOT, base.MEDIA_ROOT, *base.STATICFILES_DIRS]:
        assert not root.is_relative_to(Path(str(public)).resolve())


def test_accepted_kinds_are_named_in_the_refusal(practitioner, child):
    with pytest.raises(ValidationError) as refused:
        document_attach(user=practitioner, child=child, content=HTML_BYTES, name="x.html")
    message = " ".join(refused.value.messages)
    for kind in filetypes.ACCEPTED:
        assert kind.label in message
