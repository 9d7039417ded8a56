from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from joinedup.access import policy
from joinedup.jobs.services import children_export_request
from joinedup.sharing.services import share_decision_record

from . import selectors, services
from .forms import ChildForm, ChronologyEntryForm, ShareForm


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def child_list(request: HttpRequest) -> HttpResponse:
    _require(policy.works_with_children(request.user))  # type: ignore[arg-type]
    query = request.GET.get("q", "")
    page = selectors.child_page(user=request.user, query=query, page_number=request.GET.get("page", 1))  # type: ignore[arg-type]
    template = "children/_results.html" if request.htmx else "children/list.html"  # type: ignore[attr-defined]
    return render(request, template, {"page": page, "query": query, "can_create": policy.can_record_children(request.user)})  # type: ignore[arg-type]


@login_required
def child_create(request: HttpRequest) -> HttpResponse:
    _require(policy.can_record_children(request.user))  # type: ignore[arg-type]
    form = ChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        child = services.child_create(user=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        return redirect("children:detail", child_id=child.pk)
    return render(request, "children/create.html", {"form": form})


@login_required
def child_detail(request: HttpRequest, child_id: UUID) -> HttpResponse:
    user = request.user
    child = selectors.child_get(user=user, child_id=child_id)  # type: ignore[arg-type]
    return render(
        request,
        "children/detail.html",
        {
            "child": child,
            "involvements": selectors.involvements_for(child=child),
            "chronology": selectors.chronology_for(user=user, child=child),  # type: ignore[arg-type]
            "can_record": policy.can_record_about_child(user, child),  # type: ignore[arg-type]
            "can_share": policy.can_share_child(user, child),  # type: ignore[arg-type]
            "can_see_access_log": policy.can_view_access_log(user, child),  # type: ignore[arg-type]
        },
    )


@login_required
def chronology_entry_create(request: HttpRequest, child_id: UUID) -> HttpResponse:
    child = selectors.child_find(user=request.user, child_id=child_id)  # type: ignore[arg-type]
    _require(policy.can_record_about_child(request.user, child))  # type: ignore[arg-type]
    selectors.child_get(user=request.user, child_id=child.pk, reason="Adding to the chronology")  # type: ignore[arg-type]
    form = ChronologyEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.chronology_entry_record(user=request.user, child=child, **form.cleaned_data)  # type: ignore[arg-type]
        return redirect("children:detail", child_id=child.pk)
    return render(request, "children/entry_create.html", {"form": form, "child": child})


@login_required
def share_create(request: HttpRequest, child_id: UUID) -> HttpResponse:
    user = request.user
    child = selectors.child_find(user=user, child_id=child_id)  # type: ignore[arg-type]
    _require(policy.can_share_child(user, child))  # type: ignore[arg-type]
    selectors.child_get(user=user, child_id=child.pk, reason="Recording a decision to share")  # type: ignore[arg-type]
    form = ShareForm(request.POST or None, entries=selectors.chronology_for(user=user, child=child))  # type: ignore[arg-type]
    if request.method == "POST" and form.is_valid():
        try:
            share_decision_record(user=user, child=child, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("children:detail", child_id=child.pk)
    return render(request, "children/share_create.html", {"form": form, "child": child})


@login_required
def access_log(request: HttpRequest, child_id: UUID) -> HttpResponse:
    child, events = selectors.access_log_for(user=request.user, child_id=child_id)  # type: ignore[arg-type]
    return render(request, "children/access_log.html", {"child": child, "events": events[:500]})


@login_required
@require_POST
def children_export(request: HttpRequest) -> HttpResponse:
    job = children_export_request(user=request.user)  # type: ignore[arg-type]
    return redirect("jobs:detail", job_id=job.pk)
