"""Writes of case audits: permission, the write and its audit row in one transaction.

A refused write raises ``PermissionDenied`` and writes nothing; a write the rules refuse (a question left
ungraded, a grade off the question's scale, a date in the future) raises ``ValidationError`` naming the field,
and writes nothing.
"""

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.answers import past_or_now, required_text
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record, audit_record_many
from joinedup.deadlines import london_date, london_day_ends
from joinedup.tasks.models import TaskKind
from joinedup.tasks.services import task_close_for, task_open

from . import selectors
from .models import (
    AuditAction,
    AuditQuestion,
    AuditRound,
    AuditTool,
    CaseAudit,
    Grade,
    LearningPoint,
    QuestionGrade,
    Theme,
)
from .seed import STANDARD_TOOL

# A round draws at most this many cases: an audit is a close read of each.
MOST_IN_A_SAMPLE = 50
# A round's period is at most this long.
LONGEST_PERIOD_DAYS = 366 * 2


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    text: str
    guidance: str = ""
    scale: tuple[str, ...] = tuple(Grade.values)


def audit_tool_publish(
    *, user: User, name: str, questions: Sequence[QuestionSpec], based_on: AuditTool | None = None
) -> AuditTool:
    """Publish a new version of a tool: a new row with its questions, in force from now; the version before stays
    as it was (audits made with it keep it) and is no longer in force. ``based_on``: the version the draft was
    made from (the page's), refused if another version has been published since."""
    if not policy.can_publish_audit_tool(user):
        raise PermissionDenied
    name = required_text("name", name, "Give the tool a name.")
    if not questions:
        raise ValidationError({"questions": "A tool needs at least one question."})
    codes = [q.code for q in questions]
    if len(set(codes)) != len(codes) or not all(q.code and q.text.strip() for q in questions):
        raise ValidationError({"questions": "Each question needs its own code and its text."})
    for q in questions:
        if not q.scale or not set(q.scale) <= set(Grade.values):
            raise ValidationError({"questions": f"The grades of {q.code} must be Ofsted's grades."})
    with transaction.atomic():
        if based_on is not None:
            current = AuditTool.objects.select_for_update().filter(name=name, in_force=True).first()
            if current is None or current.pk != based_on.pk:
                raise ValidationError(
                    "Another version was published while you drafted this one: draft again from the version in force."
                )
        latest = AuditTool.objects.filter(name=name).aggregate(v=Max("version"))["v"] or 0
        AuditTool.objects.filter(name=name, in_force=True).update(in_force=False)
        tool = AuditTool.objects.create(name=name, version=latest + 1, in_force=True)
        AuditQuestion.objects.bulk_create(
            AuditQuestion(
                tool=tool, order=n, code=q.code, text=q.text.strip(), guidance=q.guidance, scale=list(q.scale)
            )
            for n, q in enumerate(questions, start=1)
        )
        audit_record(
            actor=user,
            kind=AuditKind.CASE_AUDIT_TOOL_PUBLISHED,
            object_type="audit_tool",
            object_id=str(tool.pk),
            payload={"name": name, "version": tool.version, "questions": codes},
        )
    return tool


def tool_in_force(name: str = STANDARD_TOOL) -> AuditTool | None:
    return AuditTool.objects.filter(name=name, in_force=True).first()


def sample_draw(child_ids: Iterable[UUID], *, size: int, seed: int) -> list[UUID]:
    """``size`` of the children, at random but the same for the same seed and the same children (whatever order
    they come in): the ids are sorted before the draw."""
    ordered = sorted(child_ids, key=str)
    return sorted(random.Random(seed).sample(ordered, min(size, len(ordered))), key=str)  # noqa: S311 - not security


