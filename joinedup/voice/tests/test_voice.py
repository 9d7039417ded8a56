"""The child's say and speaking out: who may write and read, the versions kept, the allocation check, the
many-professionals warning against the child's own number, the speaking-out link (valid, revoked, rate-limited,
oversized, malformed, nothing of the record shown back), the key worker's task, and the counted-never-named figures."""

import datetime as dt
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import Involvement
from joinedup.children.tests.factories import ChildFactory
from joinedup.contacts.models import ContactAttempt, ContactMethod, ContactOutcome
from joinedup.contacts.selectors import many_professionals
from joinedup.oversight.figures import BY_KEY, count_figures, default_filters
from joinedup.tasks.models import Task, TaskKind
from joinedup.tasks.services import task_complete
from joinedup.throttle.models import Attempt
from joinedup.voice import services
from joinedup.voice.models import ChildMessage, ChildSay, Feeling, MessageKind, SpeakToken, SpokenHow
from joinedup.voice.selectors import token_live

from .factories import child_message_make, child_say_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def csc():
    return AgencyFactory.create(code="CSC", name="Children's Services")


@pytest.fixture
def worker(csc):
    return UserFactory.create(agency=csc, first_name="Kim", last_name="Keyworker", roles=[RoleCode.PRACTITIONER])


@pytest.fixture
def child(csc, worker):
    return ChildFactory.create(owning_agency=csc, given_name="Robin", family_name="Synthchild", key_worker=worker)


def _say(user, child, **overrides):
    fields: dict[str, Any] = {
        "spoken_on": timezone.localdate(),
        "spoken_how": SpokenHow.IN_PERSON,
        "what_matters": "My brother",
    }
    fields.update(overrides)
    return services.child_say_record(user=user, child=child, **fields)


# The child's say --------------------------------------------------------------------------------------------------


def test_each_change_to_the_childs_say_is_a_new_version_and_the_latest_is_shown(worker, child, client, sign_in):
    first = _say(worker, child, who_with="Jo", professionals_limit=3)
    second = _say(worker, child, who_with="Jo and Sam", professionals_limit=2)
    assert (first.version, second.version) == (1, 2)
    assert ChildSay.objects.get(pk=first.pk).who_with == "Jo"  # the earlier version is kept as it was
    sign_in(worker)
    page = client.get(reverse("children:detail", kwargs={"child_id": child.pk})).content.decode()
    assert "Jo and Sam" in page and "version 2" in page
    assert AuditEvent.objects.filter(kind=AuditKind.CHILD_SAY_RECORDED, child_id=child.pk).count() == 2


def test_the_childs_say_needs_something_said_and_a_past_date(worker, child):
    with pytest.raises(ValidationError) as empty:
        services.child_say_record(user=worker, child=child, spoken_on=timezone.localdate(), spoken_how=SpokenHow.PHONE)
    assert "what_matters" in empty.value.message_dict
    with pytest.raises(ValidationError) as future:
        _say(worker, child, spoken_on=timezone.localdate() + dt.timedelta(days=1))
    assert "spoken_on" in future.value.message_dict
    with pytest.raises(ValidationError):
        _say(worker, child, professionals_limit=0)
    assert not ChildSay.objects.exists()


def test_only_those_who_record_about_the_child_record_their_say(csc, child):
    leader = UserFactory.create(agency=csc, roles=[RoleCode.LEADER])
    stranger = UserFactory.create(agency=AgencyFactory.create(), roles=[RoleCode.PRACTITIONER])
    for user in (leader, stranger):
        with pytest.raises(PermissionDenied):
            _say(user, child)
    assert not ChildSay.objects.exists()


def test_the_summary_tag_shows_what_the_child_said_where_work_is_planned(worker, child, rf):
    from django.template import Context, Template

    _say(worker, child, wants="To stay at my school", trusted_adult="My aunt")
    request = rf.get("/")
    request.user = worker
    html = Template("{% load voice %}{% child_say_summary child %}").render(
        Context({"child": child, "request": request})
    )
    assert "To stay at my school" in html and "My aunt" in html


# Allocation --------------------------------------------------------------------------------------------------------


