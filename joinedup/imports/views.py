from datetime import date
from uuid import UUID

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from joinedup.accounts.types import AuthenticatedHttpRequest

from . import permissions, returns, selectors, services
from .forms import AnnexAForm, ExtractUploadForm, RejectedRowForm, Ssda903UploadForm
from .models import ReturnFile, ReturnKind
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
            "open_rows": selectors.rejected_rows_shown(
                user=request.user,
                rows=list(selectors.rejected_rows_open(user=request.user)[:200]),
                reason="Rows kept aside, waiting for a correction",
            ),
        },
    )


@login_required
def ssda903_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(permissions.can_import(request.user))
    form = Ssda903UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        name, content = form.cleaned_data["file"]
        try:
            if len(content) > settings.LARGE_IMPORT_BYTES:
                job = services.ssda903_missing_import_request(user=request.user, name=name, content=content)
                return redirect("jobs:detail", job_id=job.pk)
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


# Kept-aside rows shown on an import's page: a file of a million rows may keep many aside.
REJECTED_ROWS_SHOWN = 500


@login_required
def batch_detail(request: AuthenticatedHttpRequest, batch_id: UUID) -> HttpResponse:
    _require(permissions.can_import(request.user))
    batch = selectors.batch_get(user=request.user, batch_id=batch_id)
    rows = selectors.rejected_rows_shown(
        user=request.user,
        rows=list(batch.rejected_rows.order_by("file_name", "row_number")[:REJECTED_ROWS_SHOWN]),
        reason=f"Rows kept aside from import {batch.pk}",
    )
    return render(request, "imports/batch.html", {"batch": batch, "rows": rows})


@login_required
def rejected_row_fix(request: AuthenticatedHttpRequest, row_id: int) -> HttpResponse:
    _require(permissions.can_import(request.user))
    row = selectors.rejected_row_get(user=request.user, row_id=row_id)
    if request.method == "GET":
        selectors.rejected_rows_shown(user=request.user, rows=[row], reason="Correcting a row kept aside")
    form = RejectedRowForm(request.POST or None, row=row)
    if request.method == "POST" and form.is_valid() and not row.is_resolved:
        try:
            batch = services.rejected_row_reimport(user=request.user, rejected=row, values=form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("imports:batch-detail", batch_id=batch.pk)
    return render(request, "imports/rejected_fix.html", {"form": form, "row": row})


# --- The missing returns: built in the worker, downloaded when ready (see returns.py) -------------------------

RECENT_RETURN_FILES = 20


def _returns_page(request: AuthenticatedHttpRequest, form: AnnexAForm, status: int = 200) -> HttpResponse:
    files = list(returns.return_files_for(user=request.user)[:RECENT_RETURN_FILES])
    return render(
        request,
        "imports/returns.html",
        {"annex_form": form, "files": files, "kept_days": returns.RETURN_FILE_DAYS},
        status=status,
    )


@login_required
def returns_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require(permissions.can_export_missing(request.user))
    return _returns_page(request, AnnexAForm())


def _serve(request: AuthenticatedHttpRequest, return_file: ReturnFile) -> HttpResponseBase:
    try:
        texts = services.return_file_download(user=request.user, return_file=return_file)
    except returns.ReturnFileOutdated:
        messages.error(request, "That file holds a child you may no longer see. Build the return again.")
        return redirect("imports:returns")
    response = StreamingHttpResponse(texts, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{return_file.file_name}"'
    response["Cache-Control"] = "no-store"
    return response


def _build_or_latest(request: AuthenticatedHttpRequest, kind: ReturnKind, period_end: date | None) -> HttpResponseBase:
    """POST builds the return in the worker and shows its progress; GET downloads the newest ready file of it,
    or shows the one being built, or says to build it."""
    if request.method == "POST":
        built = services.return_build_request(user=request.user, kind=kind, period_end=period_end)
        return redirect("imports:return-file", file_id=built.pk)
    latest = returns.return_file_latest(user=request.user, kind=kind, period_end=period_end)
    if latest is None:
        messages.info(request, f"No {kind.label} is ready for you yet. Build it here; it is kept for you to download.")
        return redirect("imports:returns")
    if not latest.is_ready:
        return redirect("imports:return-file", file_id=latest.pk)
    return _serve(request, latest)


@login_required
def ssda903_download(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    _require(permissions.can_export_missing(request.user))
    return _build_or_latest(request, ReturnKind.SSDA903_MISSING, None)


@login_required
def annex_a_download(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    _require(permissions.can_export_missing(request.user))
    data = request.POST if request.method == "POST" else request.GET
    form = AnnexAForm(data or None)
    if data and not form.is_valid():
        return _returns_page(request, form, status=400)
    # A build without a date is for the 12 months to today; a download without one is the newest of any period.
    period_end = form.cleaned_data["period_end"] if data else None
    return _build_or_latest(request, ReturnKind.ANNEX_A_MISSING, period_end)


@login_required
def return_file_detail(request: AuthenticatedHttpRequest, file_id: UUID) -> HttpResponse:
    return_file = returns.return_file_get(user=request.user, file_id=file_id)
    return render(request, "imports/return_file.html", {"file": return_file, "job": return_file.job})


@login_required
def return_file_download(request: AuthenticatedHttpRequest, file_id: UUID) -> HttpResponseBase:
    return _serve(request, returns.return_file_get(user=request.user, file_id=file_id))
