from collections.abc import Callable
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpResponse
from django.shortcuts import redirect, render

from joinedup.access import policy
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.children.selectors import child_get
from joinedup.web.forms import form_save

from . import forms, selectors, services
from .models import EducationRecord, RecordKind


@login_required
def child_education(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    """The child's education as schools recorded it; an education agency's staff record here (``?kind=``)."""
    user = request.user
    child = child_get(user=user, child_id=child_id, reason="Viewed the child's education")
    can_record = policy.can_record_education(user, child)
    kind = request.GET.get("kind", "")
    chosen = forms.FORMS.get(kind)
    if request.method == "POST" and (not can_record or chosen is None):
        raise PermissionDenied
    form, title = (None, "")
    if can_record and chosen is not None:
        form_class, title = chosen
        form = form_class(request.POST or None)
        recorded: list[EducationRecord] = []
        if (
            request.method == "POST"
            and form.is_valid()
            and form_save(
                form,
                lambda: recorded.append(
                    services.education_record_create(user=user, child=child, kind=kind, **form.cleaned_data)
                ),
            )
        ):
            if recorded[0].is_cme:
                messages.success(request, "Recorded. The case is on the children missing education officer's queue.")
                return redirect("education:case", record_id=recorded[0].pk)
            messages.success(request, "Recorded.")
            return redirect("education:child", child_id=child.pk)
    return render(
        request,
        "education/child.html",
        {
            "child": child,
            "education": selectors.education_for(user=user, child=child),
            "can_record": can_record,
            "kinds": [(value, forms.FORMS[value][1]) for value in RecordKind.values],
            "form": form,
            "title": title,
        },
    )


@login_required
def queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The children missing education officer's queue: open cases, days open and the checks made."""
    if not policy.is_cme_officer(request.user):
        raise PermissionDenied
    return render(request, "education/queue.html", {"rows": selectors.cme_queue(user=request.user)})


@login_required
def case(request: AuthenticatedHttpRequest, record_id: UUID) -> HttpResponse:
    """One child missing education case: the school's notice, the checks and the outcome."""
    user = request.user
    record = selectors.cme_case_get(user=user, record_id=record_id)
    return render(
        request,
        "education/case.html",
        {
            "record": record,
            "child": record.child,
            "checklist": selectors.checklist(record),
            "checks": list(record.checks.all()),
            "can_work": record.is_open and policy.can_work_cme_case(user, record.child),
        },
    )


STEPS: dict[str, tuple[type[Form], str]] = {
    "check": (forms.CheckForm, "Record a check"),
    "close": (forms.CloseForm, "Close the case with its outcome"),
}


@login_required
def case_step(request: AuthenticatedHttpRequest, record_id: UUID, step: str) -> HttpResponse:
    user = request.user
    record = selectors.cme_case_get(
        user=user, record_id=record_id, reason=f"Working a child missing education case: {step}"
    )
    if not policy.can_work_cme_case(user, record.child):
        raise PermissionDenied
    form_class, title = STEPS[step]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        actions: dict[str, Callable[[], object]] = {
            "check": lambda: services.cme_check_record(user=user, record=record, **data),
            "close": lambda: services.cme_case_close(user=user, record=record, **data),
        }
        if form_save(form, actions[step]):
            messages.success(request, "Recorded.")
            return redirect("education:case", record_id=record.pk)
    return render(request, "education/step.html", {"form": form, "record": record, "title": title})
