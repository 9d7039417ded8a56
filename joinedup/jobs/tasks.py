from django_tasks import task

from .services import children_export_build


@task()
def children_export_run(job_id: str) -> int:
    """Run by the worker (`manage.py db_worker`)."""
    return children_export_build(job_id=job_id).progress_done
