from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from .internals.run import LinkageBusy
from .services import linkage_run_after_import

# How long an after-import run waits when another run is under way (runs go one at a time).
BUSY_RETRY = timedelta(minutes=1)


@task()
def linkage_after_import_task(user_id: int) -> str:
    """Run by the worker (`manage.py db_worker`) after an agency extract import: link, then queue the mapping.

    While another run is under way this one is queued again a minute later, so no import goes unlinked."""
    try:
        return str(linkage_run_after_import(user_id=user_id).pk)
    except LinkageBusy:
        linkage_after_import_task.using(run_after=timezone.now() + BUSY_RETRY).enqueue(user_id)
        return "waiting for the run under way"
