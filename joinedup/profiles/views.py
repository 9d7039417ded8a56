from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from joinedup.access import policy
from joinedup.accounts.types import AuthenticatedHttpRequest

from . import selectors, services
from .forms import GenerateForm


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
    return render(request, "profiles/list.html", {"profiles": profiles[:100], "form": form})


@login_required
def profile_detail(request: AuthenticatedHttpRequest, profile_id: UUID) -> HttpResponse:
    """The profile's progress while it is built; once published, the report itself (audited)."""
    profile = selectors.profile_get(user=request.user, profile_id=profile_id)
    if profile.is_published:
        services.profile_viewed_record(user=request.user, profile=profile)
    watching = profile.job is not None and profile.job.requested_by_id == request.user.pk
    return render(request, "profiles/detail.html", {"profile": profile, "job": profile.job, "watching": watching})


@login_required
def profile_download(request: AuthenticatedHttpRequest, profile_id: UUID) -> HttpResponse:
    profile = selectors.profile_get(user=request.user, profile_id=profile_id)
    if not profile.is_published:
        raise Http404("The profile is not ready")
    services.profile_downloaded_record(user=request.user, profile=profile)
    response = HttpResponse(bytes(profile.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{profile.file_stem}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