def audit_round_open(
    *,
    user: User,
    theme: str,
    period_start: date,
    period_end: date,
    sample_size: int,
    high_risk_only: bool = False,
    seed: int | None = None,
    tool: AuditTool | None = None,
    opened_at: datetime | None = None,
) -> AuditRound:
    """Open a round of case audits for a period with a theme, and draw its sample: ``sample_size`` children, at
    random (reproducibly, from ``seed``), from those with a completed risk assessment or a missing episode in the
    period (optionally only those at high risk). Each child drawn gets an audit to do, and an audit row."""
    if not policy.can_run_case_audits(user):
        raise PermissionDenied
    theme = required_text("theme", theme, "Say what the round looks at.")
    if period_end < period_start:
        raise ValidationError({"period_end": "The period must end on or after its start."})
    if (period_end - period_start).days > LONGEST_PERIOD_DAYS:
        raise ValidationError({"period_end": "The period must be two years or shorter."})
    opened_at = past_or_now(opened_at)
    if period_end > london_date(opened_at):
        raise ValidationError({"period_end": "The period must not end in the future."})
    if not 1 <= sample_size <= MOST_IN_A_SAMPLE:
        raise ValidationError({"sample_size": f"Choose between 1 and {MOST_IN_A_SAMPLE} cases."})
    tool = tool or tool_in_force()
    if tool is None or not tool.in_force:
        raise ValidationError("There is no audit tool in force.")
    if seed is None:
        seed = random.SystemRandom().randrange(1, 2**31)
    eligible = selectors.sample_eligible(
        user=user, period_start=period_start, period_end=period_end, high_risk_only=high_risk_only
    )
    drawn = sample_draw(eligible.values_list("pk", flat=True), size=sample_size, seed=seed)
    with transaction.atomic():
        audit_round = AuditRound.objects.create(
            theme=theme,
            period_start=period_start,
            period_end=period_end,
            tool=tool,
            sample_size=sample_size,
            high_risk_only=high_risk_only,
            seed=seed,
            opened_by=user,
            opened_at=opened_at,
        )
        audits = CaseAudit.objects.bulk_create(
            CaseAudit(round=audit_round, child_id=child_id, tool=tool) for child_id in drawn
        )
        audit_record(
            actor=user,
            kind=AuditKind.CASE_AUDIT_ROUND_OPENED,
            object_type="audit_round",
            object_id=str(audit_round.pk),
            payload={"theme": theme, "sample_size": sample_size, "drawn": len(drawn), "seed": seed},
        )
        audit_record_many(
            actor=user,
            kind=AuditKind.CASE_AUDIT_SAMPLED,
            rows=[(a.child_id, "case_audit", str(a.pk), f"Case audit: {theme}"[:200], None) for a in audits],
        )
    return audit_round


def case_auditors_name(*, user: User, audit: CaseAudit, auditors: Sequence[User]) -> CaseAudit:
    """Name an audit's auditors (replacing those named before): people who may see the child, usually from
    several agencies."""
    if not policy.can_name_case_auditors(user, audit):
        raise PermissionDenied
    if not auditors:
        raise ValidationError({"auditors": "Choose at least one auditor."})
    refused = [a for a in auditors if not policy.can_be_case_auditor(a, audit.child)]
    if refused:
        names = ", ".join(a.get_full_name() or a.get_username() for a in refused)
        raise ValidationError({"auditors": f"These people may not see the child's record: {names}."})
    with transaction.atomic():
        audit.auditors.set(auditors)
        audit_record(
            actor=user,
            kind=AuditKind.CASE_AUDITORS_NAMED,
            child_id=audit.child_id,
            object_type="case_audit",
            object_id=str(audit.pk),
            payload={"auditors": sorted(a.get_username() for a in auditors)},
        )
    return audit


