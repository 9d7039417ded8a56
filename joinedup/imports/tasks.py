from django_tasks import task

from .services import agency_extract_import_job_run, return_build_run, ssda903_missing_import_job_run


@task()
def agency_extract_import_task(job_id: str, register_agencies: bool) -> str:
    """Run by the worker (`manage.py db_worker`): a large agency extract queued from the upload page."""
    return agency_extract_import_job_run(job_id=job_id, register_agencies=register_agencies).status


@task()
def return_build_task(job_id: str) -> int:
    """Run by the worker: a missing return asked for on the Returns page; gives the rows written."""
    return return_build_run(job_id=job_id).rows


@task()
def ssda903_missing_import_task(job_id: str) -> str:
    """Run by the worker: a large SSDA903 missing table queued from the upload page."""
    return ssda903_missing_import_job_run(job_id=job_id).status
