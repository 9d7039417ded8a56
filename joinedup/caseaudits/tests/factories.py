"""Rounds and audits made directly (for pages' tests and other apps'); the services' own tests go through the
services."""

import datetime as dt

from django.utils import timezone

from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.tests.factories import UserFactory
from joinedup.caseaudits.models import AuditRound, AuditTool, CaseAudit, Grade, QuestionGrade
from joinedup.caseaudits.seed import STANDARD_TOOL, standard_seed
from joinedup.children.models import Child


def standard_tool() -> AuditTool:
    standard_seed()
    return AuditTool.objects.get(name=STANDARD_TOOL, in_force=True)


def round_make(*, opened_by: User | None = None, theme: str = "Children going missing from care") -> AuditRound:
    today = timezone.localdate()
    return AuditRound.objects.create(
        theme=theme,
        period_start=today - dt.timedelta(days=90),
        period_end=today,
        tool=standard_tool(),
        sample_size=4,
        seed=7,
        opened_by=opened_by or UserFactory.create(roles=[RoleCode.COORDINATOR]),
    )


def case_audit_make(
    *,
    child: Child,
    auditors: list[User],
    audit_round: AuditRound | None = None,
    completed: bool = False,
    grade: str = Grade.GOOD,
) -> CaseAudit:
    """An audit of the child in a round, its auditors named; ``completed``: every question graded."""
    audit_round = audit_round or round_make(opened_by=auditors[0] if auditors else None)
    audit = CaseAudit.objects.create(round=audit_round, child=child, tool=audit_round.tool)
    audit.auditors.set(auditors)
    if completed:
        for question in audit.tool.questions.all():
            QuestionGrade.objects.create(audit=audit, question=question, grade=grade, comment="As the records show")
        audit.audited_on = timezone.localdate()
        audit.overall_grade = grade
        audit.child_experience = "The child said they trusted their youth worker."
        audit.child_spoken_to = True
        audit.completed_at = timezone.now()
        audit.completed_by = auditors[0] if auditors else None
        audit.save()
    return audit
