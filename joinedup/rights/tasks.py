from django_tasks import task

from .services import subject_access_build


@task()
def subject_access_task(job_id: str) -> int:
    """Run by the worker (`manage.py worker`): a subject access export asked for on the child's page; gives the
    number of items exported."""
    return subject_access_build(job_id=job_id).items
