"""Joining two records of one child, and undoing it exactly."""

import datetime as dt
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children import selectors
from joinedup.children.closure import record_closed_refresh
from joinedup.children.joins import JoinConflict, child_join_undo, children_join
from joinedup.children.models import Child, ChildJoin, Involvement, JoinSource
from joinedup.children.tests.factories import ChildFactory, ChronologyEntryFactory, InvolvementFactory
from joinedup.contacts.tests.factories import ContactAttemptFactory
from joinedup.linkage.tests.factories import PersonRecordFactory, person_data
from joinedup.missing.tests.factories import MissingEpisodeFactory, ReturnInterviewFactory
from joinedup.sharing.tests.factories import ShareDecisionFactory

pytestmark = pytest.mark.django_db

# What a join may add and an undo does not take away: the join row itself and the audit trail.
_KEPT_FOR_GOOD = {"children.ChildJoin", "audit.AuditEvent"}


def _tables() -> dict[str, list[dict[str, Any]]]:
    """Every row of every table of the project, as plain values."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for model in apps.get_models()
        if model._meta.label not in _KEPT_FOR_GOOD and model._meta.app_label not in {"sessions", "admin"}
    }


@pytest.fixture
def pair() -> tuple[Child, Child]:
    """One child known to the police and, under another record, to social care (which also knows them
    through the police record's agency): each with episodes, interviews, chronology, contacts and shares."""
    police, social_care = AgencyFactory.create(code="POL"), AgencyFactory.create(code="CSC")
    kept = ChildFactory.create(owning_agency=police, given_name="Kayleigh", family_name="Brackenbury", upn="")
    joined = ChildFactory.create(
        owning_agency=social_care,
        given_name="Kayley",
        family_name="Brackenbury",
        nhs_number="9434765919",
        la_child_id="WB100077",
    )
    InvolvementFactory.create(child=joined, agency=police)
    start = timezone.now() - dt.timedelta(days=20)
    for child in (kept, joined):
        ReturnInterviewFactory.create(episode__child=child, episode__started_at=start)
        start += dt.timedelta(days=3)
        for _ in range(3):
            ChronologyEntryFactory.create(child=child)
        ContactAttemptFactory.create(child=child)
        PersonRecordFactory.create(
            agency=child.owning_agency, child=child, data=person_data(given_name=child.given_name)
        )
    ShareDecisionFactory.create(child=joined, shared_with_agency=AgencyFactory.create(code="HEA"))
    return kept, joined


def _coordinator() -> Any:
    return UserFactory.create(roles=[RoleCode.COORDINATOR])


def test_join_moves_everything_under_one_child_and_undo_restores_every_row_exactly(pair: tuple[Child, Child]) -> None:
    kept, joined = pair
    coordinator = _coordinator()
    before = _tables()

    join = children_join(actor=coordinator, keep=kept, joined=joined, reason="Same child: NHS number agrees")

    assert set(Child.objects.filter(joined_into__isnull=True).values_list("pk", flat=True)) == {kept.pk}
    assert kept.person_records.count() == 2
    assert kept.missing_episodes.count() == 2  # type: ignore[attr-defined]
    assert kept.chronology.count() == 6
    # Each item keeps its owning agency.
    assert set(kept.chronology.values_list("owning_agency__code", flat=True)) == {"POL", "CSC"}
    kept.refresh_from_db()
    assert kept.nhs_number == "9434765919" and kept.la_child_id == "WB100077"
    assert "Kayley Brackenbury" in kept.other_names
    # Both agencies are involved, once each.
    assert sorted(kept.involvements.filter(ended_at__isnull=True).values_list("agency__code", flat=True)) == [
        "CSC",
        "POL",
    ]
    assert selectors.child_id_current(joined.pk) == kept.pk
    assert set(AuditEvent.objects.filter(kind=AuditKind.CHILDREN_JOINED).values_list("child_id", flat=True)) == {
        kept.pk,
        joined.pk,
    }

    child_join_undo(actor=coordinator, join=join, reason="Two children after all: different schools")

    assert _tables() == before
    join.refresh_from_db()
    assert join.undone_at is not None
    assert AuditEvent.objects.filter(kind=AuditKind.CHILDREN_JOIN_UNDONE).count() == 2


def test_undo_keeps_what_was_recorded_on_the_joined_child_since(pair: tuple[Child, Child]) -> None:
    kept, joined = pair
    coordinator = _coordinator()
    join = children_join(actor=coordinator, keep=kept, joined=joined, reason="Same child")
    later = ChronologyEntryFactory.create(child=kept)

    child_join_undo(actor=coordinator, join=join, reason="Not the same child")

    later.refresh_from_db()
    assert later.child_id == kept.pk
    assert joined.chronology.count() == 3


def test_chained_joins_undo_in_any_order(pair: tuple[Child, Child]) -> None:
    kept, joined = pair
    third = ChildFactory.create(owning_agency=kept.owning_agency, given_name="Kay", family_name="Brackenbury")
    ChronologyEntryFactory.create(child=third)
    coordinator = _coordinator()
    before = _tables()
    first = children_join(actor=coordinator, keep=joined, joined=third, reason="Same child")
    second = children_join(actor=coordinator, keep=kept, joined=joined, reason="Same child")
    assert selectors.child_id_current(third.pk) == kept.pk
    assert kept.chronology.count() == 7

    child_join_undo(actor=coordinator, join=first, reason="Separate")
    assert third.chronology.count() == 1 and kept.chronology.count() == 6
    child_join_undo(actor=coordinator, join=second, reason="Separate")

    assert _tables() == before


def test_only_the_coordinator_joins_and_a_refused_join_writes_nothing(pair: tuple[Child, Child]) -> None:
    kept, joined = pair
    practitioner = UserFactory.create(roles=[RoleCode.PRACTITIONER], agency=kept.owning_agency)
    before = _tables()

    with pytest.raises(PermissionDenied):
        children_join(actor=practitioner, keep=kept, joined=joined, reason="Same child")

    assert _tables() == before
    assert not ChildJoin.objects.exists()


def test_two_open_missing_episodes_are_a_conflict_said_plainly(pair: tuple[Child, Child]) -> None:
    kept, joined = pair
    MissingEpisodeFactory.create(child=kept)
    MissingEpisodeFactory.create(child=joined)
    before = _tables()

    with pytest.raises(JoinConflict, match="Both records have a missing episode open"):
        children_join(actor=None, keep=kept, joined=joined, source=JoinSource.AUTO)

    assert _tables() == before


def test_a_joined_child_is_counted_once_and_old_links_lead_to_the_one_record(pair: tuple[Child, Child]) -> None:
    kept, joined = pair
    children_join(actor=None, keep=kept, joined=joined, source=JoinSource.AUTO)
    coordinator = _coordinator()
    practitioner = UserFactory.create(roles=[RoleCode.PRACTITIONER], agency=joined.owning_agency)

    assert list(policy.children_visible_to(coordinator)) == [kept]
    assert list(policy.children_visible_to(practitioner)) == [kept]
    assert selectors.child_find(user=practitioner, child_id=joined.pk) == kept


def test_join_refuses_a_record_already_joined(pair: tuple[Child, Child]) -> None:
    kept, joined = pair
    children_join(actor=None, keep=kept, joined=joined, source=JoinSource.AUTO)
    with pytest.raises(ValidationError):
        children_join(actor=None, keep=joined, joined=kept, source=JoinSource.AUTO)
    assert Involvement.objects.filter(child=joined).count() == 0


def test_a_child_missing_now_has_a_banner_at_the_top_of_the_record_with_the_grade_and_how_long(sign_in) -> None:
    from joinedup.missing.tests.factories import RiskGradingFactory

    child = ChildFactory.create(given_name="Jordan")
    episode = MissingEpisodeFactory.create(child=child, started_at=timezone.now() - dt.timedelta(hours=5))
    RiskGradingFactory.create(episode=episode, grade="high")
    practitioner = UserFactory.create(roles=[RoleCode.PRACTITIONER], agency=child.owning_agency)

    page = sign_in(practitioner).get(f"/children/{child.pk}/").content.decode()

    banner = page[page.index('id="missing-now"') : page.index("Open the episode")]
    assert "Jordan has been missing for 5" in banner and "hours" in banner
    assert "Police risk grade: <strong>High</strong>" in banner


def test_a_long_chronology_is_shown_a_page_at_a_time_newest_first(sign_in) -> None:
    child = ChildFactory.create()
    now = timezone.now()
    for n in range(120):
        ChronologyEntryFactory.create(child=child, occurred_at=now - dt.timedelta(hours=n), summary=f"Entry {n:03d}")
    client = sign_in(UserFactory.create(roles=[RoleCode.PRACTITIONER], agency=child.owning_agency))

    first = client.get(f"/children/{child.pk}/").content.decode()
    third = client.get(f"/children/{child.pk}/?chronology=3").content.decode()

    assert "Entry 000" in first and "Entry 049" in first and "Entry 050" not in first
    assert "?chronology=2" in first
    assert "Entry 100" in third and "Entry 119" in third and "Entry 099" not in third
    assert "?chronology=4" not in third


def test_a_closed_record_joined_with_an_open_one_is_open_and_closed_again_when_the_join_is_undone() -> None:
    """The active lists filter on the stored closed flag, so a join and its undoing keep it true to the
    involvements they move."""
    police, social_care = AgencyFactory.create(code="POL"), AgencyFactory.create(code="CSC")
    closed = ChildFactory.create(owning_agency=police, given_name="Tegan", family_name="Ashdown")
    Involvement.objects.filter(child=closed).delete()
    InvolvementFactory.create(child=closed, agency=police, ended_at=timezone.now() - dt.timedelta(days=3))
    record_closed_refresh([closed.pk])
    still_open = ChildFactory.create(owning_agency=social_care, given_name="Teagan", family_name="Ashdown")
    coordinator = _coordinator()
    assert Child.objects.get(pk=closed.pk).record_closed
    assert closed not in selectors.child_page(user=coordinator).object_list

    join = children_join(actor=coordinator, keep=closed, joined=still_open, reason="One child")

    assert not Child.objects.get(pk=closed.pk).record_closed
    assert not policy.record_is_closed(closed)
    assert closed in selectors.child_page(user=coordinator).object_list

    child_join_undo(actor=coordinator, join=join, reason="Two children after all")

    assert Child.objects.get(pk=closed.pk).record_closed
    assert not Child.objects.get(pk=still_open.pk).record_closed
    assert closed not in selectors.child_page(user=coordinator).object_list
