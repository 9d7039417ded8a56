from django_tasks import task

from .services import mapping_refresh_run, period_networks_run


@task()
def mapping_refresh_task(job_id: str) -> str:
    """Run by the worker (`manage.py db_worker`)."""
    return str(mapping_refresh_run(job_id=job_id).status)


@task()
def mapping_period_networks_task(job_id: str) -> str:
    """Run by the worker: the networks of a period no refresh stored (services.period_networks_run)."""
    return str(period_networks_run(job_id=job_id).status)
