from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from joinedup.access import policy
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.assessments.selectors import assessments_of
from joinedup.concerns.selectors import concerns_for
from joinedup.contacts.selectors import contact_summary
from joinedup.jobs.services import children_export_request
from joinedup.missing import selectors as missing_selectors
from joinedup.screening.permissions import can_screen
from joinedup.sharing.services import share_decision_record

from . import selectors, services
from .forms import ChildForm, ChronologyEntryForm, ShareForm


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def child_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(policy.works_with_children(request.user))
    query = request.GET.get("q", "")
    page = selectors.child_page(user=request.user, query=query, page_number=request.GET.get("page", 1))
    template = "children/_results.html" if request.htmx else "children/list.html"
    return render(
        request, template, {"page": page, "query": query, "can_create": policy.can_record_children(request.user)}
    )


@login_required
def child_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(policy.can_record_children(request.user))
    form = ChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        child = services.child_create(user=request.user, **form.cleaned_data)
        return redirect("children:detail", child_id=child.pk)
    return render(request, "children/create.html", {"form": form})


@login_required
def child_detail(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    user = request.user
    child = selectors.child_get(user=user, child_id=child_id)
    if child.pk != child_id:
        # This record was joined into another child's: the old link leads to the one record.
        return redirect("children:detail", child_id=child.pk)
    return render(
        request,
        "children/detail.html",
        {
            "child": child,
            "involvements": selectors.involvements_for(child=child),
            "chronology": selectors.timeline_for(
                user=user, child=child, others=missing_selectors.timeline_items(child=child)
            ),
            "can_record": policy.can_record_about_child(user, child),
            "can_share": policy.can_share_child(user, child),
            "can_see_access_log": policy.can_view_access_log(user, child),
            "episodes": missing_selectors.episodes_of(child=child).select_related("interview"),
            "repeat_missing": missing_selectors.repeat_missing(child=child),
            "assessments": list(assessments_of(child=child)[:1]),
            "concerns": concerns_for(user=user, child=child),
            "contacts": contact_summary(user=user, child=child),
            "can_screen": can_screen(user, child),
        },
    )


@login_required
def chronology_entry_create(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    child = selectors.child_find(user=request.user, child_id=child_id)
    _require(policy.can_record_about_child(request.user, child))
    selectors.child_get(user=request.user, child_id=child.pk, reason="Adding to the chronology")
    form = ChronologyEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.chronology_entry_record(user=request.user, child=child, **form.cleaned_data)
        return redirect("children:detail", child_id=child.pk)
    return render(request, "children/entry_create.html", {"form": form, "child": child})


@login_required
def share_create(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    user = request.user
    child = selectors.child_find(user=user, child_id=child_id)
    _require(policy.can_share_child(user, child))
    selectors.child_get(user=user, child_id=child.pk, reason="Recording a decision to share")
    form = ShareForm(request.POST or None, user=user, entries=selectors.chronology_for(user=user, child=child))
    if request.method == "POST" and form.is_valid():
        try:
            share_decision_record(user=user, child=child, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("children:detail", child_id=child.pk)
    return render(request, "children/share_create.html", {"form": form, "child": child})


@login_required
def access_log(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    child, events = selectors.access_log_for(user=request.user, child_id=child_id)
    return render(request, "children/access_log.html", {"child": child, "events": events[:500]})


@login_required
@require_POST
def children_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    job = children_export_request(user=request.user)
    return redirect("jobs:detail", job_id=job.pk)
