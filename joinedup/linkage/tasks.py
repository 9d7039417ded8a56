from django_tasks import task

from .services import linkage_run_after_import


@task()
def linkage_after_import_task(user_id: int) -> str:
    """Run by the worker (`manage.py db_worker`) after an agency extract import: link, then queue the mapping."""
    return str(linkage_run_after_import(user_id=user_id).pk)
