import datetime as dt
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from joinedup.accounts.tests.factories import UserFactory
from joinedup.children.tests.factories import ChildFactory
from joinedup.deadlines import return_interview_due
from joinedup.missing.grades import episode_grades_refresh
from joinedup.missing.models import EpisodeKind, MissingEpisode, ReturnInterview, RiskGrade, RiskGrading


class MissingEpisodeFactory(DjangoModelFactory[MissingEpisode]):
    """An episode straight into the database, bypassing the service's checks (pass returned_at to close it)."""

    class Meta:
        model = MissingEpisode

    child = factory.SubFactory(ChildFactory)
    kind = EpisodeKind.MISSING
    started_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=6))
    reported_at = factory.SelfAttribute("started_at")
    owning_agency = factory.SelfAttribute("child.owning_agency")
    reported_by = factory.SubFactory(UserFactory, agency=factory.SelfAttribute("..owning_agency"))
    returned_at = None


class RiskGradingFactory(DjangoModelFactory[RiskGrading]):
    class Meta:
        model = RiskGrading

    episode = factory.SubFactory(MissingEpisodeFactory)
    grade = RiskGrade.MEDIUM
    rationale = "Known to associate with adults of concern"
    graded_by = factory.SelfAttribute("episode.reported_by")

    @classmethod
    def _create(cls, model_class: type[RiskGrading], *args: Any, **kwargs: Any) -> RiskGrading:
        """Written as ``missing.services`` writes a grading: the episode's summary of its gradings follows."""
        grading = super()._create(model_class, *args, **kwargs)
        episode_grades_refresh([grading.episode_id])
        return grading


class ReturnInterviewFactory(DjangoModelFactory[ReturnInterview]):
    """The interview of a returned episode, due 72 hours after the return."""

    class Meta:
        model = ReturnInterview
        skip_postgeneration_save = True

    episode = factory.SubFactory(
        MissingEpisodeFactory,
        returned_at=factory.LazyAttribute(lambda episode: episode.started_at + dt.timedelta(hours=12)),
    )
    owner = factory.SubFactory(UserFactory, agency=factory.SelfAttribute("..episode.owning_agency"))
    due_at = factory.LazyAttribute(lambda interview: return_interview_due(interview.episode.returned_at))

    @factory.post_generation
    def task(self, create: bool, extracted: object, **kwargs: object) -> None:
        """Its task on the work lists, as the service opens it."""
        if create:
            from joinedup.missing.services import _interview_task

            _interview_task(None, self)  # type: ignore[arg-type]