def case_audit_record(
    *,
    user: User,
    audit: CaseAudit,
    audited_on: date,
    grades: Mapping[str, tuple[str, str]],
    overall_grade: str,
    child_experience: str,
    child_spoken_to: bool,
    family_spoken_to: bool,
    completed_at: datetime | None = None,
) -> CaseAudit:
    """Record (or correct) the audit: a grade and comment for every question of its tool version (``grades`` by
    question code), the overall grade, and the child's and family's experience. The first recording completes it."""
    if not policy.can_audit_case(user, audit):
        raise PermissionDenied
    completed_at = past_or_now(completed_at)
    if audited_on > london_date(completed_at):
        raise ValidationError({"audited_on": "The date of the audit must not be in the future."})
    questions = list(audit.tool.questions.all())
    errors: dict[str, str] = {}
    for question in questions:
        grade, _comment = grades.get(question.code, ("", ""))
        if grade not in question.scale:
            errors[f"grade_{question.code}"] = f"Choose a grade for: {question.text}"
    unknown = set(grades) - {q.code for q in questions}
    if unknown:
        errors["__all__"] = "Grades were given for questions this version of the tool does not ask."
    if overall_grade not in Grade.values:
        errors["overall_grade"] = "Choose the overall grade."
    if not child_experience.strip():
        errors["child_experience"] = "Describe the child's and family's experience of the help they were given."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        for question in questions:
            grade, comment = grades[question.code]
            QuestionGrade.objects.update_or_create(
                audit=audit, question=question, defaults={"grade": grade, "comment": comment.strip()}
            )
        audit.audited_on = audited_on
        audit.overall_grade = overall_grade
        audit.child_experience = child_experience.strip()
        audit.child_spoken_to = child_spoken_to
        audit.family_spoken_to = family_spoken_to
        if audit.completed_at is None:
            audit.completed_at = completed_at
            audit.completed_by = user
        audit.save()
        audit_record(
            actor=user,
            kind=AuditKind.CASE_AUDIT_RECORDED,
            child_id=audit.child_id,
            object_type="case_audit",
            object_id=str(audit.pk),
            payload={"overall_grade": overall_grade, "tool_version": audit.tool.version},
        )
    return audit


def learning_point_record(
    *, user: User, audit: CaseAudit, text: str, themes: Sequence[Theme], recorded_at: datetime | None = None
) -> LearningPoint:
    if not policy.can_audit_case(user, audit):
        raise PermissionDenied
    text = required_text("text", text, "Say what the partnership learns.")
    if not themes:
        raise ValidationError({"themes": "Choose at least one learning theme."})
    with transaction.atomic():
        point = LearningPoint.objects.create(
            audit=audit, text=text, recorded_by=user, recorded_at=past_or_now(recorded_at)
        )
        point.themes.set(themes)
        audit_record(
            actor=user,
            kind=AuditKind.CASE_AUDIT_LEARNING_RECORDED,
            child_id=audit.child_id,
            object_type="learning_point",
            object_id=str(point.pk),
            payload={"themes": sorted(t.code for t in themes)},
        )
    return point


def audit_action_record(
    *,
    user: User,
    audit: CaseAudit,
    what: str,
    owner_agency: Agency,
    due: date,
    recorded_at: datetime | None = None,
) -> AuditAction:
    if not policy.can_audit_case(user, audit):
        raise PermissionDenied
    what = required_text("what", what, "Say what is to be done.")
    recorded_at = past_or_now(recorded_at)
    if due < london_date(recorded_at):
        raise ValidationError({"due": "The date must be today or later."})
    with transaction.atomic():
        action = AuditAction.objects.create(
            audit=audit, what=what, owner_agency=owner_agency, due=due, recorded_by=user, recorded_at=recorded_at
        )
        audit_record(
            actor=user,
            kind=AuditKind.CASE_AUDIT_ACTION_RECORDED,
            child_id=audit.child_id,
            object_type="audit_action",
            object_id=str(action.pk),
            payload={"owner_agency": owner_agency.code, "due": due.isoformat()},
        )
        task_open(
            actor=user,
            kind=TaskKind.AUDIT_ACTION,
            source_id=str(action.pk),
            title=f"Case audit action: {what}",
            link=reverse("caseaudits:audit", args=[audit.pk]),
            due_at=london_day_ends(due),
            child=audit.child,
            owner_agency=owner_agency,
        )
    return action


def audit_action_done(*, user: User, action: AuditAction, done_at: datetime | None = None) -> AuditAction:
    if not policy.can_mark_audit_action_done(user, action.audit):
        raise PermissionDenied
    if action.done_at is not None:
        raise ValidationError("The action is already done.")
    with transaction.atomic():
        action.done_at = past_or_now(done_at)
        action.done_by = user
        action.save(update_fields=["done_at", "done_by"])
        audit_record(
            actor=user,
            kind=AuditKind.CASE_AUDIT_ACTION_DONE,
            child_id=action.audit.child_id,
            object_type="audit_action",
            object_id=str(action.pk),
        )
        task_close_for(actor=user, kind=TaskKind.AUDIT_ACTION, source_id=str(action.pk), at=action.done_at)
    return action
