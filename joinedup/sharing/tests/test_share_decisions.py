"""A decision to share is recorded with a lawful basis, a purpose and one recipient, or not at all.

The database refuses a share without them (check constraints, on SQLite and on
PostgreSQL), so no path round the service or the form can store one.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from joinedup.access import policy
from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import Agency, AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import Child
from joinedup.children.tests.factories import ChildFactory, ChronologyEntryFactory
from joinedup.sharing.models import LawfulBasis, ShareDecision, SharingAgreement
from joinedup.sharing.services import share_decision_record, share_under_agreement
from joinedup.sharing.tests.factories import ShareDecisionFactory

PURPOSE = "Police need the safety plan to plan the return home"


@dataclass
class World:
    social_care: Agency
    police: Agency
    child: Child
    social_worker: User
    manager: User
    police_practitioner: User


@pytest.fixture
def world(db) -> World:
    social_care, police = AgencyFactory.create(code="SC"), AgencyFactory.create(code="POL")
    return World(
        social_care=social_care,
        police=police,
        child=ChildFactory.create(owning_agency=social_care),
        social_worker=UserFactory.create(username="sc.worker", agency=social_care),
        manager=UserFactory.create(username="sc.manager", agency=social_care, roles=[RoleCode.MANAGER]),
        police_practitioner=UserFactory.create(username="pol.practitioner", agency=police),
    )


def _row(world: World, **overrides: Any) -> dict[str, Any]:
    """Fields of a lawful share of the whole record with police; override one to break it."""
    return {
        "child": world.child,
        "shared_by_agency": world.social_care,
        "shared_with_agency": world.police,
        "lawful_basis": LawfulBasis.CHILDREN_ACT_1989_S47,
        "purpose": PURPOSE,
        "decided_by": world.social_worker,
        "approved_by": world.manager,
    } | overrides


# The database ---------------------------------------------------------------------------------------------


def test_the_database_stores_a_share_with_a_lawful_basis_a_purpose_and_one_recipient(world):
    with transaction.atomic():
        ShareDecision.objects.create(**_row(world))

    assert ShareDecision.objects.count() == 1


def test_the_database_stores_a_share_with_one_person(world):
    with transaction.atomic():
        ShareDecision.objects.create(**_row(world, shared_with_agency=None, shared_with_user=world.police_practitioner))

    assert ShareDecision.objects.count() == 1


@pytest.mark.parametrize("lawful_basis", ["", "consent", "UK_GDPR_6_1_E"])
def test_the_database_refuses_a_share_without_a_known_lawful_basis(world, lawful_basis):
    with pytest.raises(IntegrityError), transaction.atomic():
        ShareDecision.objects.create(**_row(world, lawful_basis=lawful_basis))

    assert not ShareDecision.objects.exists()


@pytest.mark.parametrize("purpose", ["", " ", "     ", "\t", " \n ", "\r\n"])
def test_the_database_refuses_a_share_without_a_purpose(world, purpose):
    with pytest.raises(IntegrityError), transaction.atomic():
        ShareDecision.objects.create(**_row(world, purpose=purpose))

    assert not ShareDecision.objects.exists()


def test_the_database_refuses_a_share_with_both_an_agency_and_a_person(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        ShareDecision.objects.create(**_row(world, shared_with_user=world.police_practitioner))

    assert not ShareDecision.objects.exists()


def test_the_database_refuses_a_share_approved_by_the_sharer_or_by_nobody(world):
    for overrides in ({"approved_by": world.social_worker}, {"approved_by": None}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ShareDecision.objects.create(**_row(world, **overrides))

    assert not ShareDecision.objects.exists()


def test_a_share_under_an_inactive_agreement_or_with_another_kind_of_agency_is_refused(world):
    philomena = SharingAgreement.objects.get(code="philomena")
    world.police.kind = AgencyKind.POLICE
    world.police.save()

    with pytest.raises(ValidationError):
        share_under_agreement(
            user=world.social_worker,
            child=world.child,
            agreement_code="philomena",
            shared_with_agency=world.social_care,
            purpose=PURPOSE,
        )
    philomena.is_active = False
    philomena.save()
    with pytest.raises(ValidationError):
        share_under_agreement(
            user=world.social_worker,
            child=world.child,
            agreement_code="philomena",
            shared_with_agency=world.police,
            purpose=PURPOSE,
        )

    assert not ShareDecision.objects.exists()
    assert not AuditEvent.objects.filter(kind=AuditKind.SHARE_RECORDED).exists()


def test_the_database_refuses_a_share_with_no_recipient(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        ShareDecision.objects.create(**_row(world, shared_with_agency=None))

    assert not ShareDecision.objects.exists()


def test_the_database_refuses_to_take_the_lawful_basis_off_a_stored_share(world):
    decision = ShareDecisionFactory.create(child=world.child, shared_with_agency=world.police)

    with pytest.raises(IntegrityError), transaction.atomic():
        ShareDecision.objects.filter(pk=decision.pk).update(lawful_basis="", purpose="")

    decision.refresh_from_db()
    assert decision.lawful_basis == LawfulBasis.UK_GDPR_PUBLIC_TASK


# The service ---------------------------------------------------------------------------------------------


def _share(world: World, **overrides: Any) -> ShareDecision:
    arguments: dict[str, Any] = {
        "user": world.social_worker,
        "child": world.child,
        "lawful_basis": LawfulBasis.CHILDREN_ACT_1989_S47,
        "purpose": PURPOSE,
        "approved_by": world.manager,
        "shared_with_agency": world.police,
    } | overrides
    return share_decision_record(**arguments)


def test_the_service_records_the_decision_and_audits_it(world):
    decision = _share(world, purpose=f"  {PURPOSE}  ")

    assert decision.shared_by_agency == world.social_care
    assert decision.decided_by == world.social_worker
    assert decision.approved_by == world.manager
    assert decision.purpose == PURPOSE
    event = AuditEvent.objects.get(kind=AuditKind.SHARE_RECORDED)
    assert (event.actor, event.child_id, event.object_id) == (world.social_worker, world.child.pk, str(decision.pk))
    assert event.payload["lawful_basis"] == LawfulBasis.CHILDREN_ACT_1989_S47
    assert event.payload["shared_with_agency"] == "POL"
    assert policy.can_view_child(world.police_practitioner, world.child)


INCOMPLETE_SHARES: dict[str, Callable[[World], dict[str, Any]]] = {
    "no lawful basis": lambda world: {"lawful_basis": ""},
    "unknown lawful basis": lambda world: {"lawful_basis": "consent"},
    "no purpose": lambda world: {"purpose": ""},
    "whitespace purpose": lambda world: {"purpose": " \n\t "},
    "no recipient": lambda world: {"shared_with_agency": None},
    "two recipients": lambda world: {"shared_with_user": world.police_practitioner},
    "approver is not a manager": lambda world: {"approved_by": world.social_worker},
    "approver is another agency's manager": lambda world: {
        "approved_by": UserFactory.create(agency=world.police, roles=[RoleCode.MANAGER])
    },
    "sharer approves their own share": lambda world: {
        "user": world.manager,
        "approved_by": world.manager,
    },
}


@pytest.mark.parametrize("overrides", list(INCOMPLETE_SHARES.values()), ids=list(INCOMPLETE_SHARES))
def test_the_service_refuses_an_incomplete_share(world, overrides):
    with pytest.raises(ValidationError):
        _share(world, **overrides(world))

    assert not ShareDecision.objects.exists()
    assert not AuditEvent.objects.filter(kind=AuditKind.SHARE_RECORDED).exists()


def test_the_service_refuses_an_entry_of_another_childs_record(world):
    other_entry = ChronologyEntryFactory.create(child=ChildFactory.create(owning_agency=world.social_care))

    with pytest.raises(ValidationError):
        _share(world, entry=other_entry)

    assert not ShareDecision.objects.exists()


def test_a_practitioner_of_an_agency_the_record_was_shared_with_cannot_share_it_on(world):
    ShareDecisionFactory.create(child=world.child, shared_with_agency=world.police)
    assert policy.can_view_child(world.police_practitioner, world.child)
    police_manager = UserFactory.create(agency=world.police, roles=[RoleCode.MANAGER])

    with pytest.raises(PermissionDenied):
        _share(
            world, user=world.police_practitioner, approved_by=police_manager, shared_with_agency=AgencyFactory.create()
        )

    assert ShareDecision.objects.count() == 1


def test_someone_who_cannot_see_the_child_cannot_share_it(world):
    with pytest.raises(PermissionDenied):
        _share(world, user=world.police_practitioner)

    assert not ShareDecision.objects.exists()


# The page ------------------------------------------------------------------------------------------------


def _share_url(child: Child) -> str:
    return reverse("children:share-create", kwargs={"child_id": child.pk})


def test_the_share_page_records_the_decision_and_an_audit_row(world, client, sign_in):
    sign_in(world.social_worker)

    response = client.post(
        _share_url(world.child),
        {
            "shared_with_agency": world.police.pk,
            "lawful_basis": LawfulBasis.CRIME_AND_DISORDER_ACT_S115,
            "purpose": PURPOSE,
            "approved_by": world.manager.pk,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("children:detail", kwargs={"child_id": world.child.pk})
    decision = ShareDecision.objects.get()
    assert decision.child == world.child
    assert decision.entry is None
    assert decision.shared_with_agency == world.police
    assert decision.shared_with_user is None
    assert decision.lawful_basis == LawfulBasis.CRIME_AND_DISORDER_ACT_S115
    assert decision.purpose == PURPOSE
    assert (decision.decided_by, decision.approved_by) == (world.social_worker, world.manager)
    event = AuditEvent.objects.get(kind=AuditKind.SHARE_RECORDED)
    assert event.actor == world.social_worker
    assert event.child_id == world.child.pk
    assert event.object_type == "share_decision"
    assert event.object_id == str(decision.pk)
    assert event.reason == PURPOSE
    assert event.path == _share_url(world.child)


def test_the_share_page_records_a_share_of_one_entry_with_one_person(world, client, sign_in):
    entry = ChronologyEntryFactory.create(child=world.child, owning_agency=world.social_care)
    sign_in(world.social_worker)

    response = client.post(
        _share_url(world.child),
        {
            "shared_with_user": world.police_practitioner.pk,
            "entry": entry.pk,
            "lawful_basis": LawfulBasis.UK_GDPR_PUBLIC_TASK,
            "purpose": PURPOSE,
            "approved_by": world.manager.pk,
        },
    )

    assert response.status_code == 302
    decision = ShareDecision.objects.get()
    assert (decision.entry, decision.shared_with_user) == (entry, world.police_practitioner)
    assert AuditEvent.objects.get(kind=AuditKind.SHARE_RECORDED).payload["entry"] == entry.pk


@pytest.mark.parametrize("missing", ["lawful_basis", "purpose"])
def test_the_share_page_refuses_a_share_without_a_lawful_basis_or_purpose(world, client, sign_in, missing):
    sign_in(world.social_worker)
    data = {
        "shared_with_agency": world.police.pk,
        "lawful_basis": LawfulBasis.UK_GDPR_PUBLIC_TASK,
        "purpose": PURPOSE,
        "approved_by": world.manager.pk,
    } | {missing: ""}

    response = client.post(_share_url(world.child), data)

    assert response.status_code == 200
    assert not ShareDecision.objects.exists()
    assert not AuditEvent.objects.filter(kind=AuditKind.SHARE_RECORDED).exists()


def test_the_share_page_refuses_a_recipient_of_a_share(world, client, sign_in):
    ShareDecisionFactory.create(child=world.child, shared_with_agency=world.police)
    sign_in(world.police_practitioner)

    response = client.post(
        _share_url(world.child),
        {
            "shared_with_agency": AgencyFactory.create().pk,
            "lawful_basis": LawfulBasis.UK_GDPR_PUBLIC_TASK,
            "purpose": PURPOSE,
            "approved_by": UserFactory.create(agency=world.police, roles=[RoleCode.MANAGER]).pk,
        },
    )

    assert response.status_code == 403
    assert ShareDecision.objects.count() == 1
