from django_tasks import task

from .services import data_pack_build_run


@task()
def data_pack_build_task(job_id: str) -> int:
    """Run by the worker: an inspection data pack asked for on the data pack page; gives the ZIP's size."""
    return len(data_pack_build_run(job_id=job_id).zip_data or b"")
