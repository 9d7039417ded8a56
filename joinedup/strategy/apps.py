from django.apps import AppConfig


class StrategyConfig(AppConfig):
    """Strategy discussions, the section 47 enquiries they start, and National Referral Mechanism referrals."""

    name = "joinedup.strategy"
    label = "strategy"
    verbose_name = "Strategy discussions and NRM referrals"

    def ready(self) -> None:
        from joinedup.mace.proposals import ProposalSource
        from joinedup.mace.proposals import register as register_proposals
        from joinedup.oversight.figures import register as register_figures
        from joinedup.tasks.models import TaskKind
        from joinedup.tasks.registry import register as register_task_hooks

        from .figures import FIGURES
        from .selectors import open_mace_proposals
        from .services import action_done_from_task, action_reassigned_from_task

        register_task_hooks(
            TaskKind.STRATEGY_ACTION, completed=action_done_from_task, reassigned=action_reassigned_from_task
        )
        register_proposals(ProposalSource("strategy", open_mace_proposals, "Proposed by a strategy discussion"))
        register_figures(*FIGURES)
