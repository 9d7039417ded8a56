"""Reads of case audits: only audits of children the user may see, each child shown audited.

An audit's page is fetched, authorised and audited in one call (``case_audit_get``); lists of audits write one
``child_listed`` row per child shown. The themes report counts only and names no child.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from joinedup.access import policy
from joinedup.accounts.models import CROSS_AGENCY_ROLES, RoleCode, User
from joinedup.assessments.models import Band, RiskAssessment
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record, audit_record_children
from joinedup.children.models import Child
from joinedup.concerns.models import Concern, ConcernCategory
from joinedup.deadlines import LONDON
from joinedup.missing.models import MissingEpisode

from .models import (
    AuditAction,
    AuditRound,
    AuditTool,
    CaseAudit,
    Grade,
    LearningPoint,
    QuestionGrade,
    Theme,
    ThemeKind,
)

NO_CONCERN = "No concern recorded"


def _start_at(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=LONDON)


def _end_before(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=LONDON)


def sample_eligible(*, user: User, period_start: date, period_end: date, high_risk_only: bool) -> QuerySet[Child]:
    """The children a round may draw: those the user may see with a risk assessment completed, or a missing
    episode started, in the period; with ``high_risk_only``, only those whose latest completed assessment by the
    period's end is high."""
    start, end = _start_at(period_start), _end_before(period_end)
    assessed = RiskAssessment.objects.filter(child=OuterRef("pk"), completed_at__gte=start, completed_at__lt=end)
    missing = MissingEpisode.objects.filter(child=OuterRef("pk"), started_at__gte=start, started_at__lt=end)
    children = policy.children_visible_to(user).filter(Exists(assessed) | Exists(missing))
    if high_risk_only:
        latest = (
            RiskAssessment.objects.filter(child=OuterRef("pk"), completed_at__isnull=False, completed_at__lt=end)
            .order_by("-completed_at", "-pk")
            .values("band")[:1]
        )
        children = children.annotate(latest_band=Subquery(latest)).filter(latest_band=Band.HIGH)
    return children


def auditor_candidates(*, child: Child) -> QuerySet[User]:
    """Who may be named an auditor of the child's case: people of every agency who work with children and may see
    the child (asked of the policy for each, so the list is never wider than need-to-know)."""
    people = (
        User.objects.filter(is_active=True, roles__code__in=[*policy.CASE_ROLES, *CROSS_AGENCY_ROLES])
        .exclude(roles__code=RoleCode.ADMINISTRATOR)
        .select_related("agency")
        .distinct()
    )
    allowed = [person.pk for person in people if policy.can_be_case_auditor(person, child)]
    return User.objects.filter(pk__in=allowed).select_related("agency").order_by("agency__name", "username")


def audits_visible_to(user: User) -> QuerySet[CaseAudit]:
    """Audits of the children the user may see (whatever their role lets them do with them)."""
    return CaseAudit.objects.filter(child__in=policy.children_visible_to(user).values("pk"))


def rounds_for(*, user: User) -> list[AuditRound]:
    """The rounds, newest first, with how many of their audits the user may see and how many are done."""
    if not policy.can_view_case_audits(user):
        return []
    visible = policy.children_visible_to(user).values("pk")
    return list(
        AuditRound.objects.select_related("tool", "opened_by").annotate(
            seen=Count("audits", filter=Q(audits__child__in=visible)),
            done=Count("audits", filter=Q(audits__child__in=visible, audits__completed_at__isnull=False)),
        )
    )


def round_get(*, user: User, round_id: UUID) -> AuditRound:
    audit_round = AuditRound.objects.select_related("tool", "opened_by").filter(pk=round_id).first()
    if audit_round is None:
        raise Http404("No audit round found")
    return audit_round


def _listed(user: User, audits: list[CaseAudit], reason: str) -> list[CaseAudit]:
    audit_record_children(
        actor=user, kind=AuditKind.CHILD_LISTED, child_ids=sorted({a.child_id for a in audits}), reason=reason
    )
    return audits


def round_audits(*, user: User, audit_round: AuditRound) -> list[CaseAudit]:
    """The round's sample: the audits of the children the user may see, each child listed audited."""
    audits = list(
        audits_visible_to(user)
        .filter(round=audit_round)
        .select_related("child")
        .prefetch_related("auditors__agency")
        .order_by("child__family_name", "child__given_name", "pk")
    )
    return _listed(user, audits, f"Case audit round: {audit_round.theme}"[:200])


def audits_of_auditor(*, user: User) -> list[CaseAudit]:
    """The audits the user is named on, not yet done first."""
    audits = list(
        audits_visible_to(user)
        .filter(auditors=user)
        .select_related("child", "round")
        .order_by("-completed_at", "round__period_end", "pk")
    )
    audits.sort(key=lambda a: (a.completed_at is not None, a.round.period_end))
    return _listed(user, audits, "Case audits I am named on")


def case_audit_get(*, user: User, audit_id: UUID, reason: str = "Case audit") -> CaseAudit:
    """One audit, if the user may see its child (otherwise "not found", as for none); the read is audited."""
    audit = (
        audits_visible_to(user)
        .select_related("child", "round", "tool", "completed_by")
        .prefetch_related("auditors__agency", "tool__questions")
        .filter(pk=audit_id)
        .first()
    )
    if audit is None:
        raise Http404("No case audit found")
    audit_record(
        actor=user,
        kind=AuditKind.CHILD_VIEWED,
        child_id=audit.child_id,
        object_type="case_audit",
        object_id=str(audit.pk),
        reason=reason,
    )
    return audit


