from collections.abc import Callable
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms import Form
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.assessments.selectors import reviews_for_worklist
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record_children
from joinedup.children.selectors import child_find, child_get
from joinedup.deadlines import is_overdue
from joinedup.tasks.selectors import overdue_for_manager, tasks_for
from joinedup.web.forms import form_save

from . import forms, selectors, services
from .models import Alert, MissingEpisode, PhilomenaProfile, PoliceAttendance, ReturnInterview


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _colleagues(user: User, episode: MissingEpisode) -> Any:
    """People who may own an interview or action: staff of agencies working with the child."""
    agencies = episode.child.involvements.filter(ended_at__isnull=True).values("agency")
    return (
        User.objects.filter(is_active=True, roles__code__in=policy.WORK_OWNER_ROLES)
        .filter(Q(agency__in=agencies) | Q(pk=user.pk))
        .distinct()
        .order_by("username")
    )


@login_required
def episode_report(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    child = child_find(user=request.user, child_id=child_id)
    _require(policy.can_record_about_child(request.user, child))
    child = child_get(user=request.user, child_id=child.pk, reason="Reporting the child missing")
    form = forms.ReportForm(request.POST or None, grader=policy.can_grade_missing(request.user, child))
    if request.method == "POST" and form.is_valid():
        result: dict[str, MissingEpisode] = {}

        def report() -> None:
            result["episode"] = services.missing_episode_report(user=request.user, child=child, **form.cleaned_data)

        if form_save(form, report):
            messages.success(request, "The report is recorded and the child's key worker and duty teams alerted.")
            return redirect("missing:episode", episode_id=result["episode"].pk)
    return render(request, "missing/report.html", {"form": form, "child": child})


@login_required
def episode_detail(request: AuthenticatedHttpRequest, episode_id: UUID) -> HttpResponse:
    episode = selectors.episode_get(user=request.user, episode_id=episode_id)
    interview = ReturnInterview.objects.filter(episode=episode).first()
    now = timezone.now()
    return render(
        request,
        "missing/episode.html",
        {
            "episode": episode,
            "child": episode.child,
            "gradings": episode.gradings.select_related("graded_by"),
            "interview": interview,
            "interview_overdue": interview is not None
            and is_overdue(interview.due_at, done_at=interview.completed_at, now=now)
            and interview.response != "declined",
            "can_record": policy.can_record_about_child(request.user, episode.child),
            "can_grade": policy.can_grade_missing(request.user, episode.child),
            "attendance": PoliceAttendance.objects.filter(episode=episode).first(),
            "can_attend": policy.can_record_police_attendance(request.user, episode.child),
            "has_profile": PhilomenaProfile.objects.filter(child=episode.child).exists(),
            "can_share_philomena": policy.can_share_philomena(request.user, episode.child),
            "philomena_shares": list(selectors.philomena_shares(child=episode.child)),
            "philomena_forces": selectors.philomena_forces_to_share_with(user=request.user, child=episode.child),
            "repeat": selectors.repeat_missing(child=episode.child),
        },
    )


STEPS: dict[str, tuple[type[Form], str]] = {
    "regrade": (forms.RegradeForm, "Grade the risk again"),
    "attended": (forms.AttendanceForm, "Record the police's first attendance"),
    "found": (forms.FoundForm, "Record that the child has been found"),
    "return": (forms.ReturnForm, "Record the child's return"),
    "offer": (forms.OfferForm, "Record the return home interview offer"),
    "interview": (forms.InterviewForm, "Record the return home interview"),
    "action": (forms.ActionForm, "Add an action or onward referral"),
}


@login_required
def episode_step(request: AuthenticatedHttpRequest, episode_id: UUID, step: str) -> HttpResponse:
    episode = selectors.episode_get(user=request.user, episode_id=episode_id, reason=f"Recording a step: {step}")
    user = request.user
    _require(policy.can_record_about_child(user, episode.child))
    if step == "regrade":
        _require(policy.can_grade_missing(user, episode.child))
    if step == "attended":
        _require(policy.can_record_police_attendance(user, episode.child))
    form_class, title = STEPS[step]
    interview = ReturnInterview.objects.filter(episode=episode).first()
    if step in {"offer", "interview", "action"} and interview is None:
        raise Http404("Record the child's return first")
    kwargs: dict[str, Any] = {}
    if step in {"return", "action"}:
        kwargs["owners"] = _colleagues(user, episode)
    form = form_class(request.POST or None, **kwargs)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions: dict[str, Callable[[], object]] = {
            "regrade": lambda: services.missing_episode_regrade(user=user, episode=episode, **data),
            "attended": lambda: services.police_attendance_record(user=user, episode=episode, **data),
            "found": lambda: services.missing_episode_found(user=user, episode=episode, **data),
            "return": lambda: services.missing_episode_return(user=user, episode=episode, **data),
            "offer": lambda: services.return_interview_offer(user=user, interview=interview, **data),  # type: ignore[arg-type]
            "interview": lambda: services.return_interview_complete(user=user, interview=interview, **data),  # type: ignore[arg-type]
            "action": lambda: services.interview_action_add(user=user, interview=interview, **data),  # type: ignore[arg-type]
        }
        if form_save(form, actions[step]):
            return redirect("missing:episode", episode_id=episode.pk)
    return render(request, "missing/step.html", {"form": form, "episode": episode, "title": title})


@login_required
@require_POST
def philomena_share(request: AuthenticatedHttpRequest, episode_id: UUID) -> HttpResponse:
    episode = selectors.episode_get(user=request.user, episode_id=episode_id, reason="Sharing the Philomena profile")
    _require(policy.can_record_about_child(request.user, episode.child))
    try:
        decisions = services.philomena_share_with_police(user=request.user, episode=episode)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        names = ", ".join(d.shared_with_agency.name for d in decisions if d.shared_with_agency)
        if names:
            messages.success(request, f"The Philomena profile is shared with {names}; the decision is recorded.")
        else:
            messages.info(request, "The Philomena profile was already shared with police under the protocol.")
    return redirect("missing:episode", episode_id=episode.pk)


@login_required
def philomena_profile(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    child = child_get(user=request.user, child_id=child_id, reason="Viewed the Philomena profile")
    profile = PhilomenaProfile.objects.filter(child=child).first()
    can_keep = services.can_keep_philomena_profile(request.user, child)
    form = None
    if can_keep:
        initial = (
            {name: getattr(profile, name) for name in forms.PhilomenaForm.base_fields if name != "photo"}
            if profile
            else None
        )
        form = forms.PhilomenaForm(request.POST or None, request.FILES or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            services.philomena_profile_save(user=request.user, child=child, **form.cleaned_data)
            messages.success(request, "The Philomena profile is saved.")
            return redirect("missing:philomena", child_id=child.pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request, "missing/philomena.html", {"child": child, "profile": profile, "form": form, "can_keep": can_keep}
    )


@login_required
def philomena_photo(request: AuthenticatedHttpRequest, child_id: UUID) -> FileResponse:
    child = child_get(user=request.user, child_id=child_id, reason="Viewed the Philomena photo")
    profile = PhilomenaProfile.objects.filter(child=child).exclude(photo="").first()
    if profile is None:
        raise Http404("No photo")
    name = profile.photo.name or ""
    content_type = "image/jpeg" if name.lower().endswith((".jpg", ".jpeg")) else "image/png"
    return FileResponse(profile.photo.open("rb"), content_type=content_type)


@login_required
def worklist(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One work list: every task that is the user's (interviews, actions, requests for information, plans'
    actions...), then for a manager their agency's overdue tasks, then reviews due and oversight due."""
    _require(policy.works_with_children(request.user))
    now = timezone.now()
    tasks = list(tasks_for(user=request.user))
    overdue = list(overdue_for_manager(user=request.user))
    reviews = list(reviews_for_worklist(user=request.user))
    audit_record_children(
        actor=request.user,
        kind=AuditKind.CHILD_LISTED,
        child_ids=sorted({t.child_id for t in tasks + overdue if t.child_id is not None}),
        reason="Work list",
    )
    audit_record_children(
        actor=request.user,
        kind=AuditKind.CHILD_LISTED,
        child_ids=[a.child_id for a in reviews],
        reason="Risk assessment reviews work list",
    )
    today = timezone.localdate()
    review_rows = [(a, a.review_due is not None and a.review_due < today) for a in reviews]
    return render(
        request,
        "missing/worklist.html",
        {
            "task_rows": [(t, t.due_at is not None and t.due_at < now) for t in tasks],
            "overdue_rows": overdue,
            "review_rows": review_rows,
        },
    )


@login_required
def alerts(request: AuthenticatedHttpRequest) -> HttpResponse:
    visible = policy.children_visible_to(request.user)
    visible_ids = set(visible.values_list("pk", flat=True))
    items = [a for a in selectors.alerts_for(user=request.user) if a.child_id in visible_ids]
    audit_record_children(
        actor=request.user, kind=AuditKind.CHILD_LISTED, child_ids=sorted({a.child_id for a in items}), reason="Alerts"
    )
    return render(request, "missing/alerts.html", {"alerts": items})


@login_required
def alerts_badge(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Polled by every page, so an alert arrives without a refresh. Shows a count only: no child's details."""
    return render(request, "missing/_alerts_badge.html", {"unread": selectors.alerts_unread(user=request.user).count()})


@login_required
def alert_open(request: AuthenticatedHttpRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=alert_id, recipient=request.user)
    services.alert_mark_read(user=request.user, alert=alert)
    if alert.episode_id:
        return redirect("missing:episode", episode_id=alert.episode_id)
    return redirect("children:detail", child_id=alert.child_id)
