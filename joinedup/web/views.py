from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import redirect, render

from joinedup.access import policy
from joinedup.accounts.models import RoleCode
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.jobs.selectors import jobs_for


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if user.has_role(RoleCode.LEADER) and policy.can_view_oversight(user):
        # A partnership leader's home is the oversight dashboard: the partnership through its figures.
        return redirect("oversight:dashboard")
    return render(
        request,
        "web/home.html",
        {
            "can_export": policy.can_export_children(user),
            "reviews_waiting": policy.break_glass_reviewable_by(user).filter(reviewed_at__isnull=True).count(),
            "jobs": jobs_for(user=user)[:5],
        },
    )


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico before reading any page; send them to the icon the pages link to."""
    return HttpResponsePermanentRedirect(staticfiles_storage.url("joinedup/favicon.ico"))
