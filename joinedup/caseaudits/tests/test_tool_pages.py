"""The audit tool's versions on pages: those who see case audits read every version and its questions; the
coordinator and leaders draft a new version from the one in force and publish it; audits already made keep
their version; a refused or invalid draft writes nothing."""

import pytest
from django.urls import reverse

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.caseaudits import services
from joinedup.caseaudits.forms import ToolDraftForm, question_code
from joinedup.caseaudits.models import AuditQuestion, AuditTool
from joinedup.caseaudits.seed import STANDARD_QUESTIONS, STANDARD_TOOL
from joinedup.children.tests.factories import ChildFactory

from .factories import case_audit_make, standard_tool

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    agency = AgencyFactory.create(code="CSC")
    return {
        role: UserFactory.create(agency=agency, roles=[role])
        for role in (RoleCode.COORDINATOR, RoleCode.LEADER, RoleCode.MANAGER, RoleCode.PRACTITIONER)
    }


def _draft_body(tool: AuditTool, **changes: object) -> dict[str, object]:
    """The draft form as the page sends it unchanged: every question kept with its words and grades."""
    body: dict[str, object] = {}
    for question in tool.questions.all():
        body[f"keep_{question.code}"] = "on"
        body[f"text_{question.code}"] = question.text
        body[f"guidance_{question.code}"] = question.guidance
        body[f"scale_{question.code}"] = list(question.scale)
    body.update(changes)
    return body


def test_the_coordinator_reaches_the_versions_from_the_case_audits_page_and_reads_the_questions(
    people, client, sign_in
):
    tool = standard_tool()
    sign_in(people[RoleCode.COORDINATOR])
    index = client.get(reverse("caseaudits:index"))
    assert reverse("caseaudits:tools").encode() in index.content
    listing = client.get(reverse("caseaudits:tools"))
    assert listing.status_code == 200
    assert reverse("caseaudits:tool", args=[tool.pk]).encode() in listing.content
    assert reverse("caseaudits:tool-draft", args=[tool.pk]).encode() in listing.content
    page = client.get(reverse("caseaudits:tool", args=[tool.pk]))
    for _, text, _ in STANDARD_QUESTIONS:
        assert text.replace("'", "&#x27;").encode() in page.content


def test_a_leader_publishes_a_new_version_from_the_draft_and_earlier_audits_keep_theirs(people, client, sign_in):
    old = standard_tool()
    coordinator, leader = people[RoleCode.COORDINATOR], people[RoleCode.LEADER]
    audit = case_audit_make(child=ChildFactory.create(), auditors=[coordinator], completed=True)
    sign_in(leader)
    draft = client.get(reverse("caseaudits:tool-draft", args=[old.pk]))
    assert draft.status_code == 200 and b"Draft version 2" in draft.content
    body = _draft_body(
        old,
        keep_return_interviews="",
        text_recognition="Was the risk of exploitation recognised early and by whom?",
        scale_trusted_professional=["good", "inadequate"],
        new_text_1="Was the child seen alone?",
        new_guidance_1="At every visit, away from the adults of concern.",
    )
    response = client.post(reverse("caseaudits:tool-draft", args=[old.pk]), body)
    assert response.status_code == 302
    new = AuditTool.objects.get(name=STANDARD_TOOL, in_force=True)
    assert new.version == 2 and response["Location"] == reverse("caseaudits:tool", args=[new.pk])
    codes = [code for code, _, _ in STANDARD_QUESTIONS if code != "return_interviews"] + ["was_the_child_seen_alone"]
    assert [q.code for q in new.questions.all()] == codes
    asked = {q.code: q for q in new.questions.all()}
    assert asked["recognition"].text == "Was the risk of exploitation recognised early and by whom?"
    assert asked["trusted_professional"].scale == ["good", "inadequate"]
    assert asked["was_the_child_seen_alone"].guidance == "At every visit, away from the adults of concern."
    # The earlier version and the audit made with it are as they were.
    old.refresh_from_db()
    audit.refresh_from_db()
    assert not old.in_force and [q.code for q in old.questions.all()] == [c for c, _, _ in STANDARD_QUESTIONS]
    assert audit.tool_id == old.pk and audit.grades.count() == len(STANDARD_QUESTIONS)
    published = AuditEvent.objects.get(kind=AuditKind.CASE_AUDIT_TOOL_PUBLISHED)
    assert published.actor == leader and published.payload["version"] == 2
    # New rounds use it.
    assert services.tool_in_force() == new
    listing = client.get(reverse("caseaudits:tools"))
    assert b"version 2" in listing.content and b"Earlier version" in listing.content


