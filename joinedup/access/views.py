from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from joinedup import dates
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.deadlines import LONDON

from . import policy, selectors, services
from .forms import BreakGlassForm, ReviewForm
from .models import BreakGlassGrant


@login_required
def break_glass(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_request_break_glass(request.user):
        raise PermissionDenied
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant = services.break_glass_grant(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            until = timezone.localtime(grant.expires_at, LONDON)
            messages.warning(
                request,
                f"Emergency access granted until {dates.when(until)} (UK time). Your manager will review it.",
            )
            return redirect("children:detail", child_id=grant.child_id)
    return render(request, "access/break_glass.html", {"form": form})


@login_required
def review_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_review_break_glass(request.user):
        raise PermissionDenied
    grants = policy.break_glass_reviewable_by(request.user).select_related("user", "reviewed_by")
    return render(
        request,
        "access/review_list.html",
        {"waiting": grants.filter(reviewed_at__isnull=True), "done": grants.filter(reviewed_at__isnull=False)[:50]},
    )


@login_required
def review_decide(request: AuthenticatedHttpRequest, grant_id: int) -> HttpResponse:
    if not policy.can_review_break_glass(request.user):
        raise PermissionDenied
    try:
        grant = policy.break_glass_reviewable_by(request.user).select_related("user", "child").get(pk=grant_id)
    except BreakGlassGrant.DoesNotExist:
        raise Http404("No such emergency access") from None
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.break_glass_review(manager=request.user, grant=grant, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("access:review-list")
    return render(
        request,
        "access/review_decide.html",
        {"form": form, "grant": grant, "viewed": selectors.break_glass_seen(reviewer=request.user, grant=grant)},
    )
