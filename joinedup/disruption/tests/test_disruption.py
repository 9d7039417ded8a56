"""Disruption of adults of concern, and an adult's page within need-to-know."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.tests.factories import ChildFactory
from joinedup.concerns.models import AdultOfConcern, HandlingCode
from joinedup.disruption import selectors, services
from joinedup.disruption.models import DisruptionAction, Tactic
from joinedup.disruption.tests.factories import AdultOfConcernFactory, ConcernFactory, DisruptionActionFactory


@pytest.fixture
def police(db):
    return AgencyFactory.create(code="POL", kind=AgencyKind.POLICE)


@pytest.fixture
def officer(police):
    return UserFactory.create(agency=police, roles=[RoleCode.PRACTITIONER])


@pytest.fixture
def adult(police) -> AdultOfConcern:
    return AdultOfConcernFactory.create(name="Lee Marsh", other_names="Tiny; LM", owning_agency=police)


def test_disruption_is_recorded_without_any_child_engaging(officer, adult):
    action = services.disruption_record(
        user=officer,
        adult=adult,
        tactic=Tactic.LICENSING_ACTION,
        taken_on=timezone.localdate() - dt.timedelta(days=2),
        outcome="Licensing review of the Station Hotel requested; premises licence conditions added.",
    )
    assert action.children.count() == 0
    assert action.owning_agency == officer.agency and action.recorded_by == officer
    event = AuditEvent.objects.get(kind=AuditKind.DISRUPTION_RECORDED)
    assert event.child_id is None and event.payload["children"] == 0


def test_a_police_practitioner_records_disruption_through_the_page(officer, adult, sign_in, client):
    child = ChildFactory.create(owning_agency=officer.agency, la_child_id="WB100005")
    sign_in(officer)
    url = reverse("disruption:record", kwargs={"adult_id": adult.pk})
    response = client.post(
        url,
        {
            "tactic": Tactic.CHILD_ABDUCTION_WARNING_NOTICE,
            "taken_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "outcome": "Notice served at his address",
            "child_references": "WB100005",
        },
    )
    assert response.status_code == 302
    action = DisruptionAction.objects.get()
    assert list(action.children.all()) == [child]
    page = client.get(reverse("disruption:adult-detail", kwargs={"adult_id": adult.pk})).content.decode()
    assert "Child abduction warning notice" in page and child.full_name in page


def test_a_linked_child_the_recorder_may_not_see_is_refused(officer, adult, sign_in, client):
    hidden = ChildFactory.create(la_child_id="WB100099")
    with pytest.raises(ValidationError):
        services.disruption_record(
            user=officer,
            adult=adult,
            tactic=Tactic.ARREST,
            taken_on=timezone.localdate(),
            outcome="x",
            children=[hidden],
        )
    sign_in(officer)
    response = client.post(
        reverse("disruption:record", kwargs={"adult_id": adult.pk}),
        {
            "tactic": Tactic.ARREST,
            "taken_on": timezone.localdate().isoformat(),
            "outcome": "x",
            "child_references": "WB100099",
        },
    )
    assert response.status_code == 200
    assert not DisruptionAction.objects.exists()


def test_disruption_in_the_future_or_without_an_outcome_is_refused(officer, adult):
    with pytest.raises(ValidationError):
        services.disruption_record(
            user=officer,
            adult=adult,
            tactic=Tactic.ARREST,
            taken_on=timezone.localdate() + dt.timedelta(days=1),
            outcome="x",
        )
    with pytest.raises(ValidationError):
        services.disruption_record(
            user=officer, adult=adult, tactic=Tactic.ARREST, taken_on=timezone.localdate(), outcome=" "
        )


def test_police_staff_and_coordinators_record_disruption_and_nobody_else(adult):
    police = adult.owning_agency
    health = AgencyFactory.create(code="HEA", kind=AgencyKind.HEALTH)
    allowed = [
        UserFactory.create(agency=police, roles=[RoleCode.PRACTITIONER]),
        UserFactory.create(agency=police, roles=[RoleCode.MANAGER]),
        UserFactory.create(agency=health, roles=[RoleCode.COORDINATOR]),
    ]
    refused = [
        UserFactory.create(agency=health, roles=[RoleCode.PRACTITIONER]),
        UserFactory.create(agency=health, roles=[RoleCode.MANAGER]),
        UserFactory.create(agency=police, roles=[RoleCode.LEADER]),
        UserFactory.create(agency=police, roles=[RoleCode.ADMINISTRATOR]),
    ]
    for user in allowed:
        services.disruption_record(
            user=user, adult=adult, tactic=Tactic.VISIT_WARNING, taken_on=timezone.localdate(), outcome="Warned"
        )
    for user in refused:
        with pytest.raises(PermissionDenied):
            services.disruption_record(
                user=user, adult=adult, tactic=Tactic.VISIT_WARNING, taken_on=timezone.localdate(), outcome="Warned"
            )
    assert DisruptionAction.objects.count() == len(allowed)


def test_an_adults_page_shows_only_concerns_of_children_the_viewer_may_see(adult, sign_in, client):
    health = AgencyFactory.create(code="HEA", kind=AgencyKind.HEALTH)
    theirs = ChildFactory.create(owning_agency=health)
    hidden = ChildFactory.create()
    ConcernFactory.create(child=theirs, adults=[adult], what_happened="Collected from clinic by the adult")
    ConcernFactory.create(child=hidden, adults=[adult], what_happened="Hidden concern text")
    DisruptionActionFactory.create(adult=adult, outcome="Arrested and bailed")
    nurse = UserFactory.create(agency=health, roles=[RoleCode.PRACTITIONER])
    sign_in(nurse)

    page = client.get(reverse("disruption:adult-detail", kwargs={"adult_id": adult.pk})).content.decode()

    assert "Lee Marsh" in page and "Tiny, LM" in page
    assert theirs.full_name in page and "Collected from clinic by the adult" in page
    assert hidden.full_name not in page and "Hidden concern text" not in page
    assert "Arrested and bailed" in page
    listed = AuditEvent.objects.filter(kind=AuditKind.CHILD_LISTED, actor=nurse)
    assert [e.child_id for e in listed] == [theirs.pk]
    assert AuditEvent.objects.filter(kind=AuditKind.ADULT_OF_CONCERN_VIEWED, object_id=str(adult.pk)).count() == 1


def test_an_adults_page_shows_code_c_intelligence_only_within_its_conditions(adult, officer):
    health = AgencyFactory.create(code="HEA", kind=AgencyKind.HEALTH)
    child = ChildFactory.create(owning_agency=health)
    child.involvements.create(agency=officer.agency)
    ConcernFactory.create(
        child=child,
        adults=[adult],
        owning_agency=officer.agency,
        recorded_by=officer,
        what_happened="Informant: the adult stores drugs at the flat",
        source_evaluation="2",
        intelligence_assessment="C",
        handling_code=HandlingCode.CONDITIONS,
        handling_conditions="Police only",
        sanitised_summary="Information suggests the adult is linked to an address of concern.",
    )
    nurse = UserFactory.create(agency=health, roles=[RoleCode.PRACTITIONER])
    [for_nurse] = selectors.adult_shown(user=nurse, adult=adult).concerns
    [for_officer] = selectors.adult_shown(user=officer, adult=adult).concerns
    assert for_nurse.text == "Information suggests the adult is linked to an address of concern."
    assert for_officer.text == "Informant: the adult stores drugs at the flat"


def test_a_linked_child_is_named_only_to_those_who_may_see_them(adult):
    child = ChildFactory.create()
    action = DisruptionActionFactory.create(adult=adult)
    action.children.add(child)
    outsider = UserFactory.create(roles=[RoleCode.PRACTITIONER])
    [shown] = selectors.adult_shown(user=outsider, adult=adult).disruptions
    assert shown.children == []
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    [shown] = selectors.adult_shown(user=coordinator, adult=adult).disruptions
    assert shown.children == [child]


def test_the_adults_list_is_for_police_coordinators_and_leaders(adult, officer, sign_in, client):
    url = reverse("disruption:adult-list")
    sign_in(officer)
    assert "Lee Marsh" in client.get(url).content.decode()
    client.logout()
    for role, code in [
        (RoleCode.COORDINATOR, 200),
        (RoleCode.LEADER, 200),
        (RoleCode.PRACTITIONER, 403),
        (RoleCode.MANAGER, 403),
        (RoleCode.ADMINISTRATOR, 403),
    ]:
        sign_in(UserFactory.create(roles=[role]))
        assert client.get(url).status_code == code, role
        client.logout()


def test_administrators_may_not_open_an_adults_page(adult, sign_in, client):
    sign_in(UserFactory.create(roles=[RoleCode.ADMINISTRATOR]))
    assert client.get(reverse("disruption:adult-detail", kwargs={"adult_id": adult.pk})).status_code == 403


def test_a_police_manager_records_an_adult_of_concern(police, sign_in, client):
    manager = UserFactory.create(agency=police, roles=[RoleCode.MANAGER])
    sign_in(manager)
    response = client.post(
        reverse("disruption:adult-create"),
        {"name": "Ryan Cole", "other_names": "Ry", "date_of_birth": "1990-02-03", "description": "Drives a grey van"},
    )
    assert response.status_code == 302
    adult = AdultOfConcern.objects.get(name="Ryan Cole")
    assert adult.owning_agency == police and adult.date_of_birth == dt.date(1990, 2, 3)
    assert AuditEvent.objects.filter(kind=AuditKind.ADULT_OF_CONCERN_RECORDED, object_id=str(adult.pk)).exists()


def test_a_leader_looks_over_adults_but_does_not_record_them(db, sign_in, client):
    leader = UserFactory.create(roles=[RoleCode.LEADER])
    with pytest.raises(PermissionDenied):
        services.adult_of_concern_record(user=leader, name="Someone")
    sign_in(leader)
    assert client.get(reverse("disruption:adult-create")).status_code == 403
