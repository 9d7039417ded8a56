import pytest
from django.urls import reverse

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.tests.factories import ChildFactory
from joinedup.linkage.api import link_records, person_ids
from joinedup.linkage.models import LinkDecision, PersonLink, ReviewItem, ReviewStatus

from .factories import PersonRecordFactory, person_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def grey_pair():
    """Two records with different NHS numbers: queued for review, never linked automatically."""
    police, health = AgencyFactory.create(code="POL"), AgencyFactory.create(code="HEA")
    child = ChildFactory.create(owning_agency=health)
    a = PersonRecordFactory.create(agency=police, record_id="P1", data=person_data(nhs_number="9434765919"))
    b = PersonRecordFactory.create(
        agency=health, record_id="H1", child=child, data=person_data(nhs_number="9434765870")
    )
    link_records()
    return a, b, child


def test_the_review_queue_round_trip_through_the_pages(sign_in, client, grey_pair):
    _a, b, child = grey_pair
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    sign_in(coordinator)
    listed = client.get(reverse("linkage:review-list"))
    item = ReviewItem.objects.get()
    assert listed.status_code == 200
    assert reverse("linkage:review-item", args=[item.pk]) in listed.content.decode()
    assert AuditEvent.objects.filter(
        kind=AuditKind.PERSON_RECORD_LISTED, object_id=str(b.pk), child_id=child.pk
    ).exists()

    page = client.get(reverse("linkage:review-item", args=[item.pk]))
    assert page.status_code == 200
    assert "Nickname" not in page.content.decode() and "Date of birth" in page.content.decode()
    assert AuditEvent.objects.filter(kind=AuditKind.PERSON_RECORD_VIEWED, object_type="person_record").count() == 2

    refused = client.post(reverse("linkage:review-item", args=[item.pk]), {"decision": "match", "reason": ""})
    assert refused.status_code == 200 and not LinkDecision.objects.exists(), "a reason is required"
    done = client.post(
        reverse("linkage:review-item", args=[item.pk]),
        {"decision": "match", "reason": "Same child: the health NHS number was mistyped"},
    )
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.status == ReviewStatus.DECIDED
    assert person_ids()[("POL", "P1")] == person_ids()[("HEA", "H1")]
    decided = AuditEvent.objects.get(kind=AuditKind.LINK_DECIDED)
    assert decided.actor == coordinator and decided.child_id == child.pk and decided.reason

    link = PersonLink.objects.get(person_record=b)
    decided_page = client.get(reverse("linkage:review-item", args=[item.pk])).content.decode()
    # The linked person's page, where a link is undone, is linked from the pair's page.
    assert reverse("linkage:person", args=[link.person_id]) in decided_page
    person_page = client.get(reverse("linkage:person", args=[link.person_id]))
    assert person_page.status_code == 200
    assert "POL P1" in person_page.content.decode() and "HEA H1" in person_page.content.decode()

    undone = client.post(reverse("linkage:link-undo", args=[link.pk]), {"reason": "Checked again: two children"})
    assert undone.status_code == 302
    assert person_ids()[("POL", "P1")] != person_ids()[("HEA", "H1")]
    assert AuditEvent.objects.filter(kind=AuditKind.LINK_UNDONE, child_id=child.pk).exists()
    link_records()
    assert person_ids()[("POL", "P1")] != person_ids()[("HEA", "H1")], "the undo binds later runs"


@pytest.mark.parametrize("role", [RoleCode.PRACTITIONER, RoleCode.MANAGER, RoleCode.LEADER, RoleCode.ADMINISTRATOR])
def test_only_the_coordinator_sees_the_review_queue(sign_in, client, grey_pair, role):
    sign_in(UserFactory.create(roles=[role]))
    item = ReviewItem.objects.get()
    assert client.get(reverse("linkage:review-list")).status_code == 403
    assert client.get(reverse("linkage:review-item", args=[item.pk])).status_code == 403
    assert not AuditEvent.objects.filter(kind=AuditKind.PERSON_RECORD_VIEWED).exists()
