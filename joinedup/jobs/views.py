from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .models import JobStatus
from .selectors import job_get
from .services import export_download_record


@login_required
def job_detail(request: HttpRequest, job_id: UUID) -> HttpResponse:
    job = job_get(user=request.user, job_id=job_id)  # type: ignore[arg-type]
    return render(request, "jobs/detail.html", {"job": job})


@login_required
def job_progress(request: HttpRequest, job_id: UUID) -> HttpResponse:
    job = job_get(user=request.user, job_id=job_id)  # type: ignore[arg-type]
    response = render(request, "jobs/_progress.html", {"job": job})
    if job.is_finished and request.htmx:  # type: ignore[attr-defined]
        response["HX-Refresh"] = "true"
    return response


@login_required
def job_download(request: HttpRequest, job_id: UUID) -> HttpResponse:
    job = job_get(user=request.user, job_id=job_id)  # type: ignore[arg-type]
    if job.status != JobStatus.DONE:
        raise Http404("The export is not ready")
    export_download_record(user=request.user, job=job)  # type: ignore[arg-type]
    response = HttpResponse(job.result_text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{job.result_name}"'
    return response
