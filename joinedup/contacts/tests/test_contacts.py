"""The child's relationship with the service: every contact attempt, the key worker's perseverance, and
the warning when many different professionals contact the child in a short time."""

import datetime as dt
import itertools

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import Child
from joinedup.children.tests.factories import ChildFactory
from joinedup.contacts.models import ContactAttempt, ContactMethod, ContactOutcome
from joinedup.contacts.selectors import contact_attempts_for, contact_summary, many_professionals
from joinedup.contacts.services import contact_attempt_record

from .factories import ContactAttemptFactory

NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
_numbers = itertools.count()


@pytest.fixture
def key_worker(db) -> User:
    return UserFactory.create(first_name="Ruth", last_name="Keyworker")


@pytest.fixture
def child(key_worker: User) -> Child:
    return ChildFactory.create(owning_agency=key_worker.agency, key_worker=key_worker, given_name="Jess")


def _professionals(child: Child, count: int, *, at: dt.datetime) -> list[User]:
    """Different professionals, each in their own agency, who each tried to reach the child once."""
    people = []
    for n in itertools.islice(_numbers, count):
        agency = AgencyFactory.create(name=f"Agency {n:04d}")
        person = UserFactory.create(agency=agency, first_name="Worker", last_name=f"{n:04d}")
        ContactAttemptFactory.create(
            child=child, practitioner=person, attempted_at=at, outcome=ContactOutcome.NO_ANSWER
        )
        people.append(person)
    return people


def _named(person: User) -> tuple[str, str]:
    assert person.agency is not None
    return person.get_full_name(), person.agency.name


def test_attempts_are_recorded_and_audited_including_those_that_failed(key_worker, child):
    when = timezone.now() - dt.timedelta(hours=2)
    attempt = contact_attempt_record(
        user=key_worker, child=child, attempted_at=when, method=ContactMethod.VISIT, outcome=ContactOutcome.NOT_AT_HOME
    )
    assert (attempt.agency, attempt.succeeded) == (key_worker.agency, False)
    event = AuditEvent.objects.get(kind=AuditKind.CONTACT_ATTEMPT_RECORDED)
    assert (event.child_id, event.object_id) == (child.pk, str(attempt.pk))


def test_every_attempt_is_listed_newest_first_with_the_failed_ones(key_worker, child):
    now = timezone.now()
    outcomes = [ContactOutcome.NO_ANSWER, ContactOutcome.DECLINED, ContactOutcome.NOT_AT_HOME, ContactOutcome.SPOKE]
    for days, outcome in enumerate(outcomes):
        ContactAttemptFactory.create(
            child=child, practitioner=key_worker, attempted_at=now - dt.timedelta(days=4 - days), outcome=outcome
        )
    listed = contact_attempts_for(user=key_worker, child=child)
    assert [shown.attempt.outcome for shown in listed] == list(reversed(outcomes))


def test_the_key_workers_attempts_are_summed_up_successful_and_not(key_worker, child):
    now = timezone.now()
    for days, outcome in [(1, ContactOutcome.SPOKE), (3, ContactOutcome.NO_ANSWER), (5, ContactOutcome.NO_ANSWER)]:
        ContactAttemptFactory.create(
            child=child, practitioner=key_worker, attempted_at=now - dt.timedelta(days=days), outcome=outcome
        )
    ContactAttemptFactory.create(child=child, practitioner=key_worker, attempted_at=now - dt.timedelta(days=40))
    ContactAttemptFactory.create(child=child)  # someone else's
    summary = contact_summary(user=key_worker, child=child)
    assert summary.key_worker == key_worker
    assert (summary.key_worker_successful, summary.key_worker_unsuccessful) == (1, 2)
    assert len(summary.key_worker_attempts) == 3
    assert summary.many_professionals is None


def test_without_a_key_worker_there_are_no_key_worker_attempts(db):
    child = ChildFactory.create()
    ContactAttemptFactory.create(child=child)
    summary = contact_summary(user=child.created_by, child=child)
    assert summary.key_worker is None and summary.key_worker_attempts == ()


def test_many_professionals_warning_fires_above_the_limit_with_the_count_and_who_they_were(key_worker, child):
    with time_machine.travel(NOW, tick=False):
        people = _professionals(child, 5, at=NOW - dt.timedelta(days=3))
        warning = contact_summary(user=key_worker, child=child).many_professionals
    assert warning is not None
    assert (warning.count, warning.days, warning.limit) == (5, 14, 4)
    assert [(p.name, p.agency, p.attempts) for p in warning.professionals] == [
        (*_named(person), 1) for person in people
    ]


def test_no_warning_at_the_limit(key_worker, child):
    _professionals(child, 4, at=timezone.now() - dt.timedelta(days=1))
    assert contact_summary(user=key_worker, child=child).many_professionals is None


def test_one_professional_trying_many_times_is_counted_once(key_worker, child):
    _professionals(child, 4, at=timezone.now() - dt.timedelta(days=1))
    for days in range(1, 6):
        ContactAttemptFactory.create(
            child=child, practitioner=key_worker, attempted_at=timezone.now() - dt.timedelta(days=days)
        )
    warning = many_professionals(child=child)
    assert warning is not None and warning.count == 5
    assert next(p for p in warning.professionals if p.name == "Ruth Keyworker").attempts == 5


