import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import Child
from joinedup.children.tests.factories import ChildFactory
from joinedup.concerns.models import Concern
from joinedup.deadlines import years_after
from joinedup.disruption.tests.factories import ConcernFactory
from joinedup.rights.models import CountedFrom, RecordType, RetentionRule
from joinedup.rights.selectors import REVIEW_PAGE_SIZE, retention_review_rows

TODAY = dt.date(2026, 6, 15)


def _born(years_ago: int, days: int = 0) -> dt.date:
    return years_after(TODAY, years=-years_ago) - dt.timedelta(days=days)


def test_the_partnership_starts_with_a_period_for_each_record_type(db):
    rules = {rule.record_type: rule for rule in RetentionRule.objects.all()}
    assert set(rules) == set(RecordType.values)
    assert (rules["child"].years, rules["child"].counted_from) == (25, CountedFrom.DATE_OF_BIRTH)
    assert (rules["looked_after_child"].years, rules["looked_after_child"].counted_from) == (75, "date_of_birth")
    assert all(rule.basis for rule in rules.values())


def test_a_record_is_listed_on_its_retention_date_and_not_the_day_before(db):
    due = ChildFactory.create(date_of_birth=_born(25))
    not_yet = ChildFactory.create(date_of_birth=_born(25) + dt.timedelta(days=1))
    listed = {row.child_id for row in retention_review_rows(today=TODAY)}
    assert due.pk in listed
    assert not_yet.pk not in listed


def test_a_looked_after_childs_record_is_kept_until_the_75th_birthday(db):
    looked_after = ChildFactory.create(date_of_birth=_born(30), looked_after=True)
    was_looked_after = ChildFactory.create(date_of_birth=_born(30), legal_status="C2")
    old = ChildFactory.create(date_of_birth=_born(76), looked_after=True)
    listed = {row.child_id for row in retention_review_rows(today=TODAY)}
    assert looked_after.pk not in listed and was_looked_after.pk not in listed
    assert old.pk in listed


def test_a_concern_is_listed_six_years_after_its_last_activity_and_a_correction_counts(db):
    child = ChildFactory.create()
    long_ago = timezone.now() - dt.timedelta(days=365 * 8)
    old = ConcernFactory.create(child=child, occurred_at=long_ago, recorded_at=long_ago)
    recent = ConcernFactory.create(child=child)
    corrected = ConcernFactory.create(child=child, occurred_at=long_ago, recorded_at=long_ago)
    from joinedup.children.models import ItemCorrection, ItemKind

    ItemCorrection.objects.create(
        child=child,
        item_kind=ItemKind.CONCERN,
        item_id=str(corrected.pk),
        owning_agency=child.owning_agency,
        kind="corrected",
        reason="Updated",
        corrected_by=child.created_by,
    )
    rows = [row for row in retention_review_rows() if "concern" in row.description]
    assert [row.url for row in rows] == [reverse("children:item-history", args=[child.pk, "concern", old.pk])]
    assert recent.pk and Concern.objects.count() == 3


def test_the_list_is_oldest_first_and_a_joined_record_is_not_listed_apart(db):
    newer = ChildFactory.create(date_of_birth=_born(26))
    older = ChildFactory.create(date_of_birth=_born(40))
    joined = ChildFactory.create(date_of_birth=_born(50))
    Child.objects.filter(pk=joined.pk).update(joined_into=newer)
    rows = retention_review_rows(today=TODAY)
    assert [row.child_id for row in rows] == [older.pk, newer.pk]
    assert rows[0].retention_date == years_after(older.date_of_birth, years=25)  # type: ignore[arg-type]


def test_a_changed_period_changes_the_list(db):
    child = ChildFactory.create(date_of_birth=_born(20))
    assert child.pk not in {row.child_id for row in retention_review_rows(today=TODAY)}
    RetentionRule.objects.filter(record_type=RecordType.CHILD).update(years=18)
    assert child.pk in {row.child_id for row in retention_review_rows(today=TODAY)}


def test_counted_from_last_activity_a_childs_record_waits_for_its_newest_item(db):
    RetentionRule.objects.filter(record_type=RecordType.CHILD).update(counted_from=CountedFrom.LAST_ACTIVITY, years=6)
    quiet = ChildFactory.create(involved=False)
    busy = ChildFactory.create(involved=False)
    Child.objects.filter(pk__in=[quiet.pk, busy.pk]).update(created_at=timezone.now() - dt.timedelta(days=365 * 7))
    ConcernFactory.create(child=busy)
    listed = {row.child_id for row in retention_review_rows() if row.description == "The child's whole record"}
    assert quiet.pk in listed
    assert busy.pk not in listed


def test_29_february_reaches_its_anniversary_on_1_march():
    assert years_after(dt.date(2008, 2, 29), years=25) == dt.date(2033, 3, 1)
    assert years_after(dt.date(2008, 2, 29), years=4) == dt.date(2012, 2, 29)


@pytest.fixture
def coordinator(db):
    return UserFactory.create(roles=[RoleCode.COORDINATOR])


def test_the_review_page_lists_links_audits_and_deletes_nothing(coordinator, sign_in, client):
    due = ChildFactory.create(date_of_birth=_born(30), family_name="Pastdate")
    within = ChildFactory.create(date_of_birth=_born(10), family_name="Withindate")
    sign_in(coordinator)
    response = client.get(reverse("rights:retention"))
    assert response.status_code == 200
    assert b"Pastdate" in response.content and b"Withindate" not in response.content
    assert reverse("children:detail", args=[due.pk]).encode() in response.content
    listed = AuditEvent.objects.filter(kind=AuditKind.CHILD_LISTED)
    assert [row.child_id for row in listed] == [due.pk]
    assert Child.objects.filter(pk__in=[due.pk, within.pk]).count() == 2


def test_the_review_page_is_paginated(coordinator, sign_in, client):
    for n in range(REVIEW_PAGE_SIZE + 1):
        ChildFactory.create(date_of_birth=_born(30, days=n), involved=False)
    sign_in(coordinator)
    first = client.get(reverse("rights:retention"))
    second = client.get(reverse("rights:retention"), {"page": 2})
    assert first.context["page"].paginator.count == REVIEW_PAGE_SIZE + 1
    assert len(second.context["page"].object_list) == 1
    assert AuditEvent.objects.filter(kind=AuditKind.CHILD_LISTED).count() == REVIEW_PAGE_SIZE + 1


@pytest.mark.parametrize("role", [RoleCode.PRACTITIONER, RoleCode.MANAGER, RoleCode.LEADER, RoleCode.ADMINISTRATOR])
def test_only_the_coordinator_sees_the_review_list(db, sign_in, client, role):
    ChildFactory.create(date_of_birth=_born(30))
    sign_in(UserFactory.create(roles=[role]))
    assert client.get(reverse("rights:retention")).status_code == 403
    assert not AuditEvent.objects.filter(kind=AuditKind.CHILD_LISTED).exists()
