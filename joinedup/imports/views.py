from uuid import UUID

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from joinedup.accounts.types import AuthenticatedHttpRequest

from . import permissions, selectors, services
from .forms import AnnexAForm, ExtractUploadForm, RejectedRowForm, Ssda903UploadForm
from .parsers import ImportFileError


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


@login_required
def import_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(permissions.can_import(request.user))
    return render(
        request,
        "imports/list.html",
        {
            "batches": selectors.batches_visible_to(request.user)[:50],
            "open_rows": selectors.rejected_rows_open(user=request.user)[:200],
        },
    )


@login_required
def ssda903_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(permissions.can_import(request.user))
    form = Ssda903UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        name, content = form.cleaned_data["file"]
        try:
            batch = services.ssda903_missing_import(user=request.user, name=name, content=content)
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            return redirect("imports:batch-detail", batch_id=batch.pk)
    return render(request, "imports/upload.html", {"form": form, "title": "Import an SSDA903 missing table"})


@login_required
def extract_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(permissions.can_import(request.user))
    form = ExtractUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        register = form.cleaned_data["register_agencies"]
        try:
            _require(not register or permissions.can_register_agencies(request.user))
            files = form.cleaned_data["extract"]
            if sum(len(content) for content in files.values()) > settings.LARGE_IMPORT_BYTES:
                job = services.agency_extract_import_request(user=request.user, files=files, register_agencies=register)
                return redirect("jobs:detail", job_id=job.pk)
            batch = services.agency_extract_import(user=request.user, path_or_files=files, register_agencies=register)
        except ImportFileError as error:
            form.add_error("extract", str(error))
        else:
            return redirect("imports:batch-detail", batch_id=batch.pk)
    return render(request, "imports/upload.html", {"form": form, "title": "Import an agency extract"})


@login_required
def batch_detail(request: AuthenticatedHttpRequest, batch_id: UUID) -> HttpResponse:
    _require(permissions.can_import(request.user))
    batch = selectors.batch_get(user=request.user, batch_id=batch_id)
    return render(request, "imports/batch.html", {"batch": batch, "rows": batch.rejected_rows.all()})


@login_required
def rejected_row_fix(request: AuthenticatedHttpRequest, row_id: int) -> HttpResponse:
    _require(permissions.can_import(request.user))
    row = selectors.rejected_row_get(user=request.user, row_id=row_id)
    form = RejectedRowForm(request.POST or None, row=row)
    if request.method == "POST" and form.is_valid() and not row.is_resolved:
        try:
            batch = services.rejected_row_reimport(user=request.user, rejected=row, values=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("imports:batch-detail", batch_id=batch.pk)
    return render(request, "imports/rejected_fix.html", {"form": form, "row": row})


@login_required
def returns(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(permissions.can_export_missing(request.user))
    return render(request, "imports/returns.html", {"annex_form": AnnexAForm()})


def _csv_download(text: str, name: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def ssda903_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    text = services.ssda903_missing_export(user=request.user)
    return _csv_download(text, f"ssda903-missing-{timezone.localdate():%Y%m%d}.csv")


@login_required
def annex_a_download(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(permissions.can_export_missing(request.user))
    form = AnnexAForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "imports/returns.html", {"annex_form": form}, status=400)
    period_end = form.cleaned_data["period_end"] if request.GET else timezone.localdate()
    text = services.annex_a_missing_export(user=request.user, period_end=period_end)
    return _csv_download(text, f"annex-a-list-8-missing-{period_end:%Y%m%d}.csv")
