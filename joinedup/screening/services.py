"""Writes of health screenings and of new versions of the screening proforma.

A flagged screening opens a child sexual exploitation concern through the concerns
service in the same transaction: the screening, its referral and its concern are
saved together or not at all.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from joinedup import dates
from joinedup.accounts.models import User
from joinedup.agencies.models import Agency
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child
from joinedup.concerns.models import ConcernCategory
from joinedup.concerns.services import concern_record

from .models import AgeRole, Answer, AnswerKind, Question, QuestionSet, ScreeningResponse
from .permissions import can_publish_question_sets, can_screen
from .scoring import AgeRules, ScreeningResult, screening_score
from .selectors import question_set_current

OLDEST_AGE = 99


def _answers_clean(questions: Sequence[Question], answers: Mapping[str, object]) -> dict[str, object]:
    """Every question's answer: "yes", "no", an age, or None where it was not asked."""
    known = {question.code for question in questions}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ValidationError(f"These are not questions of this proforma: {', '.join(unknown)}.")
    clean: dict[str, object] = {}
    for question in questions:
        value = answers.get(question.code)
        if value in (None, ""):
            clean[question.code] = None
        elif question.kind == AnswerKind.AGE:
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= OLDEST_AGE:
                raise ValidationError({question.code: "Enter an age in years."})
            clean[question.code] = value
        elif value in Answer.values:
            clean[question.code] = value
        else:
            raise ValidationError({question.code: "Answer yes or no, or leave it unanswered."})
    return clean


def _rules(question_set: QuestionSet) -> AgeRules:
    return AgeRules(
        age_gap_years=question_set.age_gap_years,
        adult_age=question_set.adult_age,
        age_of_consent=question_set.age_of_consent,
        always_refer_under=question_set.always_refer_under,
    )


def concern_wording(
    *,
    child: Child,
    practitioner: User,
    agency: Agency,
    screened_at: datetime,
    result: ScreeningResult,
    question_set: QuestionSet,
) -> str:
    """What a flagged screening tells other agencies: that a risk of sexual exploitation was found, how urgent,
    what they can do, and whom to ask. Nothing the young person said: their answers, and the findings drawn
    from them, stay with the service that screened (the page promises it)."""
    when = dates.day(screened_at)
    who = practitioner.get_full_name() or practitioner.get_username()
    if result.significant:
        why = "something the screening treats as significant on its own"
    else:
        why = f"several answers that together score over the threshold (proforma version {question_set.version})"
    return "\n".join(
        [
            f"Sexual health screening on {when} by {who} ({agency.name}) found that {child.given_name} may be at "
            f"risk of sexual exploitation, from {why}. A referral has been made.",
            "",
            "What other agencies can do now:",
            f"- Add what you know about {child.given_name} to their record, and tell the exploitation coordinator "
            "of anything that adds to this risk.",
            "- The coordinator will consider a strategy discussion and the MACE.",
            f"- To discuss the screening, contact {who} at {agency.name}. What {child.given_name} shared stays with "
            f"{agency.name}, and is shared only as the law and {child.given_name}'s consent allow.",
        ]
    )


def screening_record(
    *,
    user: User,
    child: Child,
    answers: Mapping[str, object],
    screened_at: datetime | None = None,
    question_set: QuestionSet | None = None,
) -> ScreeningResponse:
    """Record a screening on the current proforma (or the one given); a flagged one opens a CSE concern."""
    if not can_screen(user, child) or user.agency is None:
        raise PermissionDenied
    now = timezone.now()
    screened_at = screened_at or now
    if screened_at > now:
        raise ValidationError({"screened_at": "The time must be in the past."})
    question_set = question_set or question_set_current()
    questions = list(question_set.questions.all())
    clean = _answers_clean(questions, answers)
    result = screening_score(questions, clean, rules=_rules(question_set), threshold=question_set.threshold)
    with transaction.atomic():
        concern = None
        if result.flagged:
            concern = concern_record(
                user=user,
                child=child,
                category=ConcernCategory.CSE,
                occurred_at=screened_at,
                what_happened=concern_wording(
                    child=child,
                    practitioner=user,
                    agency=user.agency,
                    screened_at=screened_at,
                    result=result,
                    question_set=question_set,
                ),
            )
        screening = ScreeningResponse.objects.create(
            child=child,
            question_set=question_set,
            practitioner=user,
            agency=user.agency,
            screened_at=screened_at,
            answers=clean,
            score=result.score,
            flagged=result.flagged,
            findings=list(result.findings),
            referral_made=concern is not None,
            concern=concern,
        )
        audit_record(
            actor=user,
            kind=AuditKind.SCREENING_RECORDED,
            child_id=child.pk,
            object_type="screening",
            object_id=str(screening.pk),
            payload={
                "version": question_set.version,
                "score": result.score,
                "flagged": result.flagged,
                "concern": str(concern.pk) if concern else "",
            },
        )
    return screening


@dataclass(frozen=True)
class QuestionDraft:
    """One question of a new proforma version."""

    code: str
    text: str
    kind: str = AnswerKind.YES_NO
    age_role: str = AgeRole.NONE
    weight: int = 0
    significant: bool = False
    finding: str = ""


def question_set_publish(
    *,
    user: User,
    name: str,
    threshold: int,
    questions: Sequence[QuestionDraft],
    age_gap_years: int = 5,
    adult_age: int = 18,
    age_of_consent: int = 16,
    always_refer_under: int = 13,
) -> QuestionSet:
    """Publish a new version of the proforma; it becomes current, and earlier screenings keep theirs."""
    if not can_publish_question_sets(user):
        raise PermissionDenied
    codes = [question.code for question in questions]
    if not questions:
        raise ValidationError("A proforma needs at least one question.")
    if len(set(codes)) != len(codes):
        raise ValidationError("Each question needs its own code.")
    for question in questions:
        if question.kind not in AnswerKind.values or question.age_role not in AgeRole.values:
            raise ValidationError({"questions": f"Question {question.code}: choose a yes/no or an age question."})
        if question.kind == AnswerKind.YES_NO and not question.finding.strip():
            raise ValidationError({"questions": f"Question {question.code}: write what a yes means, for the concern."})
    with transaction.atomic():
        # Two publications at once collide on the unique version rather than both becoming current.
        latest = QuestionSet.objects.aggregate(latest=Max("version"))["latest"] or 0
        QuestionSet.objects.filter(is_current=True).update(is_current=False)
        question_set = QuestionSet.objects.create(
            version=latest + 1,
            name=name,
            is_current=True,
            threshold=threshold,
            age_gap_years=age_gap_years,
            adult_age=adult_age,
            age_of_consent=age_of_consent,
            always_refer_under=always_refer_under,
        )
        Question.objects.bulk_create(
            Question(
                question_set=question_set,
                position=position,
                code=draft.code,
                text=draft.text,
                kind=draft.kind,
                age_role=draft.age_role,
                weight=draft.weight,
                significant=draft.significant,
                finding=draft.finding.strip(),
            )
            for position, draft in enumerate(questions, start=1)
        )
        audit_record(
            actor=user,
            kind=AuditKind.SCREENING_QUESTIONS_PUBLISHED,
            object_type="screening_question_set",
            object_id=str(question_set.pk),
            payload={"version": question_set.version, "questions": codes},
        )
    return question_set
