import datetime as dt
from typing import Any, cast

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.children.models import Child, ChronologyEntry, Involvement, NoteCategory, Sex


class ChildFactory(DjangoModelFactory[Child]):
    """A child with an open involvement of their owning agency (pass involved=False to skip it)."""

    class Meta:
        model = Child
        skip_postgeneration_save = True

    given_name = factory.Sequence(lambda n: f"Robin{n}")
    family_name = factory.Sequence(lambda n: f"Testchild{n}")
    date_of_birth = dt.date(2011, 4, 5)
    sex = Sex.FEMALE
    postcode = "WB1 2AB"
    owning_agency = factory.SubFactory(AgencyFactory)
    created_by = factory.SubFactory(UserFactory, agency=factory.SelfAttribute("..owning_agency"))

    @factory.post_generation
    def involved(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            child = cast(Child, self)
            Involvement.objects.create(child=child, agency=child.owning_agency)

    @factory.post_generation
    def search_keys(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Find before you create's keys, as ``child_create`` writes them."""
        if create:
            from joinedup.linkage.api import search_keys_refresh

            search_keys_refresh(children=[cast(Child, self)])


class InvolvementFactory(DjangoModelFactory[Involvement]):
    class Meta:
        model = Involvement

    child = factory.SubFactory(ChildFactory)
    agency = factory.SubFactory(AgencyFactory)


class ChronologyEntryFactory(DjangoModelFactory[ChronologyEntry]):
    class Meta:
        model = ChronologyEntry

    child = factory.SubFactory(ChildFactory)
    owning_agency = factory.SelfAttribute("child.owning_agency")
    recorded_by = factory.SubFactory(UserFactory, agency=factory.SelfAttribute("..owning_agency"))
    occurred_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    category = NoteCategory.CONTACT
    summary = factory.Sequence(lambda n: f"Chronology entry number {n}")
