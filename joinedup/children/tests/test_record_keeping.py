"""Keeping a child's record up to date: every change keeps its history, and involvements decide who sees."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from joinedup.access.policy import children_visible_to
from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory, TeamFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children import services
from joinedup.children.identifiers import UPN_LETTERS, upn_check_letter, validate_upn_check_letter
from joinedup.children.models import (
    Address,
    DatePrecision,
    DetailChange,
    Ethnicity,
    Involvement,
    LegalStatus,
    PlacementType,
    Relative,
    RelativeKind,
)
from joinedup.children.tests.factories import ChildFactory
from joinedup.imports.models import PersonRecord
from joinedup.sharing.tests.factories import ShareDecisionFactory

VALID_NHS = "9434765919"
VALID_UPN = "N801200001234"


@pytest.fixture
def csc(db):
    return AgencyFactory.create(code="CSC", name="Children's Social Care")


@pytest.fixture
def police(db):
    return AgencyFactory.create(code="POL", name="Wealdbridge Police")


@pytest.fixture
def practitioner(csc):
    return UserFactory.create(agency=csc, first_name="Sam", last_name="Social")


@pytest.fixture
def child(csc, practitioner):
    return ChildFactory.create(owning_agency=csc, created_by=practitioner, given_name="Kayleigh")


def _counts(child) -> tuple[int, int]:
    return DetailChange.objects.filter(child=child).count(), AuditEvent.objects.filter(child_id=child.pk).count()


def _updated(child) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(child_id=child.pk, kind=AuditKind.CHILD_UPDATED))


# The details


def test_changing_names_keeps_the_old_value_the_new_and_the_reason(child, practitioner):
    rows = services.child_details_change(
        user=practitioner,
        child=child,
        changes={"family_name": "Okonkwo", "other_names": " Kay ; KB "},
        reason="Adopted name, confirmed by Kayleigh",
    )
    child.refresh_from_db()
    assert (child.family_name, child.other_names) == ("Okonkwo", "Kay;KB")
    by_field = {row.field: row for row in rows}
    assert by_field["family_name"].new_value == "Okonkwo"
    assert by_field["family_name"].old_value.startswith("Testchild")
    assert by_field["other_names"].old_value == "" and by_field["other_names"].new_value == "Kay;KB"
    assert all(row.changed_by == practitioner and row.reason == "Adopted name, confirmed by Kayleigh" for row in rows)
    [event] = _updated(child)
    assert event.actor == practitioner and sorted(event.payload["fields"]) == ["family_name", "other_names"]


def test_a_partial_date_of_birth_is_kept_with_its_precision_and_shown_as_known(child, practitioner):
    [row] = services.child_details_change(
        user=practitioner,
        child=child,
        changes={"date_of_birth": dt.date(2011, 5, 1), "date_of_birth_precision": DatePrecision.MONTH},
        reason="Only the month is known",
    )
    assert (row.field, row.old_value, row.new_value) == ("date_of_birth", "5 April 2011", "May 2011")
    assert len(_updated(child)) == 1


def test_sex_ethnicity_identifiers_placement_and_key_worker_each_keep_their_history(child, practitioner, csc):
    services.child_details_change(
        user=practitioner,
        child=child,
        changes={"ethnicity": Ethnicity.MWBC, "nhs_number": "943 476 5919", "upn": VALID_UPN, "police_ids": "P1"},
    )
    services.child_details_change(
        user=practitioner,
        child=child,
        changes={
            "looked_after": True,
            "legal_status": LegalStatus.C2,
            "placement_type": PlacementType.U4,
            "placement": "With the Ashby family",
            "placement_agency": csc,
            "placement_started": dt.date(2026, 3, 1),
        },
        reason="Care order made",
    )
    colleague = UserFactory.create(agency=csc, first_name="Kim", last_name="Keyworker")
    services.child_details_change(
        user=practitioner,
        child=child,
        changes={"key_worker": colleague, "key_worker_chosen_by_child": True},
        reason="Kayleigh asked for Kim",
    )
    history = {row.field: row for row in DetailChange.objects.filter(child=child)}
    assert history["ethnicity"].new_value == "Mixed or multiple ethnic groups: White and Black Caribbean"
    assert history["nhs_number"].new_value == VALID_NHS
    assert history["legal_status"].new_value == "C2: full care order"
    assert history["placement_type"].new_value.startswith("U4:")
    assert history["placement_agency"].new_value == "Children's Social Care"
    assert history["placement_started"].new_value == "1 March 2026"
    assert history["key_worker"].new_value == "Kim Keyworker (Children's Social Care)"
    assert history["key_worker_chosen_by_child"].new_value == "Yes"
    assert len(_updated(child)) == 3


def test_a_change_that_changes_nothing_writes_nothing(child, practitioner):
    before = _counts(child)
    assert services.child_details_change(user=practitioner, child=child, changes={"given_name": " Kayleigh "}) == []
    assert _counts(child) == before


def test_the_older_correction_call_still_works_and_keeps_history(child, practitioner):
    services.child_details_update(user=practitioner, child=child, family_name="Okonkwo")
    assert DetailChange.objects.get(child=child).new_value == "Okonkwo"


def test_a_refused_change_writes_nothing(child, police):
    # The police see the record through a share, but keeping it is for an involved agency.
    ShareDecisionFactory.create(child=child, shared_with_agency=police)
    officer = UserFactory.create(agency=police)
    leader = UserFactory.create(agency=police, roles=[RoleCode.LEADER])
    before = _counts(child)
    for user in (officer, leader):
        with pytest.raises(PermissionDenied):
            services.child_details_change(user=user, child=child, changes={"family_name": "Other"}, reason="x")
        with pytest.raises(PermissionDenied):
            services.address_record(user=user, child=child, address_text="1 High Street")
        with pytest.raises(PermissionDenied):
            services.relative_record(user=user, child=child, kind=RelativeKind.PARENT, name="A Parent")
    child.refresh_from_db()
    assert child.family_name != "Other"
    assert _counts(child) == before
    assert not Address.objects.filter(child=child).exists() and not Relative.objects.filter(child=child).exists()


def test_an_nhs_number_with_a_wrong_check_digit_is_refused_with_a_clear_message(child, practitioner):
    before = _counts(child)
    with pytest.raises(ValidationError) as refused:
        services.child_details_change(user=practitioner, child=child, changes={"nhs_number": "9434765918"})
    assert refused.value.message_dict["nhs_number"] == ["Enter a valid NHS number: 10 digits, the last a check digit"]
    assert _counts(child) == before


def test_a_upn_with_a_wrong_check_letter_is_refused_with_a_clear_message(child, practitioner):
    before = _counts(child)
    with pytest.raises(ValidationError) as refused:
        services.child_details_change(user=practitioner, child=child, changes={"upn": "H801200001234"})
    assert "check letter" in refused.value.message_dict["upn"][0]
    assert _counts(child) == before


def test_the_upn_check_letter_follows_the_dfe_rule():
    assert upn_check_letter(VALID_UPN) == "N"
    validate_upn_check_letter(VALID_UPN)
    validate_upn_check_letter("")
    with pytest.raises(ValidationError):
        validate_upn_check_letter("A12345678901")  # 12 characters


@given(st.text(alphabet="0123456789", min_size=11, max_size=11), st.sampled_from("0123456789" + UPN_LETTERS))
def test_exactly_one_check_letter_makes_any_upn_valid(digits: str, last: str):
    rest = digits + last
    valid = [letter for letter in UPN_LETTERS if upn_check_letter(letter + rest) == letter]
    assert valid == [upn_check_letter("A" + rest)]


def test_the_key_worker_must_be_from_an_involved_agency(child, practitioner, police):
    officer = UserFactory.create(agency=police)
    before = _counts(child)
    with pytest.raises(ValidationError) as refused:
        services.child_details_change(user=practitioner, child=child, changes={"key_worker": officer})
    assert "involved" in refused.value.message_dict["key_worker"][0]
    assert _counts(child) == before


def test_a_key_worker_of_an_agency_that_becomes_involved_may_be_chosen(child, practitioner, police):
    coordinator = UserFactory.create(agency=AgencyFactory.create(code="MACE"), roles=[RoleCode.COORDINATOR])
    services.involvement_open(user=coordinator, child=child, agency=police, reason="Exploitation concerns")
    officer = UserFactory.create(agency=police)
    services.child_details_change(user=practitioner, child=child, changes={"key_worker": officer})
    child.refresh_from_db()
    assert child.key_worker == officer
    inactive = UserFactory.create(agency=police, is_active=False)
    with pytest.raises(ValidationError):
        services.child_details_change(user=practitioner, child=child, changes={"key_worker": inactive}, reason="x")


# Involvements


def test_opening_an_involvement_is_a_need_to_know_decision(child, police):
    officer = UserFactory.create(agency=police)
    with pytest.raises(PermissionDenied):
        services.involvement_open(user=officer, child=child, agency=police, reason="Asked to help")
    assert not Involvement.objects.filter(child=child, agency=police).exists()
    ShareDecisionFactory.create(child=child, shared_with_agency=police)
    team = TeamFactory.create(agency=police, name="Missing persons")
    involvement = services.involvement_open(
        user=officer, child=child, agency=police, team=team, service="Missing persons unit", reason="Missing twice"
    )
    assert (involvement.team, involvement.service, involvement.opened_by) == (team, "Missing persons unit", officer)
    event = AuditEvent.objects.get(child_id=child.pk, kind=AuditKind.INVOLVEMENT_OPENED)
    assert event.reason == "Missing twice" and event.payload["agency"] == "POL"
    other_agency = AgencyFactory.create(code="EDU")
    with pytest.raises(PermissionDenied):
        services.involvement_open(user=officer, child=child, agency=other_agency, reason="Not theirs to open")


def test_ending_an_involvement_ends_the_agencys_sight_of_the_child(child, practitioner, client, sign_in):
    involvement = child.involvements.get(agency=practitioner.agency)
    services.child_details_change(user=practitioner, child=child, changes={"key_worker": practitioner})
    assert child in children_visible_to(practitioner)
    services.involvement_end(
        user=practitioner, involvement=involvement, reason="Case closed", ended_on=timezone.localdate()
    )
    involvement.refresh_from_db()
    assert (involvement.end_reason, involvement.ended_by) == ("Case closed", practitioner)
    assert child not in children_visible_to(practitioner)
    sign_in(practitioner)
    assert client.get(reverse("children:detail", kwargs={"child_id": child.pk})).status_code == 404
    # The access log shows the ending, and the key worker from that agency stands down with a history row.
    ended = AuditEvent.objects.get(child_id=child.pk, kind=AuditKind.INVOLVEMENT_ENDED)
    assert ended.reason == "Case closed" and ended.payload["key_worker_cleared"] is True
    child.refresh_from_db()
    assert child.key_worker is None
    assert DetailChange.objects.filter(child=child, field="key_worker", new_value="").exists()


def test_a_share_keeps_the_agencys_sight_after_its_involvement_ends(child, practitioner, police):
    coordinator = UserFactory.create(agency=AgencyFactory.create(code="MACE"), roles=[RoleCode.COORDINATOR])
    involvement = services.involvement_open(user=coordinator, child=child, agency=police, reason="Joint plan")
    officer = UserFactory.create(agency=police)
    ShareDecisionFactory.create(child=child, shared_with_agency=police)
    services.involvement_end(user=officer, involvement=involvement, reason="Plan ended", ended_on=timezone.localdate())
    assert child in children_visible_to(officer)


def test_only_the_agency_itself_or_the_coordinator_ends_an_involvement(child, practitioner, police):
    coordinator = UserFactory.create(agency=AgencyFactory.create(code="MACE"), roles=[RoleCode.COORDINATOR])
    involvement = services.involvement_open(user=coordinator, child=child, agency=police, reason="Joint plan")
    before = _counts(child)
    with pytest.raises(PermissionDenied):
        services.involvement_end(user=practitioner, involvement=involvement, reason="x", ended_on=timezone.localdate())
    with pytest.raises(ValidationError):
        services.involvement_end(
            user=coordinator,
            involvement=involvement,
            reason="Too soon",
            ended_on=timezone.localdate() + dt.timedelta(days=1),
        )
    assert _counts(child) == before
    assert Involvement.objects.get(pk=involvement.pk).is_open


# Addresses and family


def test_a_move_ends_the_previous_address_and_the_postcode_follows_the_child(child, practitioner):
    first = services.address_record(
        user=practitioner, child=child, address_text="1 Old Road", postcode="WB1 2AB", lived_from=dt.date(2020, 1, 1)
    )
    services.address_record(
        user=practitioner,
        child=child,
        address_text="Oak House",
        postcode="wb9 9zz",
        lived_from=dt.date(2026, 6, 1),
        reason="New placement",
    )
    first.refresh_from_db()
    child.refresh_from_db()
    assert first.lived_to == dt.date(2026, 6, 1)
    assert child.postcode == "WB9 9ZZ"
    changes = DetailChange.objects.filter(child=child)
    assert changes.filter(field="address", old_value="1 Old Road, WB1 2AB, from 1 January 2020").get().new_value == (
        "1 Old Road, WB1 2AB, from 1 January 2020, to 1 June 2026"
    )
    assert changes.filter(field="postcode", old_value="WB1 2AB", new_value="WB9 9ZZ").exists()
    assert AuditEvent.objects.filter(child_id=child.pk, kind=AuditKind.ADDRESS_RECORDED).count() == 2


def test_changing_an_address_keeps_the_old_one_in_the_history(child, practitioner):
    address = services.address_record(user=practitioner, child=child, address_text="1 Old Raod")
    services.address_update(
        user=practitioner,
        address=address,
        address_text="1 Old Road",
        postcode="",
        lived_from=None,
        lived_to=None,
        reason="Spelling",
    )
    row = DetailChange.objects.filter(child=child, field="address").first()
    assert row is not None and (row.old_value, row.new_value, row.reason) == ("1 Old Raod", "1 Old Road", "Spelling")
    assert AuditEvent.objects.filter(child_id=child.pk, kind=AuditKind.ADDRESS_UPDATED).count() == 1


def test_parents_carers_and_siblings_are_added_changed_and_ended_with_history(child, practitioner):
    mother = services.relative_record(
        user=practitioner,
        child=child,
        kind=RelativeKind.PARENT,
        name="Dawn Brackenbury",
        relationship="mother",
        parental_responsibility=True,
        phone="07700 900123",
    )
    services.relative_update(user=practitioner, relative=mother, changes={"phone": "07700 900456"}, reason="New phone")
    services.relative_end(user=practitioner, relative=mother, reason="Moved abroad, no contact")
    rows = list(DetailChange.objects.filter(child=child, field="relative").order_by("pk"))
    assert [row.reason for row in rows] == ["", "New phone", "Moved abroad, no contact"]
    assert "07700 900123" in rows[1].old_value and "07700 900456" in rows[1].new_value
    assert "ended" in rows[2].new_value
    kinds = AuditEvent.objects.filter(child_id=child.pk).values_list("kind", flat=True)
    assert sorted(kinds) == sorted(
        [AuditKind.RELATIVE_RECORDED, AuditKind.RELATIVE_UPDATED, AuditKind.RELATIVE_UPDATED]
    )


# The details with their sources


def _records(child, police, csc, **police_data):
    PersonRecord.objects.create(
        agency=csc,
        record_id="C1",
        person_type="child",
        child=child,
        data={"given_name": "Kayleigh", "date_of_birth": "2011-04-05", "other_names": "Kay"},
    )
    PersonRecord.objects.create(
        agency=police,
        record_id="P1",
        person_type="child",
        child=child,
        data={"given_name": "Kayleigh", "date_of_birth": "2011-05-04", "other_names": "KB", **police_data},
    )


def test_the_record_shows_where_agencies_disagree_and_a_practitioner_settles_it(
    child, practitioner, police, csc, client, sign_in
):
    _records(child, police, csc)
    sign_in(practitioner)
    page = client.get(reverse("children:detail", kwargs={"child_id": child.pk})).content.decode()
    assert "Agencies\u2019 records disagree" in page
    assert "5 April 2011: Children&#x27;s Social Care" in page and "4 May 2011: Wealdbridge Police" in page
    # Known-as names from every agency appear on the record.
    assert "Kay" in page and "KB" in page
    settle = reverse("children:settle", kwargs={"child_id": child.pk, "field": "date_of_birth"})
    assert settle in page
    response = client.post(settle, {"value": "2011-05-04", "reason": "Seen on the birth certificate"})
    assert response.status_code == 302
    row = DetailChange.objects.get(child=child)
    assert (row.field, row.old_value, row.new_value) == ("date_of_birth", "5 April 2011", "4 May 2011")
    assert row.settled_disagreement and row.reason == "Seen on the birth certificate"
    child.refresh_from_db()
    assert child.date_of_birth == dt.date(2011, 5, 4)
    assert _updated(child)[0].payload["settled_disagreement"] is True


def test_agencies_agreeing_on_a_value_other_than_the_records_are_shown_beside_it(
    child, practitioner, police, csc, client, sign_in
):
    _records(child, police, csc, postcode="WB3 3CC")
    sign_in(practitioner)
    page = client.get(reverse("children:detail", kwargs={"child_id": child.pk})).content.decode()
    assert "Agencies\u2019 records say otherwise: WB3 3CC (Wealdbridge Police)" in page
    assert reverse("children:settle", kwargs={"child_id": child.pk, "field": "postcode"}) in page


def test_settling_on_the_value_the_record_holds_is_kept_in_the_history_too(child, practitioner, police, csc):
    _records(child, police, csc)
    [row] = services.disagreement_settle(
        user=practitioner, child=child, field="date_of_birth", value="2011-04-05", reason="Checked with school"
    )
    assert row.settled_disagreement and row.old_value == row.new_value == "5 April 2011"


def test_a_child_recorded_by_hand_shows_the_platform_as_its_source(child, practitioner, client, sign_in):
    sign_in(practitioner)
    page = client.get(reverse("children:detail", kwargs={"child_id": child.pk})).content.decode()
    assert "Recorded on the platform by Children&#x27;s Social Care" in page
    assert "Agencies\u2019 records disagree" not in page


# The pages


def test_a_change_of_a_held_value_needs_a_reason_and_the_error_names_the_field(child, practitioner, client, sign_in):
    sign_in(practitioner)
    url = reverse("children:details-names", kwargs={"child_id": child.pk})
    before = _counts(child)
    response = client.post(url, {"given_name": "Kay", "family_name": child.family_name, "other_names": ""})
    assert response.status_code == 200
    assert "Enter why you are changing the given name" in response.content.decode()
    assert _counts(child)[0] == before[0] and not _updated(child)
    response = client.post(
        url, {"given_name": "Kay", "family_name": child.family_name, "other_names": "", "reason": "Her choice"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("children:detail", args=[child.pk])
    assert DetailChange.objects.get(child=child, field="given_name").new_value == "Kay"


def test_the_identifiers_page_refuses_a_wrong_nhs_check_digit_beside_the_field(child, practitioner, client, sign_in):
    sign_in(practitioner)
    url = reverse("children:details-identifiers", kwargs={"child_id": child.pk})
    response = client.post(url, {"nhs_number": "943 476 5918", "upn": "H801200001234"})
    page = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_nhs_number">Enter a valid NHS number: 10 digits, the last a check digit</a>' in page
    assert 'href="#id_upn">Enter a valid unique pupil number: the first letter is a check letter' in page
    assert not DetailChange.objects.filter(child=child).exists()


def test_a_partial_date_of_birth_through_the_page(child, practitioner, client, sign_in):
    sign_in(practitioner)
    url = reverse("children:details-date-of-birth", kwargs={"child_id": child.pk})
    response = client.post(url, {"day": "4", "year": "2011"})
    assert "Enter the month of the date of birth as well as the day" in response.content.decode()
    client.post(url, {"year": "2011", "reason": "Only the year is certain"})
    child.refresh_from_db()
    assert (child.date_of_birth, child.date_of_birth_precision) == (dt.date(2011, 1, 1), DatePrecision.YEAR)


def test_ending_ones_own_agencys_involvement_through_the_page_leads_to_the_list(child, practitioner, client, sign_in):
    sign_in(practitioner)
    involvement = child.involvements.get()
    url = reverse("children:involvement-end", kwargs={"child_id": child.pk, "involvement_id": involvement.pk})
    assert "Your agency will no longer see" in client.get(url).content.decode()
    response = client.post(url, {"ended_on": timezone.localdate().isoformat(), "reason": "Closed after review"})
    assert response["Location"] == reverse("children:list")
    assert client.get(reverse("children:detail", args=[child.pk])).status_code == 404


def test_change_links_show_only_to_those_who_may_keep_the_record(child, practitioner, police, client, sign_in):
    ShareDecisionFactory.create(child=child, shared_with_agency=police)
    url = reverse("children:detail", kwargs={"child_id": child.pk})
    names = reverse("children:details-names", kwargs={"child_id": child.pk})
    sign_in(practitioner)
    assert names in client.get(url).content.decode()
    client.logout()
    sign_in(UserFactory.create(agency=police))
    page = client.get(url).content.decode()
    assert names not in page
    assert reverse("children:involvement-open", kwargs={"child_id": child.pk}) in page
