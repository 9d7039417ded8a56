from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from joinedup.access import policy
from joinedup.accounts.types import AuthenticatedHttpRequest

from . import forms, selectors, services
from .models import CandidateStatus, PlaceMerge


@login_required
def place_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_use_places(request.user):
        raise Http404
    query = request.GET.get("q", "")[:200]
    return render(
        request,
        "places/list.html",
        {
            "rows": selectors.places_for(request.user, query=query),
            "query": query,
            "can_review": policy.can_review_places(request.user),
        },
    )


@login_required
def place_detail(request: AuthenticatedHttpRequest, place_id: UUID) -> HttpResponse:
    place = selectors.place_get(request.user, place_id)
    if place.pk != place_id:
        return redirect("places:detail", place_id=place.pk)
    page = selectors.place_page(request.user, place)
    return render(
        request,
        "places/detail.html",
        {"place": place, "page": page, "can_review": policy.can_review_places(request.user)},
    )


@login_required
def review_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not policy.can_review_places(request.user):
        raise Http404
    return render(request, "places/review_list.html", {"items": selectors.review_queue(request.user)})


@login_required
def review_pair(request: AuthenticatedHttpRequest, candidate_id: int) -> HttpResponse:
    pair = selectors.review_pair(request.user, candidate_id)
    return render(
        request,
        "places/review_pair.html",
        {**pair, "form": forms.DecisionForm(), "is_open": pair["candidate"].status == CandidateStatus.OPEN},
    )


def _decide(request: AuthenticatedHttpRequest, candidate_id: int, merge: bool) -> HttpResponse:
    pair = selectors.review_pair(request.user, candidate_id)
    form = forms.DecisionForm(request.POST)
    if form.is_valid():
        decide = services.place_merge if merge else services.place_keep_apart
        try:
            decide(user=request.user, candidate=pair["candidate"], reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The places are merged." if merge else "The places are kept apart.")
            return redirect("places:review-list")
    return render(request, "places/review_pair.html", {**pair, "form": form, "is_open": True}, status=400)


@login_required
@require_POST
def review_merge(request: AuthenticatedHttpRequest, candidate_id: int) -> HttpResponse:
    return _decide(request, candidate_id, merge=True)


@login_required
@require_POST
def review_keep_apart(request: AuthenticatedHttpRequest, candidate_id: int) -> HttpResponse:
    return _decide(request, candidate_id, merge=False)


@login_required
@require_POST
def merge_undo(request: AuthenticatedHttpRequest, merge_id: int) -> HttpResponse:
    if not policy.can_review_places(request.user):
        raise Http404
    try:
        merge = PlaceMerge.objects.get(pk=merge_id)
    except PlaceMerge.DoesNotExist as error:
        raise Http404 from error
    form = forms.DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.place_merge_undo(user=request.user, merge=merge, reason=reason)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "The merge is undone: both places are back as they were.")
    return redirect("places:detail", place_id=merge.merged_id)
