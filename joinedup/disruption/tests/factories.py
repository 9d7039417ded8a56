import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.children.tests.factories import ChildFactory
from joinedup.concerns.models import AdultOfConcern, Concern, ConcernCategory
from joinedup.disruption.models import DisruptionAction, Tactic


class AdultOfConcernFactory(DjangoModelFactory[AdultOfConcern]):
    class Meta:
        model = AdultOfConcern

    name = factory.Sequence(lambda n: f"Lee Testadult{n}")
    other_names = "Tiny; T"
    owning_agency = factory.SubFactory(AgencyFactory, kind=AgencyKind.POLICE)


class ConcernFactory(DjangoModelFactory[Concern]):
    """A concern straight into the database; pass adults=[...] to name adults of concern."""

    class Meta:
        model = Concern
        skip_postgeneration_save = True

    child = factory.SubFactory(ChildFactory)
    category = ConcernCategory.CSE
    owning_agency = factory.SelfAttribute("child.owning_agency")
    recorded_by = factory.SubFactory(UserFactory, agency=factory.SelfAttribute("..owning_agency"))
    occurred_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3))
    what_happened = factory.Sequence(lambda n: f"Seen getting into a car with the adult, concern {n}")

    @factory.post_generation
    def adults(self, create: bool, extracted: list[AdultOfConcern] | None, **kwargs: object) -> None:
        if create and extracted:
            self.adults.set(extracted)  # type: ignore[attr-defined]


class DisruptionActionFactory(DjangoModelFactory[DisruptionAction]):
    class Meta:
        model = DisruptionAction

    adult = factory.SubFactory(AdultOfConcernFactory)
    tactic = Tactic.CHILD_ABDUCTION_WARNING_NOTICE
    taken_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=5))
    outcome = "Notice served in person"
    owning_agency = factory.SelfAttribute("adult.owning_agency")
    recorded_by = factory.SubFactory(UserFactory, agency=factory.SelfAttribute("..owning_agency"))
