"""The front door: finding the child first, recording a contact, requests for information, the decision against
the threshold version the contact was received under, telling the referrer, need-to-know, the audit and the
figures."""

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
from joinedup.children.models import Child, Involvement
from joinedup.children.tests.factories import ChildFactory
from joinedup.deadlines import london_date
from joinedup.frontdoor import services
from joinedup.frontdoor.models import Consent, Contact, InformationRequest, ReferrerKind, Route, ThresholdDocument
from joinedup.frontdoor.thresholds import WEALDBRIDGE_LEVELS, WEALDBRIDGE_NAME, LevelText, threshold_add
from joinedup.linkage.search import search_keys_refresh
from joinedup.oversight.figures import BY_KEY, default_filters, figure_counts

from .factories import contact_make, information_request_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def csc():
    return AgencyFactory.create(code="CSC", kind=AgencyKind.CHILDRENS_SOCIAL_CARE)


@pytest.fixture
def school():
    return AgencyFactory.create(code="SCH", kind=AgencyKind.EDUCATION)


@pytest.fixture
def pol():
    return AgencyFactory.create(code="POL", kind=AgencyKind.POLICE)


@pytest.fixture
def front_door(csc):
    return UserFactory.create(agency=csc, roles=[RoleCode.PRACTITIONER])


@pytest.fixture
def teacher(school):
    return UserFactory.create(agency=school, roles=[RoleCode.PRACTITIONER])


@pytest.fixture
def child(school):
    child = ChildFactory.create(owning_agency=school, given_name="Jordan", family_name="Synthwood")
    search_keys_refresh(children=[child])
    return child


def _record(user, child, **changes):
    values = {
        "worries": "Seen getting into cars with adults the family does not know.",
        "child_aware": "yes",
        "family_aware": "no",
        "consent": Consent.NOT_SOUGHT,
        "consent_reason": "Telling the family may put the child at risk from the adults.",
        "referrer_kind": ReferrerKind.PROFESSIONAL,
        "referrer_name": "Sam Teacher",
        "referrer_role": "Designated safeguarding lead",
        "referrer_agency": user.agency,
        "referrer_contact": "0100 000 0000",
    }
    return services.contact_record(user=user, child=child, **{**values, **changes})


def _level(contact, code):
    return contact.threshold.levels.get(code=code)


# Finding the child first ----------------------------------------------------------------------------------------


def test_the_find_page_lists_a_child_the_practitioner_may_see_with_a_link_to_record_the_contact(
    sign_in, client, teacher, child
):
    sign_in(teacher)
    page = client.get(reverse("frontdoor:find"), {"given_name": "Jordan", "family_name": "Synthwood"})
    assert page.status_code == 200
    assert reverse("frontdoor:contact-create", args=[child.pk]) in page.content.decode()


def test_a_new_child_is_not_recorded_while_a_matching_child_is_listed_unless_none_of_them_is_the_child(
    sign_in, client, teacher, child
):
    sign_in(teacher)
    details = {"given_name": "Jordan", "family_name": "Synthwood"}
    refused = client.post(reverse("frontdoor:find"), details)
    assert refused.status_code == 200
    assert "none of them is this child" in refused.content.decode()
    assert Child.objects.count() == 1

    confirmed = client.post(reverse("frontdoor:find"), {**details, "none_of_these": "on"})
    new = Child.objects.exclude(pk=child.pk).get()
    assert confirmed.headers["Location"] == reverse("frontdoor:contact-create", args=[new.pk])


def test_a_child_known_only_to_another_agency_is_reached_by_asking_to_be_connected_never_recorded_again(
    sign_in, client, teacher, pol
):
    known = ChildFactory.create(
        owning_agency=pol, given_name="Casey", family_name="Synthfield", date_of_birth=dt.date(2011, 5, 4)
    )
    search_keys_refresh(children=[known])
    sign_in(teacher)
    details = {"given_name": "Casey", "family_name": "Synthfield", "date_of_birth": "2011-05-04"}
    page = client.get(reverse("frontdoor:find"), details)
    assert "may already be known to the partnership" in page.content.decode()
    assert pol.name not in page.content.decode()  # nor which agency
    with pytest.raises(ValidationError):
        services.contact_child_new(
            user=teacher,
            given_name="Casey",
            family_name="Synthfield",
            date_of_birth=known.date_of_birth,
            none_of_these=True,
        )
    refused = client.post(reverse("frontdoor:find"), {**details, "none_of_these": "on"})
    assert refused.status_code == 200
    assert Child.objects.count() == 1