def test_allocating_a_key_worker_the_child_does_not_want_asks_for_confirmation(csc, worker, child, client, sign_in):
    unwanted = UserFactory.create(agency=csc, first_name="Pat", last_name="Person", roles=[RoleCode.PRACTITIONER])
    _say(worker, child, who_not="Pat Person, because he shouted at me")
    sign_in(worker)
    url = reverse("children:details-key-worker", kwargs={"child_id": child.pk})
    page = client.get(url).content.decode()
    assert "What Robin said" in page and "because he shouted at me" in page
    refused = client.post(url, {"key_worker": unwanted.pk, "reason": "Caseload"})
    assert refused.status_code == 200
    assert "Robin said they do not want to work with Pat Person" in refused.content.decode()
    child.refresh_from_db()
    assert child.key_worker_id == worker.pk
    confirmed = client.post(url, {"key_worker": unwanted.pk, "reason": "Caseload", "against_childs_say": "confirmed"})
    assert confirmed.status_code == 302
    child.refresh_from_db()
    assert child.key_worker_id == unwanted.pk
    assert AuditEvent.objects.filter(kind=AuditKind.CHILD_SAY_OVERRIDDEN, child_id=child.pk).count() == 1


def test_staff_chosen_as_not_wanted_are_flagged_and_others_are_not(csc, worker, child):
    unwanted = UserFactory.create(agency=csc, first_name="Lee", last_name="Other")
    welcome = UserFactory.create(agency=csc, first_name="Jo", last_name="Youthworker")
    _say(worker, child, not_with_staff=[unwanted])
    assert services.allocation_check(child=child, worker=unwanted).not_wanted
    assert not services.allocation_check(child=child, worker=welcome).not_wanted
    # A first name alone in the child's words does not flag everyone called that.
    _say(worker, child, who_not="Jo's friend")
    assert not services.allocation_check(child=child, worker=welcome).not_wanted


# The many-professionals warning ------------------------------------------------------------------------------------


def _attempts(child, people):
    now = timezone.now()
    for n, person in enumerate(people):
        ContactAttempt.objects.create(
            child=child,
            practitioner=person,
            agency=person.agency,
            attempted_at=now - dt.timedelta(days=1, minutes=n),
            method=ContactMethod.values[0],
            outcome=ContactOutcome.SPOKE,
        )


def test_the_many_professionals_warning_counts_against_what_the_child_said_they_can_manage(
    csc, worker, child, settings
):
    settings.JOINEDUP_MANY_PROFESSIONALS = 4
    _attempts(child, [UserFactory.create(agency=csc) for _ in range(3)])
    assert many_professionals(child=child) is None  # 3 is within the partnership's 4
    _say(worker, child, professionals_limit=2)
    warning = many_professionals(child=child)
    assert warning is not None
    assert (warning.count, warning.limit, warning.childs_own) == (3, 2, True)


# Speaking-out links: issuing and revoking ---------------------------------------------------------------------------


def test_a_link_is_shown_once_and_only_its_hash_is_kept(worker, child):
    token, raw = services.speak_token_issue(user=worker, child=child)
    assert raw not in token.token_hash and len(raw) >= 43
    assert token_live(raw) == token
    assert not SpeakToken.objects.filter(token_hash=raw).exists()


def test_a_leader_cannot_issue_a_link(csc, child):
    leader = UserFactory.create(agency=csc, roles=[RoleCode.LEADER])
    with pytest.raises(PermissionDenied):
        services.speak_token_issue(user=leader, child=child)


def _speak_url(raw: str) -> str:
    return reverse("voice:speak", kwargs={"token": raw})


def _send(client: Client, raw: str, **data: object):
    values = {"kind": MessageKind.TELL, "text": "I want to talk about home"}
    values.update(data)  # type: ignore[arg-type]
    return client.post(_speak_url(raw), values, REMOTE_ADDR="203.0.113.5")


def test_a_child_sends_a_message_and_it_lands_on_the_key_workers_work_list(worker, child):
    _, raw = services.speak_token_issue(user=worker, child=child)
    client = Client()
    page = client.get(_speak_url(raw))
    assert page.status_code == 200
    sent = _send(client, raw, kind=MessageKind.CONTACT, text="Please call me", contact_when="After 4pm")
    assert sent.status_code == 302 and sent["Location"] == reverse("voice:speak-sent")
    message = ChildMessage.objects.get()
    assert (message.child, message.wants_contact, message.contact_when) == (child, True, "After 4pm")
    task = Task.objects.get(kind=TaskKind.CHILD_MESSAGE, source_id=str(message.pk))
    assert (task.owner, task.urgent, task.completes_here, task.child) == (worker, True, True, child)
    assert task.due_at == message.received_at + dt.timedelta(hours=24)
    received = AuditEvent.objects.get(kind=AuditKind.CHILD_MESSAGE_RECEIVED)
    # The audit row keeps neither the link nor the child's address.
    assert raw not in received.path and received.ip_address is None