def audit_action_get(*, user: User, action_id: int) -> AuditAction:
    action = AuditAction.objects.select_related("audit__child").filter(pk=action_id).first()
    if action is None or not policy.can_view_child(user, action.audit.child):
        raise Http404("No action found")
    case_audit_get(user=user, audit_id=action.audit_id, reason="Case audit: an action")
    return action


# The themes report ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemesReport:
    """Counts across the audits completed in a period of children the viewer may see: no child is named."""

    start: date
    end: date
    audits: int
    learning_by_theme: list[tuple[str, int]]
    grades: list[str]  # the grade labels, the columns of the two tables below
    question_grades: list[tuple[str, list[int]]]
    overall_grades: list[int]
    risk_columns: list[str]  # exploitation types of the audited children
    risk_links: list[tuple[str, list[int]]]  # other-risk theme, audits for each exploitation type

    def csv_rows(self) -> list[list[object]]:
        rows: list[list[object]] = [["Audits completed", "", "", self.audits]]
        rows += [["Learning points by theme", name, "", n] for name, n in self.learning_by_theme]
        for question, counts in self.question_grades:
            rows += [["Grades by question", question, grade, n] for grade, n in zip(self.grades, counts, strict=True)]
        rows += [["Overall grades", "", grade, n] for grade, n in zip(self.grades, self.overall_grades, strict=True)]
        for theme, counts in self.risk_links:
            rows += [
                ["Links between exploitation and other risks", theme, kind, n]
                for kind, n in zip(self.risk_columns, counts, strict=True)
            ]
        return rows


def completed_audits(*, user: User, start: date, end: date) -> QuerySet[CaseAudit]:
    return audits_visible_to(user).filter(completed_at__gte=_start_at(start), completed_at__lt=_end_before(end))


def themes_report(*, user: User, start: date, end: date) -> ThemesReport:
    """Learning points by theme, grades by question and overall, and the links between exploitation and other
    risks: for each other-risk theme, how many audited children of each exploitation type (the categories of
    the concerns about them) had a learning point tagged with it."""
    audits = completed_audits(user=user, start=start, end=end) if policy.can_view_case_audits(user) else None
    if audits is None:
        audits = CaseAudit.objects.none()
    audit_ids = audits.values("pk")
    themes = Theme.objects.annotate(
        n=Count("learning_points", filter=Q(learning_points__audit__in=audit_ids), distinct=True)
    )
    learning = [(t.name, t.n) for t in themes if t.kind == ThemeKind.PRACTICE] + [
        (t.name, t.n) for t in themes if t.kind == ThemeKind.OTHER_RISK
    ]
    grade_values = list(Grade.values)
    by_question: dict[str, Counter[str]] = {}
    texts: dict[str, tuple[int, str]] = {}
    for code, text, order, grade, n in (
        QuestionGrade.objects.filter(audit__in=audit_ids)
        .values_list("question__code", "question__text", "question__order", "grade")
        .annotate(n=Count("pk"))
        .order_by("question__order", "question__code")
    ):
        by_question.setdefault(code, Counter())[grade] += n
        texts.setdefault(code, (order, text))
    question_grades = [
        (texts[code][1], [by_question[code][g] for g in grade_values])
        for code in sorted(by_question, key=lambda c: texts[c])
    ]
    overall = Counter(dict(audits.values_list("overall_grade").annotate(n=Count("pk")).order_by()))
    # The links: (audit, child) for each audit, the child's exploitation types, and each audit's other-risk themes.
    children_of = dict(audits.values_list("pk", "child_id"))
    types: dict[UUID, set[str]] = {}
    for child_id, category in (
        Concern.objects.filter(child__in=set(children_of.values())).values_list("child_id", "category").distinct()
    ):
        types.setdefault(child_id, set()).add(category)
    risks = Theme.objects.filter(kind=ThemeKind.OTHER_RISK)
    tagged: dict[int, set[UUID]] = {}
    for audit_id, theme_id in (
        LearningPoint.themes.through.objects.filter(
            learningpoint__audit__in=audit_ids, theme__kind=ThemeKind.OTHER_RISK
        )
        .values_list("learningpoint__audit_id", "theme_id")
        .distinct()
    ):
        tagged.setdefault(theme_id, set()).add(audit_id)
    columns = [*ConcernCategory.values, ""]
    links = []
    for theme in risks:
        counts = Counter[str]()
        for audit_id in tagged.get(theme.pk, set()):
            for kind in types.get(children_of[audit_id], {""}):
                counts[kind] += 1
        links.append((theme.name, [counts[c] for c in columns]))
    return ThemesReport(
        start=start,
        end=end,
        audits=len(children_of),
        learning_by_theme=learning,
        grades=[Grade(g).label for g in grade_values],
        question_grades=question_grades,
        overall_grades=[overall[g] for g in grade_values],
        risk_columns=[*ConcernCategory.labels, NO_CONCERN],
        risk_links=links,
    )


# --- The audit tool's versions (not about any child: no need-to-know) ----------------------------------------


def tools_for(*, user: User) -> QuerySet[AuditTool]:
    """Every version of every audit tool, newest first, with how many questions it asks and how many rounds and
    audits used it (counts over all rounds: a version names no child)."""
    if not policy.can_view_audit_tools(user):
        raise PermissionDenied
    return AuditTool.objects.annotate(
        question_count=Count("questions", distinct=True),
        round_count=Count("rounds", distinct=True),
    ).order_by("name", "-version")


def tool_get(*, user: User, tool_id: int) -> AuditTool:
    try:
        return tools_for(user=user).get(pk=tool_id)
    except AuditTool.DoesNotExist:
        raise Http404("No audit tool version found") from None
