"""The owning agency corrects what it recorded, with a reason; earlier versions are kept and shown as history;
"entered in error" takes an item off the child's pages without deleting it."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children import services
from joinedup.children.models import ChronologyEntry, CorrectionKind, ItemCorrection
from joinedup.children.tests.factories import ChildFactory, ChronologyEntryFactory, InvolvementFactory
from joinedup.concerns.models import Concern
from joinedup.concerns.services import concern_correct, concern_mark_in_error, concern_record
from joinedup.contacts.models import ContactAttempt
from joinedup.contacts.services import contact_attempt_correct, contact_attempt_mark_in_error
from joinedup.contacts.tests.factories import ContactAttemptFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    social_care, police = AgencyFactory.create(code="CSC"), AgencyFactory.create(code="POL")
    child = ChildFactory.create(owning_agency=social_care)
    InvolvementFactory.create(child=child, agency=police)
    return {
        "child": child,
        "worker": UserFactory.create(agency=social_care, roles=[RoleCode.PRACTITIONER]),
        "officer": UserFactory.create(agency=police, roles=[RoleCode.PRACTITIONER]),
    }


def test_a_chronology_entry_corrected_keeps_its_earlier_version_and_audits_the_change(world, sign_in):
    entry = ChronologyEntryFactory.create(child=world["child"], summary="Seen at the statoin")
    services.chronology_entry_correct(
        user=world["worker"], entry=entry, changes={"summary": "Seen at the station"}, reason="Typing error"
    )
    entry.refresh_from_db()
    assert entry.summary == "Seen at the station"
    version = ItemCorrection.objects.get()
    assert version.before == {"summary": "Seen at the statoin"} and version.after == {"summary": "Seen at the station"}
    assert (version.reason, version.corrected_by, version.kind) == ("Typing error", world["worker"], "corrected")
    assert AuditEvent.objects.filter(kind=AuditKind.ITEM_CORRECTED, child_id=world["child"].pk).count() == 1
    page = sign_in(world["worker"]).get(f"/children/{world['child'].pk}/items/chronology_entry/{entry.pk}/")
    assert "Seen at the statoin" in page.content.decode() and "Typing error" in page.content.decode()


def test_only_the_owning_agency_corrects_and_a_refused_correction_writes_nothing(world):
    entry = ChronologyEntryFactory.create(child=world["child"], summary="As recorded")
    with pytest.raises(PermissionDenied):
        services.chronology_entry_correct(
            user=world["officer"], entry=entry, changes={"summary": "Changed"}, reason="Not ours"
        )
    entry.refresh_from_db()
    assert entry.summary == "As recorded"
    assert not ItemCorrection.objects.exists()
    assert not AuditEvent.objects.filter(kind=AuditKind.ITEM_CORRECTED).exists()


def test_entered_in_error_takes_the_entry_off_the_record_and_keeps_it(world, sign_in):
    entry = ChronologyEntryFactory.create(child=world["child"], summary="About another child")
    client = sign_in(world["worker"])
    response = client.post(
        f"/children/{world['child'].pk}/items/chronology_entry/{entry.pk}/correct/",
        {
            "occurred_at": timezone.localtime(entry.occurred_at).strftime("%Y-%m-%dT%H:%M"),
            "category": entry.category,
            "summary": entry.summary,
            "reason": "Recorded on the wrong child",
            "entered_in_error": "on",
        },
    )
    assert response.status_code == 302
    assert not ChronologyEntry.objects.filter(pk=entry.pk).exists()
    assert ChronologyEntry.with_entered_in_error.get(pk=entry.pk).entered_in_error
    assert "About another child" not in client.get(f"/children/{world['child'].pk}/").content.decode()
    assert ItemCorrection.objects.get().kind == CorrectionKind.ENTERED_IN_ERROR
    assert AuditEvent.objects.filter(kind=AuditKind.ITEM_ENTERED_IN_ERROR).count() == 1


def test_a_concern_and_a_contact_attempt_are_corrected_and_marked_in_error_by_their_agency(world):
    concern = concern_record(
        user=world["officer"],
        child=world["child"],
        category="11A",
        occurred_at=timezone.now() - dt.timedelta(days=1),
        what_happened="Seen with adults in a car",
    )
    concern_correct(user=world["officer"], concern=concern, changes={"place_name": "Mill Lane"}, reason="Place added")
    concern.refresh_from_db()
    assert concern.place_name == "Mill Lane"
    with pytest.raises(PermissionDenied):
        concern_mark_in_error(user=world["worker"], concern=concern, reason="Not ours")
    concern_mark_in_error(user=world["officer"], concern=concern, reason="Duplicate of an earlier concern")
    assert not Concern.objects.filter(pk=concern.pk).exists()
    assert Concern.with_entered_in_error.filter(pk=concern.pk).exists()

    attempt = ContactAttemptFactory.create(child=world["child"], agency=world["worker"].agency)
    contact_attempt_correct(
        user=world["worker"], attempt=attempt, changes={"note": "Spoke at the door"}, reason="Note missing"
    )
    contact_attempt_mark_in_error(user=world["worker"], attempt=attempt, reason="Wrong child")
    assert not ContactAttempt.objects.filter(pk=attempt.pk).exists()
    kinds = list(ItemCorrection.objects.values_list("item_kind", "kind"))
    assert kinds == [
        ("concern", "corrected"),
        ("concern", "entered_in_error"),
        ("contact_attempt", "corrected"),
        ("contact_attempt", "entered_in_error"),
    ]
    assert AuditEvent.objects.filter(kind__in=[AuditKind.ITEM_CORRECTED, AuditKind.ITEM_ENTERED_IN_ERROR]).count() == 4


def test_another_agency_cannot_see_an_entrys_history_it_may_not_see(world, sign_in):
    entry = ChronologyEntryFactory.create(child=world["child"])
    response = sign_in(world["officer"]).get(f"/children/{world['child'].pk}/items/chronology_entry/{entry.pk}/")
    assert response.status_code == 404


def test_an_episodes_details_and_an_interviews_record_are_corrected_by_their_agency_with_history(world, sign_in):
    from joinedup.missing.services import missing_episode_correct, return_interview_correct
    from joinedup.missing.tests.factories import ReturnInterviewFactory

    interview = ReturnInterviewFactory.create(
        episode__child=world["child"],
        episode__owning_agency=world["officer"].agency,
        episode__last_seen_place="Mill Lnae",
        owner=world["worker"],
        completed_at=timezone.now() - dt.timedelta(hours=1),
        childs_words="I was with frends",
    )
    episode = interview.episode
    with pytest.raises(PermissionDenied):
        missing_episode_correct(
            user=world["worker"], episode=episode, changes={"last_seen_place": "Mill Lane"}, reason="Typing"
        )
    missing_episode_correct(
        user=world["officer"], episode=episode, changes={"last_seen_place": "Mill Lane"}, reason="Typing error"
    )
    return_interview_correct(
        user=world["worker"], interview=interview, changes={"childs_words": "I was with friends"}, reason="Typing"
    )
    episode.refresh_from_db()
    interview.refresh_from_db()
    assert (episode.last_seen_place, interview.childs_words) == ("Mill Lane", "I was with friends")
    assert list(ItemCorrection.objects.values_list("item_kind", flat=True)) == ["missing_episode", "return_interview"]
    page = sign_in(world["officer"]).get(f"/children/{world['child'].pk}/items/missing_episode/{episode.pk}/")
    assert "Mill Lnae" in page.content.decode()
