from collections.abc import Callable
from datetime import date
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.deadlines import london_date
from joinedup.oversight.figures import default_filters
from joinedup.web.downloads import csv_download
from joinedup.web.forms import form_save

from . import selectors, services
from .forms import ActionForm, AuditorsForm, CaseAuditForm, LearningPointForm, PeriodForm, RoundForm, ToolDraftForm
from .models import AuditTool, CaseAudit


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The rounds (for those who see case audits) and the audits the user is named on."""
    user = request.user
    _require(policy.works_with_children(user))
    return render(
        request,
        "caseaudits/index.html",
        {
            "rounds": selectors.rounds_for(user=user),
            "mine": selectors.audits_of_auditor(user=user),
            "can_run": policy.can_run_case_audits(user),
            "can_view": policy.can_view_case_audits(user),
            "can_view_tools": policy.can_view_audit_tools(user),
        },
    )


@login_required
def round_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    _require(policy.can_run_case_audits(user))
    form = RoundForm(request.POST or None)
    opened = []
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(form, lambda: opened.append(services.audit_round_open(user=user, **form.cleaned_data)))
    ):
        messages.success(request, f"The round is open: {opened[0].audits.count()} cases drawn.")
        return redirect("caseaudits:round", round_id=opened[0].pk)
    return render(request, "caseaudits/round_create.html", {"form": form})


@login_required
def round_detail(request: AuthenticatedHttpRequest, round_id: UUID) -> HttpResponse:
    user = request.user
    _require(policy.can_view_case_audits(user))
    audit_round = selectors.round_get(user=user, round_id=round_id)
    return render(
        request,
        "caseaudits/round.html",
        {
            "round": audit_round,
            "audits": selectors.round_audits(user=user, audit_round=audit_round),
            "leader_purpose": policy.must_give_purpose(user),
        },
    )


def _audit_page(
    request: AuthenticatedHttpRequest,
    audit: CaseAudit,
    *,
    auditors: Form | None = None,
    learning: Form | None = None,
    action: Form | None = None,
) -> HttpResponse:
    user = request.user
    can_audit = policy.can_audit_case(user, audit)
    can_name = policy.can_name_case_auditors(user, audit)
    if can_name and auditors is None:
        people = selectors.auditor_candidates(child=audit.child)
        auditors = AuditorsForm(initial={"auditors": list(audit.auditors.all())}, people=people)
    return render(
        request,
        "caseaudits/audit.html",
        {
            "audit": audit,
            "child": audit.child,
            "grades": list(audit.grades.select_related("question")),
            "learning_points": list(audit.learning_points.prefetch_related("themes").select_related("recorded_by")),
            "actions": list(audit.actions.select_related("owner_agency", "done_by")),
            "can_audit": can_audit,
            "can_mark_done": policy.can_mark_audit_action_done(user, audit),
            "auditors_form": auditors if can_name else None,
            "learning_form": (learning or LearningPointForm()) if can_audit else None,
            "action_form": (action or ActionForm()) if can_audit else None,
            "leader_purpose": policy.must_give_purpose(user),
        },
    )


@login_required
def audit_detail(request: AuthenticatedHttpRequest, audit_id: UUID) -> HttpResponse:
    audit = selectors.case_audit_get(user=request.user, audit_id=audit_id)
    _require(policy.can_view_case_audit(request.user, audit))
    return _audit_page(request, audit)


@login_required
def audit_record(request: AuthenticatedHttpRequest, audit_id: UUID) -> HttpResponse:
    """The auditors grade the case against the questions of the audit's tool version."""
    user = request.user
    audit = selectors.case_audit_get(user=user, audit_id=audit_id, reason="Case audit: grading")
    _require(policy.can_audit_case(user, audit))
    questions = list(audit.tool.questions.all())
    initial: dict[str, object] = {
        "audited_on": audit.audited_on or london_date(timezone.now()),
        "overall_grade": audit.overall_grade,
        "child_experience": audit.child_experience,
        "child_spoken_to": audit.child_spoken_to,
        "family_spoken_to": audit.family_spoken_to,
    }
    for grade in audit.grades.select_related("question"):
        initial[f"grade_{grade.question.code}"] = grade.grade
        initial[f"comment_{grade.question.code}"] = grade.comment
    form = CaseAuditForm(request.POST or None, questions=questions, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(form, lambda: services.case_audit_record(user=user, audit=audit, **form.service_arguments()))
    ):
        messages.success(request, "The audit is recorded.")
        return redirect("caseaudits:audit", audit_id=audit.pk)
    return render(request, "caseaudits/record.html", {"audit": audit, "child": audit.child, "form": form})


def _audit_act(
    request: AuthenticatedHttpRequest,
    audit_id: UUID,
    *,
    reason: str,
    allowed: Callable[[User, CaseAudit], bool],
    form: Callable[[CaseAudit], Form],
    act: Callable[[CaseAudit, Form], object],
    done: str,
    slot: str,
) -> HttpResponse:
    """Name auditors, add a learning point or an action: the read audited with why, the policy asked, the service
    called; a refusal re-shows the audit with the form in its place (``slot``)."""
    audit = selectors.case_audit_get(user=request.user, audit_id=audit_id, reason=reason)
    _require(allowed(request.user, audit))
    bound = form(audit)
    if bound.is_valid() and form_save(bound, lambda: act(audit, bound)):
        messages.success(request, done)
        return redirect("caseaudits:audit", audit_id=audit.pk)
    return _audit_page(request, audit, **{slot: bound})


