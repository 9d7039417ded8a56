"""Run the queued tasks as the worker does (django-tasks-db's Worker claims each and runs it, sending the
task_started signal), without its polling loop, which closes the database connection between tasks: on
PostgreSQL that would end a test's wrapping transaction."""

from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult


def queued_tasks_run(worker_id: str = "test-worker") -> int:
    """Claim and run every ready task, oldest first; returns how many ran."""
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
    ran = 0
    while (task := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
        task.claim(worker_id)
        worker.run_task(task)
        ran += 1
    return ran
