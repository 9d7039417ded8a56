"""The check as the practitioner writes: the endpoint, the textareas that call it, and the partnership's list."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.tests.factories import ChildFactory
from joinedup.language.checks import language_check
from joinedup.language.models import PhraseGuidance

CHECK = "/language/check/"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _StrictHTML(HTMLParser):
    """Fails on a stray or unclosed tag, a repeated attribute or a repeated id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.ids: set[str] = set()
        self.problems: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = [name for name, _ in attrs]
        if len(names) != len(set(names)):
            self.problems.append(f"repeated attribute in <{tag} {names}>")
        found = dict(attrs)
        if (id_ := found.get("id")) is not None:
            if id_ in self.ids:
                self.problems.append(f"repeated id {id_}")
            self.ids.add(id_)
        self.tags.append((tag, found))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()


def _parse(html: str) -> _StrictHTML:
    parser = _StrictHTML()
    parser.feed(html)
    parser.close()
    assert parser.problems == []
    assert parser.stack == []
    return parser


@pytest.fixture
def practitioner(db):
    return UserFactory.create(roles=[RoleCode.PRACTITIONER])


def test_the_endpoint_returns_each_phrase_found_with_its_suggestion(practitioner, sign_in):
    client = sign_in(practitioner)
    response = client.post(CHECK, {"text": "She is putting herself\nat risk with her BOYFRIEND, who is 25."})
    assert response.status_code == 200
    html = response.content.decode()
    assert "adult of concern / the adult who is exploiting them" in html
    assert "is at risk from (name the adults or the situation)" in html
    assert "“BOYFRIEND”" in html
    assert "you can still save" in html
    parser = _parse(html)
    assert ("div", {"class": "govuk-inset-text joinedup-language-findings govuk-!-margin-top-2"}) in parser.tags


def test_the_endpoint_returns_nothing_when_there_is_no_finding(practitioner, sign_in):
    response = sign_in(practitioner).post(CHECK, {"text": "The adult of concern gave her a phone."})
    assert response.status_code == 200
    assert response.content.strip() == b""


def test_the_endpoint_lists_a_phrase_once_however_often_it_appears(practitioner, sign_in):
    html = sign_in(practitioner).post(CHECK, {"text": "boyfriend, boyfriend and boyfriend"}).content.decode()
    assert html.count("adult of concern / the adult who is exploiting them") == 1


def test_the_endpoint_checks_a_form_field_named_in_the_query(practitioner, sign_in):
    response = sign_in(practitioner).post(f"{CHECK}?field=summary", {"summary": "He is very streetwise."})
    assert "still needs protecting" in response.content.decode()


def test_the_endpoint_escapes_what_the_practitioner_wrote(practitioner, sign_in):
    PhraseGuidance.objects.create(phrase=r"<b>\w+", is_regex=True, why="x", suggestion="y")
    html = sign_in(practitioner).post(CHECK, {"text": "<b>bold"}).content.decode()
    assert "&lt;b&gt;bold" in html
    assert "<b>bold" not in html


def test_anyone_not_signed_in_is_sent_to_sign_in(client: Client, db):
    response = client.post(CHECK, {"text": "boyfriend"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:sign-in"))


def test_a_page_with_a_textarea_checks_it_as_the_practitioner_writes(practitioner, sign_in):
    child = ChildFactory.create(owning_agency=practitioner.agency)
    response = sign_in(practitioner).get(f"/children/{child.pk}/chronology/new/")
    assert response.status_code == 200
    html = response.content.decode()
    parser = _parse(html)
    groups = [attrs for tag, attrs in parser.tags if tag == "div" and "hx-post" in attrs]
    assert len(groups) == 1
    group = groups[0]
    assert group["hx-post"] == "/language/check/?field=summary"
    assert group["class"] == "govuk-form-group"
    assert group["hx-trigger"] == "input changed delay:600ms"
    assert group["hx-include"] == "#id_summary"
    assert group["hx-params"] == "summary"
    assert group["hx-target"] == "#id_summary-language"
    assert "id_summary-language" in parser.ids
    token = json.loads(group["hx-headers"] or "")["X-CSRFToken"]
    assert re.fullmatch(r"[A-Za-z0-9]{32,64}", token)
    textarea = next(attrs for tag, attrs in parser.tags if tag == "textarea")
    assert textarea["class"] == "govuk-textarea"
    assert textarea["name"] == "summary"


def test_a_page_without_a_textarea_does_not_call_the_check(sign_in, db):
    coordinator = UserFactory.create(roles=[RoleCode.COORDINATOR])
    html = sign_in(coordinator).get("/children/new/").content.decode()
    _parse(html)
    assert "hx-post" not in html


def test_saving_is_not_blocked_by_a_phrase_in_the_text(practitioner, sign_in):
    child = ChildFactory.create(owning_agency=practitioner.agency)
    response = sign_in(practitioner).post(
        f"/children/{child.pk}/chronology/new/",
        {"occurred_at": "2025-01-10T10:00", "category": "contact", "summary": "Seen with her boyfriend, aged 30."},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_an_administrator_adds_a_phrase_and_the_check_finds_it_at_once(sign_in, db):
    administrator = UserFactory.create(roles=[RoleCode.ADMINISTRATOR])
    client = sign_in(administrator)
    add = reverse("admin:language_phraseguidance_add")
    assert client.get(add).status_code == 200
    response = client.post(
        add,
        {
            "phrase": "party lifestyle",
            "why": "Presents exploitation as the child's chosen way of life.",
            "suggestion": "the child is being exploited at parties arranged by adults of concern",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    added = PhraseGuidance.objects.get(phrase="party lifestyle")
    assert AuditEvent.objects.filter(kind=AuditKind.ADMIN_CHANGE, object_id=str(added.pk)).exists()

    assert [f.phrase for f in language_check("Drawn into a Party\nLifestyle.")] == ["party lifestyle"]
    practitioner = UserFactory.create()
    html = sign_in(practitioner, Client()).post(CHECK, {"text": "a party lifestyle"}).content.decode()
    assert "parties arranged by adults of concern" in html


def test_an_administrator_edits_and_switches_off_a_phrase(sign_in, db):
    administrator = UserFactory.create(roles=[RoleCode.ADMINISTRATOR])
    client = sign_in(administrator)
    streetwise = PhraseGuidance.objects.get(phrase="streetwise")
    change = reverse("admin:language_phraseguidance_change", args=[streetwise.pk])
    response = client.post(
        change, {"phrase": "streetwise", "why": streetwise.why, "suggestion": "a better alternative"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert language_check("Streetwise.") == []


def test_the_admin_refuses_an_invalid_regular_expression(sign_in, db):
    client = sign_in(UserFactory.create(roles=[RoleCode.ADMINISTRATOR]))
    response = client.post(
        reverse("admin:language_phraseguidance_add"),
        {"phrase": "(unclosed", "is_regex": "on", "why": "x", "suggestion": "y", "active": "on"},
    )
    assert response.status_code == 200
    assert "not a valid regular expression" in response.content.decode()
    assert not PhraseGuidance.objects.filter(phrase="(unclosed").exists()


def test_only_an_administrator_may_edit_the_list(sign_in, db):
    client = sign_in(UserFactory.create(roles=[RoleCode.COORDINATOR]))
    assert client.get(reverse("admin:language_phraseguidance_changelist")).status_code == 302
