from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render

from joinedup.access import policy
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.children.selectors import child_find, child_get
from joinedup.web.forms import form_add_service_errors

from . import selectors, services
from .forms import ContactAttemptForm


@login_required
def contact_attempt_create(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    child = child_find(user=request.user, child_id=child_id)
    if not policy.can_record_about_child(request.user, child):
        raise PermissionDenied
    child = child_get(user=request.user, child_id=child.pk, reason="Recording a contact attempt")
    form = ContactAttemptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_attempt_record(user=request.user, child=child, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        else:
            messages.success(request, "The contact attempt is recorded.")
            return redirect("contacts:create", child_id=child.pk)
    return render(
        request,
        "contacts/create.html",
        {"form": form, "child": child, "attempts": selectors.contact_attempts_for(user=request.user, child=child)},
    )