def test_only_contact_within_the_window_counts(key_worker, child):
    with time_machine.travel(NOW, tick=False) as traveller:
        _professionals(child, 3, at=NOW - dt.timedelta(days=13))
        _professionals(child, 2, at=NOW - dt.timedelta(days=1))
        _professionals(child, 2, at=NOW - dt.timedelta(days=15))  # before the window
        warning = many_professionals(child=child)
        assert warning is not None and warning.count == 5
        traveller.shift(dt.timedelta(days=1, minutes=1))  # the three from 13 days ago fall out of the 14 days
        assert many_professionals(child=child) is None


def test_settings_change_the_limit_and_the_window(key_worker, child, settings):
    _professionals(child, 3, at=timezone.now() - dt.timedelta(days=20))
    assert many_professionals(child=child) is None
    settings.JOINEDUP_MANY_PROFESSIONALS = 2
    settings.JOINEDUP_MANY_PROFESSIONALS_DAYS = 30
    warning = many_professionals(child=child)
    assert warning is not None and (warning.count, warning.days, warning.limit) == (3, 30, 2)


def test_a_note_is_shown_only_within_the_recording_agency_and_to_coordinators(key_worker, child):
    other = UserFactory.create(agency=AgencyFactory.create())
    child.involvements.create(agency=other.agency)
    ContactAttemptFactory.create(child=child, practitioner=key_worker, note="Talked about football")
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    assert contact_attempts_for(user=key_worker, child=child)[0].note == "Talked about football"
    assert contact_attempts_for(user=coordinator, child=child)[0].note == "Talked about football"
    assert contact_attempts_for(user=other, child=child)[0].note == ""


def test_nothing_is_answered_about_a_child_the_user_may_not_see(child):
    ContactAttemptFactory.create(child=child)
    stranger = UserFactory.create()
    assert contact_attempts_for(user=stranger, child=child) == ()
    assert contact_summary(user=stranger, child=child).key_worker is None


def test_recording_is_refused_without_the_right_to_record_about_the_child(child):
    stranger = UserFactory.create()
    leader = UserFactory.create(agency=child.owning_agency, roles=[RoleCode.LEADER])
    for user in (stranger, leader):
        with pytest.raises(PermissionDenied):
            contact_attempt_record(
                user=user,
                child=child,
                attempted_at=timezone.now(),
                method=ContactMethod.PHONE,
                outcome=ContactOutcome.NO_ANSWER,
            )
    assert not ContactAttempt.objects.exists()


@pytest.mark.parametrize(
    ("method", "outcome", "later"),
    [("pigeon", ContactOutcome.SPOKE, 0), (ContactMethod.PHONE, "maybe", 0), (ContactMethod.PHONE, "spoke", 2)],
)
def test_an_unknown_method_or_outcome_or_a_time_in_the_future_is_refused(key_worker, child, method, outcome, later):
    with pytest.raises(ValidationError):
        contact_attempt_record(
            user=key_worker,
            child=child,
            attempted_at=timezone.now() + dt.timedelta(hours=later),
            method=method,
            outcome=outcome,
        )


# The pages.
def test_the_page_records_a_failed_attempt_and_lists_it(key_worker, child, sign_in, client):
    sign_in(key_worker)
    url = reverse("contacts:create", kwargs={"child_id": child.pk})
    when = timezone.localtime() - dt.timedelta(hours=1)
    response = client.post(
        url,
        {
            "attempted_at": when.strftime("%Y-%m-%dT%H:%M"),
            "method": "phone",
            "outcome": "no_answer",
            "note": "Voicemail",
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    attempt = ContactAttempt.objects.get()
    assert (attempt.practitioner, attempt.outcome, attempt.note) == (key_worker, ContactOutcome.NO_ANSWER, "Voicemail")
    page = client.get(url)
    assert b"No answer" in page.content and b"Voicemail" in page.content


def test_the_page_shows_the_forms_errors(key_worker, child, sign_in, client):
    sign_in(key_worker)
    url = reverse("contacts:create", kwargs={"child_id": child.pk})
    future = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, {"attempted_at": future, "method": "phone", "outcome": "no_answer"})
    assert response.status_code == 200
    assert b"The time must be in the past." in response.content
    assert not ContactAttempt.objects.exists()


def test_the_page_is_refused_to_a_leader_and_hidden_from_another_agency(child, sign_in, client):
    url = reverse("contacts:create", kwargs={"child_id": child.pk})
    sign_in(UserFactory.create(agency=child.owning_agency, roles=[RoleCode.LEADER]))
    assert client.get(url).status_code == 403
    sign_in(UserFactory.create())
    assert client.post(url, {"method": "phone", "outcome": "no_answer"}).status_code == 404
    assert not ContactAttempt.objects.exists()


def test_the_childs_page_shows_the_warning_and_the_key_workers_attempts(key_worker, child, sign_in, client):
    now = timezone.now()
    ContactAttemptFactory.create(
        child=child, practitioner=key_worker, attempted_at=now - dt.timedelta(days=2), outcome=ContactOutcome.DECLINED
    )
    people = _professionals(child, 5, at=now - dt.timedelta(days=1))
    sign_in(key_worker)
    page = client.get(reverse("children:detail", kwargs={"child_id": child.pk})).content.decode()
    assert "6 different professionals have contacted or tried to contact Jess in the last 14 days" in page
    assert "govuk-warning-text" in page
    assert all("{}, {}".format(*_named(person)) in page for person in people)
    assert "spoke with Jess 0 times; 1 other attempt." in page
    assert "The child did not want to talk this time" in page
