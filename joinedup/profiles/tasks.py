from django_tasks import task

from .services import profile_build_run


@task()
def profile_build_task(job_id: str) -> str:
    """Run by the worker (`manage.py worker`): a local problem profile asked for on its page or by the schedule;
    gives its status (published, or failed with the reason)."""
    return profile_build_run(job_id=job_id).status
