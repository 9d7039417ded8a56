from django_tasks import task

from .services import agency_extract_import_job_run


@task()
def agency_extract_import_task(job_id: str, register_agencies: bool) -> str:
    """Run by the worker (`manage.py db_worker`): a large agency extract queued from the upload page."""
    return agency_extract_import_job_run(job_id=job_id, register_agencies=register_agencies).status
