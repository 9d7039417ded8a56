from typing import Any, cast

import factory
from factory.django import DjangoModelFactory

from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.imports.models import PersonRecord, PersonType


def person_data(**values: str) -> dict[str, Any]:
    """An extract row for a fictional child; pass columns to change."""
    return {
        "given_name": "Kayleigh",
        "family_name": "Brackenbury",
        "date_of_birth": "2011-04-05",
        "sex": "F",
        "postcode": "WB1 2AB",
        "phones": "07700 900123",
        **values,
    }


class PersonRecordFactory(DjangoModelFactory[PersonRecord]):
    class Meta:
        model = PersonRecord
        skip_postgeneration_save = True

    agency = factory.SubFactory(AgencyFactory)
    record_id = factory.Sequence(lambda n: f"R{n:05d}")
    person_type = PersonType.CHILD
    data = factory.LazyFunction(person_data)

    @factory.post_generation
    def search_keys(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Find before you create's keys, as an extract import writes them."""
        if create:
            from joinedup.linkage.api import search_keys_refresh

            search_keys_refresh(records=[cast(PersonRecord, self)])
