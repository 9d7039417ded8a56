from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.concerns.models import AdultOfConcern
from joinedup.web.forms import form_add_service_errors

from . import forms, permissions, selectors, services


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def adult_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(permissions.can_list_adults(request.user))
    return render(
        request,
        "disruption/list.html",
        {
            "adults": selectors.adults_for_list(user=request.user),
            "can_record": permissions.can_record_adults(request.user),
        },
    )


@login_required
def adult_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(permissions.can_record_adults(request.user))
    form = forms.AdultForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            adult = services.adult_of_concern_record(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            return redirect("disruption:adult-detail", adult_id=adult.pk)
    return render(request, "disruption/form.html", {"form": form, "title": "Record an adult of concern", "adult": None})


@login_required
def adult_detail(request: AuthenticatedHttpRequest, adult_id: UUID) -> HttpResponse:
    _require(permissions.can_view_adult(request.user))
    adult = selectors.adult_get(user=request.user, adult_id=adult_id)
    return render(
        request,
        "disruption/detail.html",
        {
            "shown": selectors.adult_shown(user=request.user, adult=adult),
            "can_record": permissions.can_record_disruption(request.user),
        },
    )


@login_required
def disruption_record(request: AuthenticatedHttpRequest, adult_id: UUID) -> HttpResponse:
    _require(permissions.can_record_disruption(request.user))
    adult: AdultOfConcern = selectors.adult_get(user=request.user, adult_id=adult_id)
    form = forms.DisruptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        children, unknown = selectors.children_by_references(user=request.user, references=data.pop("child_references"))
        if unknown:
            form.add_error("child_references", f"No child found with: {'; '.join(unknown)}")
        else:
            try:
                services.disruption_record(user=request.user, adult=adult, children=children, **data)
            except ValidationError as error:
                form_add_service_errors(form, error)
            else:
                messages.success(request, "The disruption is recorded.")
                return redirect("disruption:adult-detail", adult_id=adult.pk)
    return render(request, "disruption/form.html", {"form": form, "title": "Record disruption", "adult": adult})
