from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from joinedup.access import policy
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.children.selectors import child_find, child_get
from joinedup.web.forms import form_add_service_errors

from . import services
from .forms import ConcernForm


@login_required
def concern_create(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    child = child_find(user=request.user, child_id=child_id)
    if not policy.can_record_about_child(request.user, child):
        raise PermissionDenied
    child = child_get(user=request.user, child_id=child.pk, reason="Recording a concern")
    form = ConcernForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.concern_record(
                user=request.user,
                child=child,
                **{**data, "adults": list(data["adults"]), "condition_agencies": list(data["condition_agencies"])},
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            return redirect("children:detail", child_id=child.pk)
    return render(request, "concerns/create.html", {"form": form, "child": child})