@login_required
@require_POST
def audit_auditors(request: AuthenticatedHttpRequest, audit_id: UUID) -> HttpResponse:
    user = request.user

    def form(audit: CaseAudit) -> Form:
        return AuditorsForm(request.POST, people=selectors.auditor_candidates(child=audit.child))

    return _audit_act(
        request,
        audit_id,
        reason="Case audit: naming the auditors",
        allowed=policy.can_name_case_auditors,
        form=form,
        act=lambda audit, f: services.case_auditors_name(
            user=user, audit=audit, auditors=list(f.cleaned_data["auditors"])
        ),
        done="The auditors are named.",
        slot="auditors",
    )


@login_required
@require_POST
def audit_learning(request: AuthenticatedHttpRequest, audit_id: UUID) -> HttpResponse:
    user = request.user
    return _audit_act(
        request,
        audit_id,
        reason="Case audit: a learning point",
        allowed=policy.can_audit_case,
        form=lambda audit: LearningPointForm(request.POST),
        act=lambda audit, f: services.learning_point_record(
            user=user, audit=audit, text=f.cleaned_data["text"], themes=list(f.cleaned_data["themes"])
        ),
        done="The learning point is recorded.",
        slot="learning",
    )


@login_required
@require_POST
def audit_action(request: AuthenticatedHttpRequest, audit_id: UUID) -> HttpResponse:
    user = request.user
    return _audit_act(
        request,
        audit_id,
        reason="Case audit: an action",
        allowed=policy.can_audit_case,
        form=lambda audit: ActionForm(request.POST),
        act=lambda audit, f: services.audit_action_record(user=user, audit=audit, **f.cleaned_data),
        done="The action is recorded.",
        slot="action",
    )


@login_required
@require_POST
def action_done(request: AuthenticatedHttpRequest, action_id: int) -> HttpResponse:
    user = request.user
    action = selectors.audit_action_get(user=user, action_id=action_id)
    _require(policy.can_mark_audit_action_done(user, action.audit))
    if form_save(Form(), lambda: services.audit_action_done(user=user, action=action)):
        messages.success(request, "The action is marked done.")
    else:
        messages.info(request, "The action was already done.")
    return redirect("caseaudits:audit", audit_id=action.audit_id)


def _period(request: AuthenticatedHttpRequest) -> tuple[PeriodForm, date, date]:
    defaults = default_filters()
    form = PeriodForm(request.GET or {"start": defaults.start, "end": defaults.end})
    if form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, defaults.start, defaults.end


@login_required
def themes(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Learning themes, grades and the links between exploitation and other risks across completed audits."""
    _require(policy.can_view_case_audits(request.user))
    form, start, end = _period(request)
    report = selectors.themes_report(user=request.user, start=start, end=end)
    return render(
        request,
        "caseaudits/themes.html",
        {"form": form, "report": report, "query": f"start={start.isoformat()}&end={end.isoformat()}"},
    )


@login_required
def themes_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(policy.can_view_case_audits(request.user))
    _form, start, end = _period(request)
    report = selectors.themes_report(user=request.user, start=start, end=end)
    return csv_download(
        f"case-audit-themes-{start.isoformat()}-{end.isoformat()}",
        ["Table", "Row", "Column", "Count"],
        report.csv_rows(),
    )


# --- The audit tool's versions -------------------------------------------------------------------------------


@login_required
def tools(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every version of the audit tool: the one in force, and the earlier ones audits made with them keep."""
    _require(policy.can_view_audit_tools(request.user))
    return render(
        request,
        "caseaudits/tools.html",
        {"tools": selectors.tools_for(user=request.user), "can_publish": policy.can_publish_audit_tool(request.user)},
    )


@login_required
def tool_detail(request: AuthenticatedHttpRequest, tool_id: int) -> HttpResponse:
    _require(policy.can_view_audit_tools(request.user))
    tool = selectors.tool_get(user=request.user, tool_id=tool_id)
    return render(
        request,
        "caseaudits/tool.html",
        {
            "tool": tool,
            "questions": list(tool.questions.all()),
            "can_publish": policy.can_publish_audit_tool(request.user) and tool.in_force,
        },
    )


@login_required
def tool_draft(request: AuthenticatedHttpRequest, tool_id: int) -> HttpResponse:
    """A new version drafted from the version in force (its questions, to change, leave out or add to), published
    when sent: in force from then for new rounds; audits made with an earlier version keep it."""
    user = request.user
    _require(policy.can_publish_audit_tool(user))
    tool = selectors.tool_get(user=user, tool_id=tool_id)
    if not tool.in_force:
        messages.info(request, "A new version is drafted from the version in force.")
        return redirect("caseaudits:tools")
    form = ToolDraftForm(request.POST or None, questions=list(tool.questions.all()))
    published: list[AuditTool] = []
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(
            form,
            lambda: published.append(
                services.audit_tool_publish(user=user, name=tool.name, questions=form.question_specs(), based_on=tool)
            ),
        )
    ):
        messages.success(request, f"Version {published[0].version} is published and in force for new rounds.")
        return redirect("caseaudits:tool", tool_id=published[0].pk)
    return render(request, "caseaudits/tool_draft.html", {"tool": tool, "form": form})
