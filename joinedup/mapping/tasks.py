from django_tasks import task

from .services import mapping_refresh_run


@task()
def mapping_refresh_task(job_id: str) -> str:
    """Run by the worker (`manage.py db_worker`)."""
    return str(mapping_refresh_run(job_id=job_id).status)
