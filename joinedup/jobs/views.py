from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from joinedup.accounts.types import AuthenticatedHttpRequest

from .models import JobStatus
from .selectors import job_get
from .services import export_download_record


@login_required
def job_detail(request: AuthenticatedHttpRequest, job_id: UUID) -> HttpResponse:
    job = job_get(user=request.user, job_id=job_id)
    return render(request, "jobs/detail.html", {"job": job})


@login_required
def job_progress(request: AuthenticatedHttpRequest, job_id: UUID) -> HttpResponse:
    job = job_get(user=request.user, job_id=job_id)
    response = render(request, "jobs/_progress.html", {"job": job})
    if job.is_finished and request.htmx:
        response["HX-Refresh"] = "true"
    return response


@login_required
def job_download(request: AuthenticatedHttpRequest, job_id: UUID) -> HttpResponse:
    job = job_get(user=request.user, job_id=job_id)
    if job.status != JobStatus.DONE:
        raise Http404("The export is not ready")
    export_download_record(user=request.user, job=job)
    response = HttpResponse(job.result_text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{job.result_name}"'
    return response
