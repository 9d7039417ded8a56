from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from joinedup.access import policy
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.web.forms import form_save

from . import selectors, services
from .forms import GenerateForm, ScheduleForm
from .models import ProblemProfile


@login_required
def profile_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The profiles the user may read, with their progress; the coordinator's form to generate one."""
    profiles = selectors.profiles_for(user=request.user)
    may_generate = policy.can_generate_problem_profile(request.user)
    form = GenerateForm(request.POST or None) if may_generate else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            made = services.profile_generate_request(
                user=request.user,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                versions=form.cleaned_data["versions"],
                analysis=form.cleaned_data["analysis"],
            )
            return redirect("profiles:detail", profile_id=made[0].pk)
    return render(
        request,
        "profiles/list.html",
        {
            "profiles": profiles[:100],
            "form": form,
            "can_schedule": policy.can_manage_profile_schedules(request.user),
        },
    )


# Session key: the purpose a partnership leader gave for reading each restricted profile (profile id -> purpose).
PROFILE_PURPOSES_SESSION_KEY = "profile_purposes"


def _purpose_given(request: AuthenticatedHttpRequest, profile: ProblemProfile) -> str | None:
    """Why a partnership leader reads this restricted profile: asked once a session for each profile (the read and
    the download), and kept, as for a named child's record."""
    purposes: dict[str, str] = request.session.get(PROFILE_PURPOSES_SESSION_KEY, {})
    chosen = request.GET.get("purpose", "")
    if chosen in policy.LEADER_PURPOSES:
        purposes[str(profile.pk)] = chosen
        request.session[PROFILE_PURPOSES_SESSION_KEY] = purposes
    return purposes.get(str(profile.pk))


def _purpose_asked(request: AuthenticatedHttpRequest, profile: ProblemProfile) -> HttpResponse:
    """Nothing of the profile is shown (or audited as read) until the purpose is given."""
    return render(
        request,
        "profiles/purpose.html",
        {"profile": profile, "purposes": policy.LEADER_PURPOSES.items(), "error": "purpose" in request.GET},
    )


@login_required
def profile_detail(request: AuthenticatedHttpRequest, profile_id: UUID) -> HttpResponse:
    """The profile's progress while it is built; once published, the report itself (audited)."""
    profile = selectors.profile_get(user=request.user, profile_id=profile_id)
    if profile.is_published:
        purpose = ""
        if policy.must_give_purpose_for_profile(request.user, profile.version):
            purpose = _purpose_given(request, profile) or ""
            if not purpose:
                return _purpose_asked(request, profile)
        services.profile_viewed_record(user=request.user, profile=profile, purpose=purpose)
    watching = profile.job is not None and profile.job.requested_by_id == request.user.pk
    return render(request, "profiles/detail.html", {"profile": profile, "job": profile.job, "watching": watching})


@login_required
def profile_download(request: AuthenticatedHttpRequest, profile_id: UUID) -> HttpResponse:
    profile = selectors.profile_get(user=request.user, profile_id=profile_id)
    if not profile.is_published:
        raise Http404("The profile is not ready")
    purpose = ""
    if policy.must_give_purpose_for_profile(request.user, profile.version):
        purpose = _purpose_given(request, profile) or ""
        if not purpose:
            return _purpose_asked(request, profile)
    services.profile_downloaded_record(user=request.user, profile=profile, purpose=purpose)
    response = HttpResponse(bytes(profile.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{profile.file_stem}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# --- The schedules ------------------------------------------------------------------------------------------


@login_required
def schedule_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The schedules, with the next profile each makes, and the form to add one."""
    user = request.user
    if not policy.can_manage_profile_schedules(user):
        raise PermissionDenied
    form = ScheduleForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(form, lambda: services.profile_schedule_create(user=user, **form.cleaned_data))
    ):
        messages.success(request, "The schedule is set: the next profile is made once its period has ended.")
        return redirect("profiles:schedules")
    schedules = list(selectors.schedules_for(user=user))
    rows = [(s, selectors.schedule_next_period(s) if s.active else None) for s in schedules]
    return render(request, "profiles/schedules.html", {"rows": rows, "form": form})


@login_required
def schedule_edit(request: AuthenticatedHttpRequest, schedule_id: int) -> HttpResponse:
    """Change how often a running schedule makes the profile and which versions; or stop it."""
    user = request.user
    if not policy.can_manage_profile_schedules(user):
        raise PermissionDenied
    schedule = selectors.schedule_get(user=user, schedule_id=schedule_id)
    initial = {"frequency": schedule.frequency, "versions": schedule.versions}
    form = ScheduleForm(request.POST or None, initial=initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and form_save(form, lambda: services.profile_schedule_change(user=user, schedule=schedule, **form.cleaned_data))
    ):
        messages.success(request, "The schedule is changed.")
        return redirect("profiles:schedules")
    return render(request, "profiles/schedule_edit.html", {"schedule": schedule, "form": form})


@login_required
@require_POST
def schedule_stop(request: AuthenticatedHttpRequest, schedule_id: int) -> HttpResponse:
    user = request.user
    if not policy.can_manage_profile_schedules(user):
        raise PermissionDenied
    schedule = selectors.schedule_get(user=user, schedule_id=schedule_id)
    if form_save(Form(), lambda: services.profile_schedule_stop(user=user, schedule=schedule)):
        messages.success(request, "The schedule is stopped. The profiles it made are kept.")
    else:
        messages.info(request, "The schedule was already stopped.")
    return redirect("profiles:schedules")
