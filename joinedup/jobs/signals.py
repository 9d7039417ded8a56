"""Which worker runs a job: set when the worker starts the job's task, so a job whose worker died is found."""

import os
import socket
from typing import Any

from django.dispatch import receiver
from django_tasks.signals import task_started

from .models import Job, JobStatus


def worker_name() -> str:
    """This process as a worker: "host:pid"."""
    return f"{socket.gethostname()}:{os.getpid()}"


@receiver(task_started)
def job_worker_record(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """Every job's task takes the job's id first: name this worker on the job (if the task is a job's)."""
    args = getattr(task_result, "args", None) or []
    if not args or not isinstance(args[0], str):
        return
    try:
        Job.objects.filter(pk=args[0], status__in=[JobStatus.QUEUED, JobStatus.RUNNING]).update(worker=worker_name())
    except Exception:
        return
