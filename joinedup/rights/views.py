from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

from joinedup.access import policy
from joinedup.accounts.types import AuthenticatedHttpRequest
from joinedup.children.selectors import child_find, child_get

from . import selectors, services
from .forms import SubjectAccessForm
from .models import RetentionRule


@login_required
def subject_access(request: AuthenticatedHttpRequest, child_id: UUID) -> HttpResponse:
    """The coordinator asks for a subject access export of a child and finds the exports they asked for."""
    child = child_find(user=request.user, child_id=child_id)
    if not policy.can_answer_subject_access(request.user):
        raise PermissionDenied
    form = SubjectAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        export = services.subject_access_request(user=request.user, child=child, reason=form.cleaned_data["reason"])
        return redirect("rights:export", export_id=export.pk)
    child = child_get(user=request.user, child_id=child.pk, reason="Subject access: the export page")
    exports = selectors.subject_access_exports_for(user=request.user, child=child)
    return render(request, "rights/subject_access.html", {"child": child, "form": form, "exports": exports})


@login_required
def export_detail(request: AuthenticatedHttpRequest, export_id: UUID) -> HttpResponse:
    export = selectors.subject_access_export_get(
        user=request.user, export_id=export_id, reason="Subject access: the export's progress"
    )
    return render(request, "rights/export.html", {"export": export, "job": export.job})


@login_required
def export_download(request: AuthenticatedHttpRequest, export_id: UUID, file_format: str) -> HttpResponse:
    if file_format not in services.FORMATS:
        raise Http404("No such format")
    export = selectors.subject_access_export_get(user=request.user, export_id=export_id, reason=None)
    if not export.is_ready:
        raise Http404("The export is not ready")
    content, content_type, name = services.subject_access_download(
        user=request.user, export=export, file_format=file_format
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def retention_review(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = selectors.retention_review_page(user=request.user, page_number=request.GET.get("page", 1))
    return render(
        request,
        "rights/retention.html",
        {
            "page": page,
            "rules": RetentionRule.objects.all(),
            "without_date_of_birth": selectors.records_without_date_of_birth(),
        },
    )