def test_a_contact_about_a_child_not_yet_known_records_the_child_through_the_children_app(teacher):
    new = services.contact_child_new(user=teacher, given_name="Riley", family_name="Synthbrook")
    assert Involvement.objects.filter(child=new, agency=teacher.agency, ended_at__isnull=True).exists()
    assert AuditEvent.objects.filter(kind=AuditKind.CHILD_CREATED, child_id=new.pk).exists()


# Recording a contact ----------------------------------------------------------------------------------------------


def test_the_contact_form_shows_the_threshold_descriptors_and_records_the_contact(sign_in, client, teacher, child):
    sign_in(teacher)
    url = reverse("frontdoor:contact-create", args=[child.pk])
    page = client.get(url)
    assert WEALDBRIDGE_LEVELS[3].descriptor in page.content.decode()
    response = client.post(
        url,
        {
            "worries": "Jordan has been seen with older adults near the station after school.",
            "child_aware": "yes",
            "family_aware": "yes",
            "consent": Consent.GIVEN,
            "referrer_kind": ReferrerKind.PROFESSIONAL,
            "referrer_name": "Sam Teacher",
            "referrer_role": "Designated safeguarding lead",
            "referrer_agency": teacher.agency.pk,
        },
    )
    contact = Contact.objects.get()
    assert response.headers["Location"] == reverse("frontdoor:contact", args=[contact.pk])
    assert contact.threshold.name == WEALDBRIDGE_NAME
    assert contact.agency == teacher.agency
    assert AuditEvent.objects.filter(kind=AuditKind.CONTACT_RECORDED, child_id=child.pk).count() == 1