def test_a_message_that_does_not_ask_for_help_is_not_urgent(worker, child):
    _, raw = services.speak_token_issue(user=worker, child=child)
    assert _send(Client(), raw, kind=MessageKind.FEELS, text="", feeling=Feeling.GOOD).status_code == 302
    task = Task.objects.get(kind=TaskKind.CHILD_MESSAGE)
    assert task.urgent is False


def test_a_message_goes_to_the_issuer_when_the_child_has_no_key_worker(csc, worker):
    child = ChildFactory.create(owning_agency=csc, key_worker=None)
    _, raw = services.speak_token_issue(user=worker, child=child)
    _send(Client(), raw)
    assert Task.objects.get(kind=TaskKind.CHILD_MESSAGE).owner == worker


def test_nothing_of_the_record_is_shown_back(worker, child):
    _say(worker, child, trusted_adult="My aunt Bea")
    _, raw = services.speak_token_issue(user=worker, child=child)
    client = Client()
    pages = [client.get(_speak_url(raw)), _send(client, raw, text="Secret words here")]
    pages.append(client.get(reverse("voice:speak-sent")))
    pages.append(_send(client, raw, kind="nonsense", text="Other secret words"))
    for response in pages:
        # The form's CSRF token and the link's own token are random letters that
        # can spell a short name by chance ("Bea" once did): leave them out.
        html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        html = html.replace(raw, "")
        for shown in ("Robin", "Synthchild", "Kim", "Keyworker", "Bea", "Children's Services", "Secret words"):
            assert shown not in html, shown
    assert "no-store" in pages[0]["Cache-Control"] and pages[0]["Referrer-Policy"] == "same-origin"


def test_a_revoked_unknown_or_malformed_link_gets_the_same_page_and_sends_nothing(worker, child):
    token, raw = services.speak_token_issue(user=worker, child=child)
    services.speak_token_revoke(user=worker, token=token)
    client = Client()
    revoked = client.get(_speak_url(raw))
    unknown = client.get(_speak_url("A" * 43))
    malformed = client.get(_speak_url("not a token!"))
    assert revoked.status_code == unknown.status_code == malformed.status_code == 404
    assert revoked.content == unknown.content == malformed.content
    assert _send(client, raw).status_code == 404
    assert not ChildMessage.objects.exists() and not Task.objects.exists()


def test_an_oversized_request_is_refused_before_it_is_read(worker, child):
    _, raw = services.speak_token_issue(user=worker, child=child)
    response = _send(Client(), raw, text="x" * 20_000)
    assert response.status_code == 413
    assert not ChildMessage.objects.exists()


def test_a_message_over_the_limit_is_refused_in_plain_words(worker, child):
    _, raw = services.speak_token_issue(user=worker, child=child)
    response = _send(Client(), raw, text="x" * 1001)
    assert response.status_code == 200
    assert "Your message is too long" in response.content.decode()
    assert not ChildMessage.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "nonsense"},
        {"kind": MessageKind.TELL, "text": ""},
        {"kind": MessageKind.FEELS, "text": "", "feeling": "9"},
        {"kind": MessageKind.FEELS, "text": "", "feeling": "bad"},
        {"kind": MessageKind.TELL, "text": "a\x00b"},
        {"kind": MessageKind.TELL, "contact_when": "y" * 201},
    ],
)
def test_malformed_input_is_refused_and_sends_nothing(worker, child, data):
    _, raw = services.speak_token_issue(user=worker, child=child)
    response = _send(Client(), raw, **data)
    assert response.status_code == 200
    assert "Something needs changing" in response.content.decode()
    assert not ChildMessage.objects.exists()


def test_the_page_refuses_a_post_without_its_csrf_token(worker, child):
    _, raw = services.speak_token_issue(user=worker, child=child)
    client = Client(enforce_csrf_checks=True)
    response = client.post(_speak_url(raw), {"kind": MessageKind.TELL, "text": "Hello"})
    assert response.status_code == 403
    assert not ChildMessage.objects.exists()


def test_a_link_is_rate_limited(worker, child):
    _, raw = services.speak_token_issue(user=worker, child=child)
    client = Client()
    codes = [_send(client, raw, text=f"Message {n}").status_code for n in range(12)]
    assert codes[:10] == [302] * 10
    assert codes[10:] == [429, 429]
    assert ChildMessage.objects.count() == 10
    assert Attempt.objects.exists()


