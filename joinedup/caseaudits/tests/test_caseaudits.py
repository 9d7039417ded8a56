"""Case audits: the versioned tool, the sample, grading and its refusals, the themes report, the figures and
need-to-know."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.assessments.models import Band, Catalogue, RiskAssessment
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.caseaudits import selectors, services
from joinedup.caseaudits.models import (
    AuditAction,
    AuditRound,
    AuditTool,
    CaseAudit,
    Grade,
    LearningPoint,
    QuestionGrade,
    Theme,
)
from joinedup.caseaudits.seed import STANDARD_QUESTIONS, STANDARD_TOOL
from joinedup.children.models import Involvement
from joinedup.children.tests.factories import ChildFactory
from joinedup.concerns.models import ConcernCategory
from joinedup.disruption.tests.factories import ConcernFactory
from joinedup.missing.tests.factories import MissingEpisodeFactory
from joinedup.oversight.figures import BY_KEY, default_filters

from .factories import case_audit_make, round_make, standard_tool


@pytest.fixture
def agencies(db):
    return AgencyFactory.create(code="CSC"), AgencyFactory.create(code="POL")


@pytest.fixture
def coordinator(agencies):
    return UserFactory.create(agency=agencies[0], roles=[RoleCode.COORDINATOR])


def _today() -> dt.date:
    return timezone.localdate()


def _assessed(child, *, days_ago: int = 10, band: str = Band.MEDIUM) -> RiskAssessment:
    return RiskAssessment.objects.create(
        child=child,
        catalogue=Catalogue.objects.get(is_current=True),
        owning_agency=child.owning_agency,
        assessor=child.created_by,
        completed_at=timezone.now() - dt.timedelta(days=days_ago),
        scored_band=band,
        band=band,
    )


def _all_good(audit: CaseAudit, grade: str = Grade.GOOD) -> dict[str, tuple[str, str]]:
    return {q.code: (grade, "Seen in the records") for q in audit.tool.questions.all()}


def _record(user, audit, **changes):
    arguments = {
        "audited_on": _today(),
        "grades": _all_good(audit),
        "overall_grade": Grade.GOOD,
        "child_experience": "The child said the youth worker listened.",
        "child_spoken_to": True,
        "family_spoken_to": False,
        **changes,
    }
    return services.case_audit_record(user=user, audit=audit, **arguments)


# The tool ---------------------------------------------------------------------------------------------------------


def test_the_standard_tool_is_seeded_in_force_with_its_questions_in_order(db):
    tool = standard_tool()
    assert tool.version == 1 and tool.in_force
    assert [q.code for q in tool.questions.all()] == [code for code, _, _ in STANDARD_QUESTIONS]
    assert all(q.scale == list(Grade.values) for q in tool.questions.all())
    assert Theme.objects.filter(kind="other_risk").count() == 6


def test_an_audit_keeps_the_tool_version_it_used_after_a_new_version_is_published(agencies, coordinator):
    child = ChildFactory.create(owning_agency=agencies[0])
    audit = case_audit_make(child=child, auditors=[coordinator], completed=True)
    questions = [services.QuestionSpec(code="voice", text="Was the child heard?")]
    new = services.audit_tool_publish(user=coordinator, name=STANDARD_TOOL, questions=questions)
    assert new.version == 2 and new.in_force
    audit.refresh_from_db()
    assert audit.tool.version == 1 and not audit.tool.in_force
    assert audit.grades.count() == len(STANDARD_QUESTIONS)
    assert AuditTool.objects.filter(name=STANDARD_TOOL).count() == 2
    # A round opened now uses the new version; recording the old audit still asks the old questions.
    assert services.tool_in_force() == new
    _record(coordinator, audit, overall_grade=Grade.OUTSTANDING)
    assert audit.grades.count() == len(STANDARD_QUESTIONS)


def test_only_those_who_run_case_audits_publish_a_tool_version(agencies):
    manager = UserFactory.create(agency=agencies[0], roles=[RoleCode.MANAGER])
    standard_tool()
    with pytest.raises(PermissionDenied):
        services.audit_tool_publish(
            user=manager, name=STANDARD_TOOL, questions=[services.QuestionSpec(code="x", text="x")]
        )
    assert AuditTool.objects.filter(name=STANDARD_TOOL).count() == 1


# The sample -------------------------------------------------------------------------------------------------------


def _eligible_world(agencies):
    csc = agencies[0]
    assessed = [ChildFactory.create(owning_agency=csc) for _ in range(4)]
    for child in assessed:
        _assessed(child)
    high = ChildFactory.create(owning_agency=csc)
    _assessed(high, band=Band.HIGH)
    went_missing = [ChildFactory.create(owning_agency=csc) for _ in range(3)]
    for child in went_missing:
        MissingEpisodeFactory.create(child=child, started_at=timezone.now() - dt.timedelta(days=5))
    # Not eligible: nothing in the period, an assessment not completed, or one completed before the period.
    nothing = ChildFactory.create(owning_agency=csc)
    draft = ChildFactory.create(owning_agency=csc)
    RiskAssessment.objects.create(
        child=draft, catalogue=Catalogue.objects.get(is_current=True), owning_agency=csc, assessor=draft.created_by
    )
    old = ChildFactory.create(owning_agency=csc)
    _assessed(old, days_ago=200, band=Band.HIGH)
    return {c.pk for c in [*assessed, high, *went_missing]}, {nothing.pk, draft.pk, old.pk}, high


def _open(user, *, size=5, seed=42, high_risk_only=False):
    return services.audit_round_open(
        user=user,
        theme="Children going missing from care",
        period_start=_today() - dt.timedelta(days=90),
        period_end=_today(),
        sample_size=size,
        high_risk_only=high_risk_only,
        seed=seed,
    )


def test_the_sample_is_drawn_only_from_eligible_children_and_the_same_seed_draws_the_same_sample(agencies, coordinator):
    eligible, not_eligible, _high = _eligible_world(agencies)
    first = _open(coordinator, seed=42)
    drawn = {a.child_id for a in first.audits.all()}
    assert len(drawn) == 5 and drawn <= eligible and not drawn & not_eligible
    again = _open(coordinator, seed=42)
    assert {a.child_id for a in again.audits.all()} == drawn
    # Every eligible child can be drawn: a sample as large as the pool is the pool.
    whole = _open(coordinator, size=50, seed=1)
    assert {a.child_id for a in whole.audits.all()} == eligible
    assert (
        AuditEvent.objects.filter(
            kind=AuditKind.CASE_AUDIT_SAMPLED, object_id__in=[str(a.pk) for a in first.audits.all()]
        ).count()
        == 5
    )


def test_the_draw_does_not_depend_on_the_order_the_children_come_in():
    ids = [__import__("uuid").uuid4() for _ in range(20)]
    assert services.sample_draw(ids, size=5, seed=9) == services.sample_draw(list(reversed(ids)), size=5, seed=9)
    assert services.sample_draw(ids, size=5, seed=9) != services.sample_draw(ids, size=5, seed=10)


def test_a_high_risk_only_round_draws_children_whose_latest_assessment_is_high(agencies, coordinator):
    _eligible, _not, high = _eligible_world(agencies)
    audit_round = _open(coordinator, size=10, high_risk_only=True)
    assert [a.child_id for a in audit_round.audits.all()] == [high.pk]


def test_a_round_is_refused_to_a_manager_and_with_a_bad_period_and_writes_nothing(agencies, coordinator):
    _eligible_world(agencies)
    manager = UserFactory.create(agency=agencies[0], roles=[RoleCode.MANAGER])
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        _open(manager)
    with pytest.raises(ValidationError) as refused:
        services.audit_round_open(
            user=coordinator,
            theme="x",
            period_start=_today(),
            period_end=_today() - dt.timedelta(days=1),
            sample_size=3,
        )
    assert "period_end" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _open(coordinator, size=0)
    assert "sample_size" in refused.value.message_dict
    assert AuditRound.objects.count() == CaseAudit.objects.count() == 0
    assert AuditEvent.objects.count() == before


# Grading ----------------------------------------------------------------------------------------------------------


def test_an_auditor_grades_every_question_and_the_audit_is_completed_and_audited(agencies, coordinator):
    child = ChildFactory.create(owning_agency=agencies[0])
    police = UserFactory.create(agency=agencies[1], roles=[RoleCode.MANAGER])
    Involvement.objects.create(child=child, agency=agencies[1])
    audit = case_audit_make(child=child, auditors=[coordinator])
    services.case_auditors_name(user=coordinator, audit=audit, auditors=[coordinator, police])
    grades = _all_good(audit)
    grades["recognition"] = (Grade.REQUIRES_IMPROVEMENT, "The first missing episode was not linked to exploitation")
    _record(police, audit, grades=grades, overall_grade=Grade.REQUIRES_IMPROVEMENT)
    audit.refresh_from_db()
    assert audit.is_complete and audit.completed_by == police
    assert audit.overall_grade == Grade.REQUIRES_IMPROVEMENT
    assert QuestionGrade.objects.get(audit=audit, question__code="recognition").grade == Grade.REQUIRES_IMPROVEMENT
    assert AuditEvent.objects.filter(kind=AuditKind.CASE_AUDIT_RECORDED, child_id=child.pk, actor=police).exists()


def test_grading_is_refused_to_anyone_not_named_and_for_missing_or_off_scale_grades_writing_nothing(
    agencies, coordinator
):
    child = ChildFactory.create(owning_agency=agencies[0])
    audit = case_audit_make(child=child, auditors=[coordinator])
    other = UserFactory.create(agency=agencies[0], roles=[RoleCode.MANAGER])
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        _record(other, audit)
    missing = _all_good(audit)
    del missing["disruption"]
    with pytest.raises(ValidationError) as refused:
        _record(coordinator, audit, grades=missing)
    assert "grade_disruption" in refused.value.message_dict
    off_scale = {**_all_good(audit), "thresholds": ("excellent", "")}
    with pytest.raises(ValidationError) as refused:
        _record(coordinator, audit, grades=off_scale, overall_grade="", child_experience=" ")
    assert {"grade_thresholds", "overall_grade", "child_experience"} <= set(refused.value.message_dict)
    with pytest.raises(ValidationError) as refused:
        _record(coordinator, audit, audited_on=_today() + dt.timedelta(days=1))
    assert "audited_on" in refused.value.message_dict
    audit.refresh_from_db()
    assert not audit.is_complete and QuestionGrade.objects.count() == 0
    assert AuditEvent.objects.count() == before


def test_an_auditor_must_be_able_to_see_the_child(agencies, coordinator):
    child = ChildFactory.create(owning_agency=agencies[0])
    audit = case_audit_make(child=child, auditors=[coordinator])
    police = UserFactory.create(agency=agencies[1], roles=[RoleCode.MANAGER])
    with pytest.raises(ValidationError) as refused:
        services.case_auditors_name(user=coordinator, audit=audit, auditors=[police])
    assert "auditors" in refused.value.message_dict
    assert list(audit.auditors.all()) == [coordinator]


def test_learning_points_need_a_theme_and_actions_a_date_not_past(agencies, coordinator):
    child = ChildFactory.create(owning_agency=agencies[0])
    audit = case_audit_make(child=child, auditors=[coordinator])
    with pytest.raises(ValidationError) as refused:
        services.learning_point_record(user=coordinator, audit=audit, text="Share sooner", themes=[])
    assert "themes" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.audit_action_record(
            user=coordinator, audit=audit, what="x", owner_agency=agencies[1], due=_today() - dt.timedelta(days=1)
        )
    assert "due" in refused.value.message_dict
    assert LearningPoint.objects.count() == AuditAction.objects.count() == 0


# The themes report ------------------------------------------------------------------------------------------------


def test_the_themes_report_counts_a_small_known_set_of_audits(agencies, coordinator):
    themes = {t.code: t for t in Theme.objects.all()}
    cse = ChildFactory.create(owning_agency=agencies[0])
    ConcernFactory.create(child=cse, category=ConcernCategory.CSE)
    both = ChildFactory.create(owning_agency=agencies[0])
    ConcernFactory.create(child=both, category=ConcernCategory.CSE)
    ConcernFactory.create(child=both, category=ConcernCategory.CCE)
    none = ChildFactory.create(owning_agency=agencies[0])
    not_done = ChildFactory.create(owning_agency=agencies[0])
    audit_round = round_make(opened_by=coordinator)
    a1 = case_audit_make(child=cse, auditors=[coordinator], audit_round=audit_round, completed=True)
    a2 = case_audit_make(
        child=both, auditors=[coordinator], audit_round=audit_round, completed=True, grade=Grade.INADEQUATE
    )
    a3 = case_audit_make(child=none, auditors=[coordinator], audit_round=audit_round, completed=True)
    a4 = case_audit_make(child=not_done, auditors=[coordinator], audit_round=audit_round)
    point = services.learning_point_record
    point(user=coordinator, audit=a1, text="a", themes=[themes["domestic_abuse"], themes["information_sharing"]])
    point(user=coordinator, audit=a1, text="b", themes=[themes["domestic_abuse"]])
    point(user=coordinator, audit=a2, text="c", themes=[themes["domestic_abuse"], themes["going_missing"]])
    point(user=coordinator, audit=a3, text="d", themes=[themes["online_harm"]])
    point(user=coordinator, audit=a4, text="not counted: not completed", themes=[themes["online_harm"]])
    report = selectors.themes_report(user=coordinator, start=_today() - dt.timedelta(days=30), end=_today())
    assert report.audits == 3
    learning = dict(report.learning_by_theme)
    assert (learning["Domestic abuse"], learning["Information sharing"], learning["Online harm"]) == (3, 1, 1)
    assert learning["Going missing"] == 1 and learning["Mental health"] == 0
    assert report.overall_grades == [0, 2, 0, 1]
    assert all(counts == [0, 2, 0, 1] for _question, counts in report.question_grades)
    assert len(report.question_grades) == len(STANDARD_QUESTIONS)
    links = dict(report.risk_links)
    columns = report.risk_columns
    cse_col, cce_col, none_col = (
        columns.index(ConcernCategory.CSE.label),
        columns.index(ConcernCategory.CCE.label),
        columns.index(selectors.NO_CONCERN),
    )
    # Domestic abuse: two audited children (one with CSE only, one with CSE and CCE), each counted once.
    assert (links["Domestic abuse"][cse_col], links["Domestic abuse"][cce_col]) == (2, 1)
    assert (links["Going missing"][cse_col], links["Going missing"][cce_col]) == (1, 1)
    assert links["Online harm"][none_col] == 1 and sum(links["Online harm"]) == 1
    assert sum(links["Mental health"]) == 0


def test_the_themes_page_and_csv_name_no_child(agencies, coordinator, client, sign_in):
    child = ChildFactory.create(owning_agency=agencies[0], given_name="Zephyrine")
    case_audit_make(child=child, auditors=[coordinator], completed=True)
    sign_in(coordinator)
    page = client.get(reverse("caseaudits:themes"))
    assert page.status_code == 200 and b"Zephyrine" not in page.content
    csv = client.get(reverse("caseaudits:themes-csv"))
    assert csv.status_code == 200 and b"Zephyrine" not in csv.content
    assert b"Overall grades,,Good,1" in csv.content


def test_the_themes_page_refuses_a_bad_period_naming_the_field(coordinator, client, sign_in):
    sign_in(coordinator)
    page = client.get(reverse("caseaudits:themes"), {"start": "2026-05-01", "end": "2026-01-01"})
    assert page.status_code == 200
    assert "end" in page.context["form"].errors


# Figures ----------------------------------------------------------------------------------------------------------


def test_each_figures_count_equals_its_list(agencies, coordinator):
    children = [ChildFactory.create(owning_agency=agencies[0]) for _ in range(3)]
    audit_round = round_make(opened_by=coordinator)
    audits = [case_audit_make(child=c, auditors=[coordinator], audit_round=audit_round) for c in children]
    for audit in audits[:2]:
        _record(coordinator, audit)
    old = timezone.now() - dt.timedelta(days=40)
    overdue = services.audit_action_record(
        user=coordinator,
        audit=audits[0],
        what="Review the plan",
        owner_agency=agencies[1],
        due=_today() - dt.timedelta(days=3),
        recorded_at=old,
    )
    services.audit_action_record(
        user=coordinator,
        audit=audits[0],
        what="Done already",
        owner_agency=agencies[1],
        due=_today() - dt.timedelta(days=3),
        recorded_at=old,
    )
    services.audit_action_done(user=coordinator, action=AuditAction.objects.get(what="Done already"))
    services.audit_action_record(
        user=coordinator,
        audit=audits[1],
        what="Not due yet",
        owner_agency=agencies[0],
        due=_today() + dt.timedelta(days=3),
    )
    filters = default_filters()
    completed = BY_KEY["case-audits-completed"].rows(coordinator, filters)
    assert completed.count() == len(list(completed)) == 2
    assert {BY_KEY["case-audits-completed"].child_of(a) for a in completed} == set(children[:2])
    actions = BY_KEY["case-audit-actions-overdue"].rows(coordinator, filters)
    assert actions.count() == len(list(actions)) == 1
    assert list(actions) == [overdue]
    assert BY_KEY["case-audit-actions-overdue"].child_of(overdue) == children[0]


# Need-to-know -----------------------------------------------------------------------------------------------------


def test_a_viewer_never_sees_audits_of_children_they_may_not_see(agencies, coordinator, client, sign_in):
    csc, police = agencies
    ours = ChildFactory.create(owning_agency=police, given_name="Ourchild")
    theirs = ChildFactory.create(owning_agency=csc, given_name="Theirchild")
    audit_round = round_make(opened_by=coordinator)
    seen = case_audit_make(child=ours, auditors=[coordinator], audit_round=audit_round, completed=True)
    hidden = case_audit_make(child=theirs, auditors=[coordinator], audit_round=audit_round, completed=True)
    manager = UserFactory.create(agency=police, roles=[RoleCode.MANAGER])
    assert list(selectors.audits_visible_to(manager)) == [seen]
    assert list(BY_KEY["case-audits-completed"].rows(manager, default_filters())) == [seen]
    assert selectors.themes_report(user=manager, start=_today() - dt.timedelta(days=5), end=_today()).audits == 1
    sign_in(manager)
    page = client.get(reverse("caseaudits:round", kwargs={"round_id": audit_round.pk}))
    assert page.status_code == 200
    assert b"Ourchild" in page.content and b"Theirchild" not in page.content
    assert client.get(reverse("caseaudits:audit", kwargs={"audit_id": hidden.pk})).status_code == 404
    assert client.get(reverse("caseaudits:audit", kwargs={"audit_id": seen.pk})).status_code == 200
    listed = AuditEvent.objects.filter(kind=AuditKind.CHILD_LISTED, actor=manager)
    assert set(listed.values_list("child_id", flat=True)) == {ours.pk}


def test_a_leader_opens_the_childs_record_from_an_audit_for_case_audit(agencies, client, sign_in):
    leader = UserFactory.create(agency=agencies[0], roles=[RoleCode.LEADER])
    child = ChildFactory.create(owning_agency=agencies[0])
    audit = case_audit_make(child=child, auditors=[leader])
    sign_in(leader)
    page = client.get(reverse("caseaudits:audit", kwargs={"audit_id": audit.pk}))
    link = reverse("children:detail", kwargs={"child_id": child.pk}) + "?purpose=case_audit"
    assert link.encode() in page.content
    record = client.get(link)
    assert record.status_code == 200
    viewed = AuditEvent.objects.filter(kind=AuditKind.CHILD_VIEWED, child_id=child.pk, actor=leader)
    assert viewed.filter(reason="Viewed the child's record for case audit").exists()


# Pages ------------------------------------------------------------------------------------------------------------


def test_the_grading_page_refuses_a_missing_grade_naming_the_question(agencies, coordinator, client, sign_in):
    child = ChildFactory.create(owning_agency=agencies[0])
    audit = case_audit_make(child=child, auditors=[coordinator])
    sign_in(coordinator)
    data = {"audited_on": _today().isoformat(), "overall_grade": "good", "child_experience": "Heard and helped"}
    for code, _text, _guidance in STANDARD_QUESTIONS[1:]:
        data[f"grade_{code}"] = "good"
    response = client.post(reverse("caseaudits:record", kwargs={"audit_id": audit.pk}), data)
    assert response.status_code == 200
    assert "grade_recognition" in response.context["form"].errors
    data["grade_recognition"] = "outstanding"
    response = client.post(reverse("caseaudits:record", kwargs={"audit_id": audit.pk}), data)
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.is_complete


def test_a_coordinator_opens_a_round_from_the_page_and_sees_the_sample(agencies, coordinator, client, sign_in):
    eligible, _not, _high = _eligible_world(agencies)
    sign_in(coordinator)
    response = client.post(
        reverse("caseaudits:round-create"),
        {
            "theme": "Voice of the child",
            "period_start": (_today() - dt.timedelta(days=60)).isoformat(),
            "period_end": _today().isoformat(),
            "sample_size": "3",
            "seed": "5",
        },
    )
    assert response.status_code == 302
    audit_round = AuditRound.objects.get()
    assert audit_round.audits.count() == 3 and {a.child_id for a in audit_round.audits.all()} <= eligible
    page = client.get(response["Location"])
    assert page.content.count(b"data-sample") == 1


def test_each_read_of_an_audit_is_audited_against_its_child(agencies, coordinator, client, sign_in):
    child = ChildFactory.create(owning_agency=agencies[0])
    audit = case_audit_make(child=child, auditors=[coordinator], completed=True)
    sign_in(coordinator)
    for name in ("caseaudits:audit", "caseaudits:record"):
        before = AuditEvent.objects.filter(kind=AuditKind.CHILD_VIEWED, child_id=child.pk).count()
        assert client.get(reverse(name, kwargs={"audit_id": audit.pk})).status_code == 200
        after = AuditEvent.objects.filter(kind=AuditKind.CHILD_VIEWED, child_id=child.pk, object_id=str(audit.pk))
        assert after.count() == before + 1, name
