from django.apps import AppConfig


class PlansConfig(AppConfig):
    """The child's plan (child in need, child protection, care plan, early help, exploitation safety plan) with
    its outcomes, actions, safety section and reviews; an agency's involvement closing with a reason and an
    outcome (step-down or ending)."""

    name = "joinedup.plans"
    label = "plans"

    def ready(self) -> None:
        from joinedup.tasks.models import TaskKind
        from joinedup.tasks.registry import register

        from .services import plan_action_completed_on_work_list, plan_action_reassigned_on_work_list

        register(
            TaskKind.PLAN_ACTION,
            completed=plan_action_completed_on_work_list,
            reassigned=plan_action_reassigned_on_work_list,
        )
