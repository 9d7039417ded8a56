"""What the app that owns a kind of task does when the task is reassigned or marked done on the work list.

An app registers its hooks in its ``AppConfig.ready``::

    from joinedup.tasks.registry import register
    register(TaskKind.MACE_ACTION, reassigned=_action_reassigned, completed=_action_done)

``reassigned(task, actor)`` is called after the task's owner changed (the source keeps its own owner in step);
``completed(task, actor)`` after a task that ``completes_here`` was marked done. Both run inside the tasks
service's transaction, so a hook that refuses (raises) leaves nothing written.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from joinedup.accounts.models import User

    from .models import Task

Hook = Callable[["Task", "User"], None]


@dataclass(frozen=True)
class Hooks:
    reassigned: Hook | None = None
    completed: Hook | None = None


_HOOKS: dict[str, Hooks] = {}


def register(kind: str, *, reassigned: Hook | None = None, completed: Hook | None = None) -> None:
    _HOOKS[kind] = Hooks(reassigned=reassigned, completed=completed)


def hooks_for(kind: str) -> Hooks:
    return _HOOKS.get(kind, Hooks())