def test_an_address_is_rate_limited_across_links(csc, worker):
    raws = [services.speak_token_issue(user=worker, child=ChildFactory.create(owning_agency=csc))[1] for _ in range(3)]
    client = Client()
    codes = [_send(client, raws[n % 3], text=f"Message {n}").status_code for n in range(22)]
    assert codes.count(302) == 20 and codes[-1] == 429


# Reading the messages --------------------------------------------------------------------------------------------


def test_marking_a_message_read_closes_its_task_and_the_work_list_marks_it_read(worker, child):
    _, raw = services.speak_token_issue(user=worker, child=child)
    _send(Client(), raw)
    _send(Client(), raw, text="And another")
    first, second = ChildMessage.objects.order_by("received_at")
    services.child_message_read(user=worker, message=first)
    assert Task.objects.get(source_id=str(first.pk)).completed_at is not None
    task_complete(user=worker, task=Task.objects.get(source_id=str(second.pk)))
    second.refresh_from_db()
    assert second.read_by == worker and second.read_at is not None


def test_a_message_page_is_audited_and_closed_to_leaders(csc, worker, child, client, sign_in):
    message = child_message_make(child=child, issued_by=worker)
    url = reverse("voice:message", kwargs={"child_id": child.pk, "message_id": message.pk})
    sign_in(worker)
    assert "Things are better at home" in client.get(url).content.decode()
    assert AuditEvent.objects.filter(
        kind=AuditKind.CHILD_VIEWED, object_type="child_message", object_id=str(message.pk)
    ).exists()
    leader = UserFactory.create(agency=csc, roles=[RoleCode.LEADER])
    other = Client()
    sign_in(leader, other)
    assert other.get(url).status_code == 403


def test_messages_are_in_the_subject_access_export(worker, child):
    from joinedup.rights.document import subject_access_document

    message = child_message_make(child=child, issued_by=worker, text="My own words")
    say = child_say_make(child=child, recorded_by=worker)
    document = subject_access_document(child=child)
    held = {(section.key, item.id) for section in document.sections for item in section.items}
    assert ("child_messages", str(message.pk)) in held and ("childs_say", str(say.pk)) in held


# Figures: counted, never named -----------------------------------------------------------------------------------


def test_the_figures_count_messages_and_name_nobody(csc, worker, child):
    now = timezone.now()
    child_message_make(child=child, issued_by=worker, kind=MessageKind.FEELS, feeling=Feeling.GOOD)
    child_message_make(child=child, issued_by=worker, kind=MessageKind.FEELS, feeling=Feeling.REALLY_BAD)
    child_message_make(
        child=child, issued_by=worker, kind=MessageKind.CONTACT, wants_contact=True, read_at=now, read_by=worker
    )
    late = child_message_make(child=child, issued_by=worker, kind=MessageKind.CONTACT, wants_contact=True)
    ChildMessage.objects.filter(pk=late.pk).update(received_at=now - dt.timedelta(days=3), read_at=now, read_by=worker)
    coordinator = UserFactory.create(agency=csc, roles=[RoleCode.COORDINATOR])
    keys = ["voice-messages", "voice-feels", "voice-asked-for-help", "voice-help-read-in-a-day"]
    counts = count_figures([BY_KEY[k] for k in keys], user=coordinator, filters=default_filters())
    assert counts == {"voice-messages": 4, "voice-feels": 2, "voice-asked-for-help": 2, "voice-help-read-in-a-day": 1}
    for key in keys:
        figure = BY_KEY[key]
        rows = list(figure.rows(coordinator, default_filters()))
        assert len(rows) == counts[key]
        cells = " ".join(str(column.value(row)) for row in rows for column in figure.columns)
        assert "Robin" not in cells and "Synthchild" not in cells
        assert all(figure.child_of(row) is None for row in rows)
    summary = BY_KEY["voice-feels"].summary
    assert summary is not None
    text = summary(BY_KEY["voice-feels"].rows(coordinator, default_filters()))
    assert "Really bad: 1" in text and "Good: 1" in text and "Really good: 0" in text


def test_the_figures_count_only_children_the_viewer_may_see(csc, worker, child):
    child_message_make(child=child, issued_by=worker)
    elsewhere = AgencyFactory.create()
    manager = UserFactory.create(agency=elsewhere, roles=[RoleCode.MANAGER])
    assert count_figures([BY_KEY["voice-messages"]], user=manager, filters=default_filters()) == {"voice-messages": 0}
    Involvement.objects.create(child=child, agency=elsewhere)
    assert count_figures([BY_KEY["voice-messages"]], user=manager, filters=default_filters()) == {"voice-messages": 1}
