from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record

from . import selectors, services
from .forms import ReassignForm


@login_required
@require_POST
def done(request: AuthenticatedHttpRequest, task_id: UUID) -> HttpResponse:
    task = selectors.task_get(user=request.user, task_id=task_id)
    try:
        services.task_complete(user=request.user, task=task)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Done: {task.title}")
    return redirect("missing:worklist")


@login_required
def reassign(request: AuthenticatedHttpRequest, task_id: UUID) -> HttpResponse:
    task = selectors.task_get(user=request.user, task_id=task_id)
    if task.child_id is not None:
        audit_record(
            actor=request.user,
            kind=AuditKind.CHILD_VIEWED,
            child_id=task.child_id,
            object_type="task",
            object_id=str(task.pk),
            reason="Reassigning a task",
        )
    people, teams = selectors.reassign_choices(user=request.user, task=task)
    form = ReassignForm(request.POST if request.method == "POST" else None, people=people, teams=teams)
    if request.method == "POST" and form.is_valid():
        try:
            services.task_reassign(
                user=request.user,
                task=task,
                owner=form.cleaned_data.get("owner"),
                owner_team=form.cleaned_data.get("owner_team"),
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items() if hasattr(error, "error_dict") else []:
                form.add_error(field if field in form.fields else None, errors)
            if not hasattr(error, "error_dict"):
                form.add_error(None, error.messages)
        else:
            messages.success(request, f"Given to {task.owner_label}: {task.title}")
            return redirect("missing:worklist")
    return render(request, "tasks/reassign.html", {"task": task, "form": form})