def test_the_contact_form_refuses_bad_answers_with_errors_naming_the_field(sign_in, client, teacher, child):
    sign_in(teacher)
    response = client.post(
        reverse("frontdoor:contact-create", args=[child.pk]),
        {
            "worries": "Worried",
            "child_aware": "yes",
            "family_aware": "no",
            "consent": Consent.NOT_SOUGHT,
            "referrer_kind": ReferrerKind.PROFESSIONAL,
            "referrer_name": "Sam",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "consent_reason" in errors
    assert Contact.objects.count() == 0


def test_a_member_of_the_publics_call_is_recorded_without_an_agency(front_door, child):
    Involvement.objects.create(child=child, agency=front_door.agency)
    contact = _record(
        front_door, child, referrer_kind=ReferrerKind.PUBLIC, referrer_name="A neighbour", referrer_role="Neighbour"
    )
    assert contact.referrer_agency is None


# The decision and the threshold version ---------------------------------------------------------------------------


def test_a_contact_keeps_the_threshold_version_it_was_received_under(teacher, front_door, child):
    first = _record(teacher, child)
    newer = threshold_add(
        name=WEALDBRIDGE_NAME,
        in_force_from=london_date(timezone.now()),
        levels=(LevelText("universal", "Universal", "Needs met", ()), LevelText("help", "Help", "Some help", ())),
    )
    second = _record(teacher, child)
    assert (first.threshold.version, second.threshold.version) == (1, 2)
    assert ThresholdDocument.objects.filter(name=WEALDBRIDGE_NAME).count() == 2

    with pytest.raises(ValidationError) as refused:
        services.contact_decide(
            user=front_door,
            contact=first,
            level=newer.levels.get(code="help"),
            decision_reason="Needs help",
            route=Route.EARLY_HELP,
        )
    assert "level" in refused.value.message_dict
    decided = services.contact_decide(
        user=front_door,
        contact=first,
        level=_level(first, "early_help"),
        decision_reason="Needs met by early help with the family's agreement",
        route=Route.EARLY_HELP,
    )
    decided.refresh_from_db()
    assert decided.level is not None and decided.level.document.version == 1


def test_the_whole_journey_to_the_exploitation_pathway_with_the_referrer_told(
    sign_in, client, teacher, front_door, child, pol
):
    contact = _record(teacher, child)
    police = UserFactory.create(agency=pol, roles=[RoleCode.PRACTITIONER])
    asked = services.information_request_make(
        user=front_door, contact=contact, to_agency=pol, question="What do you know of the adults?"
    )
    assert asked.respond_by == contact.decision_due
    services.information_request_answer(user=police, request=asked, answer="Two are known to us.")
    sign_in(front_door)
    response = client.post(
        reverse("frontdoor:decide", args=[contact.pk]),
        {
            "level": _level(contact, "specialist").pk,
            "decision_reason": "Reasonable cause to suspect exploitation",
            "route": Route.EXPLOITATION,
        },
    )
    assert response.status_code == 302
    response = client.post(reverse("frontdoor:told", args=[contact.pk]), {"referrer_told_how": "phone"})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.route == Route.EXPLOITATION
    assert contact.decided_at < contact.decision_due_at
    assert contact.referrer_told_at >= contact.decided_at
    kinds = set(AuditEvent.objects.filter(child_id=child.pk).values_list("kind", flat=True))
    assert {
        AuditKind.INFORMATION_REQUESTED,
        AuditKind.INFORMATION_REQUEST_ANSWERED,
        AuditKind.CONTACT_DECIDED,
        AuditKind.REFERRER_TOLD,
    } <= kinds


def test_no_further_action_needs_the_advice_given_and_the_error_names_the_field(
    sign_in, client, teacher, front_door, child
):
    contact = _record(teacher, child)
    sign_in(front_door)
    response = client.post(
        reverse("frontdoor:decide", args=[contact.pk]),
        {"level": _level(contact, "universal").pk, "decision_reason": "Needs met", "route": Route.NO_FURTHER_ACTION},
    )
    assert response.status_code == 200
    assert "route_detail" in response.context["decide"].errors
    contact.refresh_from_db()
    assert contact.decided_at is None


# Requests for information: only the agency asked answers ---------------------------------------------------------


def test_only_the_agency_asked_answers_a_request_for_information(sign_in, client, teacher, front_door, child, pol):
    contact = _record(teacher, child)
    asked = services.information_request_make(
        user=front_door, contact=contact, to_agency=pol, question="What do you know?"
    )
    health = UserFactory.create(agency=AgencyFactory.create(code="NHS", kind=AgencyKind.HEALTH))
    with pytest.raises(PermissionDenied):
        services.information_request_answer(user=health, request=asked, answer="We know her.")
    with pytest.raises(PermissionDenied):
        services.information_request_answer(user=front_door, request=asked, answer="Answering for them.")

    sign_in(health)
    assert client.post(reverse("frontdoor:request", args=[asked.pk]), {"answer": "We know her."}).status_code == 404
    sign_in(front_door)
    assert client.get(reverse("frontdoor:request", args=[asked.pk])).status_code == 200
    assert client.post(reverse("frontdoor:request", args=[asked.pk]), {"answer": "For them"}).status_code == 403
    asked.refresh_from_db()
    assert asked.answered_at is None

    police = UserFactory.create(agency=pol, roles=[RoleCode.MANAGER])
    sign_in(police)
    assert child.full_name in client.get(reverse("frontdoor:requests")).content.decode()
    response = client.post(reverse("frontdoor:request", args=[asked.pk]), {"answer": "Two adults are known to us."})
    assert response.status_code == 302
    asked.refresh_from_db()
    assert (asked.answered_by, asked.answer) == (police, "Two adults are known to us.")


# Refused writes write nothing --------------------------------------------------------------------------------------


def test_refused_writes_write_nothing(teacher, front_door, child):
    contact = _record(teacher, child)
    audit_rows = AuditEvent.objects.count()
    leader = UserFactory.create(agency=front_door.agency, roles=[RoleCode.LEADER])
    with pytest.raises(PermissionDenied):
        _record(leader, child)
    with pytest.raises(PermissionDenied):
        services.contact_decide(
            user=teacher,
            contact=contact,
            level=_level(contact, "universal"),
            decision_reason="Deciding my own referral",
            route=Route.EARLY_HELP,
        )
    with pytest.raises(PermissionDenied):
        services.referrer_told_record(user=front_door, contact=contact, referrer_told_how="phone")  # not decided yet
    with pytest.raises(PermissionDenied):
        services.information_request_make(user=teacher, contact=contact, to_agency=front_door.agency, question="?")
    contact.refresh_from_db()
    assert contact.decided_at is None
    assert Contact.objects.count() == 1
    assert InformationRequest.objects.count() == 0
    assert AuditEvent.objects.count() == audit_rows


# Need-to-know and the audit ---------------------------------------------------------------------------------------


def test_the_front_door_sees_every_contact_others_only_those_about_children_they_may_see(
    sign_in, client, teacher, front_door, child, pol
):
    contact = _record(teacher, child)
    url = reverse("frontdoor:contact", args=[contact.pk])
    sign_in(UserFactory.create(agency=pol, roles=[RoleCode.PRACTITIONER]))
    assert client.get(url).status_code == 404
    sign_in(teacher)
    assert client.get(url).status_code == 200
    sign_in(front_door)
    page = client.get(url)
    assert page.status_code == 200
    assert AuditEvent.objects.filter(
        kind=AuditKind.CHILD_VIEWED, actor=front_door, child_id=child.pk, object_type="frontdoor_contact"
    ).exists()
    queue = client.get(reverse("frontdoor:queue"))
    assert child.full_name in queue.content.decode()
    assert AuditEvent.objects.filter(kind=AuditKind.CHILD_LISTED, actor=front_door, child_id=child.pk).exists()
    sign_in(teacher)
    assert client.get(reverse("frontdoor:queue")).status_code == 403


def test_the_childs_record_lists_the_contacts_and_offers_record_a_contact(sign_in, client, teacher, child):
    contact = _record(teacher, child)
    sign_in(teacher)
    page = client.get(reverse("children:detail", args=[child.pk])).content.decode()
    assert reverse("frontdoor:contact", args=[contact.pk]) in page
    assert reverse("frontdoor:contact-create", args=[child.pk]) in page


# The figures -------------------------------------------------------------------------------------------------------


def test_each_front_door_figure_counts_its_list_on_a_known_set(csc, school, pol, teacher, child):
    now = timezone.now()
    in_time = contact_make(
        child=child,
        recorded_by=teacher,
        received_at=now - dt.timedelta(days=20),
        decided=True,
        told_at=now - dt.timedelta(days=19),
    )
    late = contact_make(
        child=child,
        recorded_by=teacher,
        received_at=now - dt.timedelta(days=30),
        decided_at=now - dt.timedelta(days=20),
    )
    waiting_late = contact_make(child=child, recorded_by=teacher, received_at=now - dt.timedelta(days=10))
    waiting = contact_make(child=child, recorded_by=teacher, received_at=now - dt.timedelta(minutes=5))
    contact_make(child=child, recorded_by=teacher, received_at=now - dt.timedelta(days=500))  # before the period
    answered_late = information_request_make(contact=late, to=pol, answered_at=now - dt.timedelta(days=21))
    information_request_make(contact=in_time, to=pol, answered_at=in_time.received_at + dt.timedelta(hours=1))
    information_request_make(contact=waiting, to=pol)
    leader = UserFactory.create(agency=csc, roles=[RoleCode.LEADER])
    filters = default_filters()

    expected = {
        "frontdoor-contacts": {in_time.pk, late.pk, waiting_late.pk, waiting.pk},
        "frontdoor-decided-in-time": {in_time.pk},
        "frontdoor-late": {late.pk, waiting_late.pk},
        "frontdoor-referrers-told": {in_time.pk},
        "frontdoor-requests-late": {answered_late.pk},
    }
    counts = {fc.figure.key: fc.count for _, section in figure_counts(user=leader, filters=filters) for fc in section}
    for key, pks in expected.items():
        rows = BY_KEY[key].rows(leader, filters)
        assert {row.pk for row in rows} == pks, key
        assert counts[key] == rows.count() == len(pks), key
        for column in BY_KEY[key].columns:
            column.value(rows[0])


def test_the_figures_count_only_children_the_viewer_may_see(csc, pol, teacher, child):
    contact_make(child=child, recorded_by=teacher)
    police_manager = UserFactory.create(agency=pol, roles=[RoleCode.MANAGER])
    assert BY_KEY["frontdoor-contacts"].rows(police_manager, default_filters()).count() == 0
    Involvement.objects.create(child=child, agency=pol)
    assert BY_KEY["frontdoor-contacts"].rows(police_manager, default_filters()).count() == 1


def test_the_navigation_leads_the_front_door_to_its_queue_and_partners_to_their_requests(
    sign_in, client, front_door, teacher
):
    sign_in(front_door)
    home = client.get(reverse("web:home")).content.decode()
    assert f'href="{reverse("frontdoor:queue")}"' in home
    assert f'href="{reverse("frontdoor:requests")}"' not in home
    sign_in(teacher)
    home = client.get(reverse("web:home")).content.decode()
    assert f'href="{reverse("frontdoor:queue")}"' not in home
    assert f'href="{reverse("frontdoor:requests")}"' in home
