import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.mace.models import Action, AgendaItem, Meeting


class MeetingFactory(DjangoModelFactory[Meeting]):
    class Meta:
        model = Meeting

    held_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    location = "Wealdbridge Civic Centre, room 2"
    chair = factory.SubFactory(UserFactory, roles=[RoleCode.COORDINATOR])
    owning_agency = factory.SelfAttribute("chair.agency")
    created_by = factory.SelfAttribute("chair")


class AgendaItemFactory(DjangoModelFactory[AgendaItem]):
    """A place on the agenda unless a child or adult is given (then pass place_name="")."""

    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    place_name = "Station Hotel"
    place_postcode = "WB1 1AA"
    added_by = factory.SelfAttribute("meeting.chair")


class ActionFactory(DjangoModelFactory[Action]):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    meeting = factory.SubFactory(MeetingFactory)
    agenda_item = None
    description = factory.Sequence(lambda n: f"Visit the family and update the safety plan ({n})")
    owner = factory.SubFactory(UserFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))
    created_by = factory.SelfAttribute("meeting.chair")

    @factory.post_generation
    def task(self, create: bool, extracted: object, **kwargs: object) -> None:
        """Its task on the owner's work list, as the service opens it."""
        if create:
            from joinedup.mace.services import _action_task

            _action_task(self.created_by, self)  # type: ignore[arg-type, attr-defined]