def _nothing_published() -> None:
    assert AuditTool.objects.filter(name=STANDARD_TOOL).count() == 1
    assert AuditQuestion.objects.count() == len(STANDARD_QUESTIONS)
    assert not AuditEvent.objects.filter(kind=AuditKind.CASE_AUDIT_TOOL_PUBLISHED).exists()


def test_a_draft_that_changes_nothing_or_keeps_no_question_or_a_question_without_grades_is_refused(
    people, client, sign_in
):
    tool = standard_tool()
    sign_in(people[RoleCode.COORDINATOR])
    url = reverse("caseaudits:tool-draft", args=[tool.pk])
    unchanged = client.post(url, _draft_body(tool))
    assert unchanged.status_code == 200 and b"Nothing is changed" in unchanged.content
    none_kept = {f"keep_{code}": "" for code, _, _ in STANDARD_QUESTIONS}
    empty = client.post(url, _draft_body(tool, **none_kept))
    assert empty.status_code == 200 and b"at least one question" in empty.content
    no_grades = client.post(url, _draft_body(tool, scale_recognition=[]))
    assert no_grades.status_code == 200 and b"Choose at least one grade" in no_grades.content
    blank = client.post(url, _draft_body(tool, text_recognition="  "))
    assert blank.status_code == 200 and b"Give the question" in blank.content
    _nothing_published()


def test_a_draft_from_a_version_no_longer_in_force_is_refused(people, client, sign_in):
    tool = standard_tool()
    coordinator = people[RoleCode.COORDINATOR]
    sign_in(coordinator)
    stale = _draft_body(tool, new_text_1="Was the child seen alone?")
    newer = services.audit_tool_publish(
        user=coordinator,
        name=STANDARD_TOOL,
        questions=[services.QuestionSpec(code="voice", text="Was the child heard?")],
    )
    response = client.post(reverse("caseaudits:tool-draft", args=[tool.pk]), stale)
    assert response.status_code == 302 and response["Location"] == reverse("caseaudits:tools")
    assert list(AuditTool.objects.filter(name=STANDARD_TOOL).values_list("version", flat=True)) == [2, 1]
    assert AuditTool.objects.get(in_force=True) == newer
    # The service refuses a draft made from a version another publication replaced.
    with pytest.raises(Exception, match="published while you drafted"):
        services.audit_tool_publish(
            user=coordinator,
            name=STANDARD_TOOL,
            questions=[services.QuestionSpec(code="x", text="x")],
            based_on=tool,
        )
    assert AuditTool.objects.filter(name=STANDARD_TOOL).count() == 2


def test_managers_read_the_versions_but_only_the_coordinator_and_leaders_draft_and_a_refusal_writes_nothing(
    people, client, sign_in
):
    tool = standard_tool()
    body = _draft_body(tool, new_text_1="Was the child seen alone?")
    manager, practitioner = people[RoleCode.MANAGER], people[RoleCode.PRACTITIONER]
    sign_in(manager)
    listing = client.get(reverse("caseaudits:tools"))
    assert listing.status_code == 200
    assert reverse("caseaudits:tool-draft", args=[tool.pk]).encode() not in listing.content
    assert client.get(reverse("caseaudits:tool-draft", args=[tool.pk])).status_code == 403
    assert client.post(reverse("caseaudits:tool-draft", args=[tool.pk]), body).status_code == 403
    client.logout()
    sign_in(practitioner)
    assert client.get(reverse("caseaudits:tools")).status_code == 403
    assert client.get(reverse("caseaudits:tool", args=[tool.pk])).status_code == 403
    assert client.post(reverse("caseaudits:tool-draft", args=[tool.pk]), body).status_code == 403
    _nothing_published()


def test_a_new_question_gets_a_code_of_its_own():
    assert question_code("Was the child seen alone?", set()) == "was_the_child_seen_alone"
    assert question_code("Was the child seen alone?", {"was_the_child_seen_alone"}) == "was_the_child_seen_alone_2"
    assert question_code("???", set()) == "question"


def test_the_draft_form_orders_the_kept_questions_then_the_new_ones(people):
    tool = standard_tool()
    questions = list(tool.questions.all())
    form = ToolDraftForm(
        _draft_body(tool, keep_recognition="", new_text_2="Was the child seen alone?"), questions=questions
    )
    assert form.is_valid(), form.errors
    specs = form.question_specs()
    assert [s.code for s in specs] == [q.code for q in questions[1:]] + ["was_the_child_seen_alone"]
