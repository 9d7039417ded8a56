from typing import Any

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

    agency = factory.SubFactory(AgencyFactory)
    record_id = factory.Sequence(lambda n: f"R{n:05d}")
    person_type = PersonType.CHILD
    data = factory.LazyFunction(person_data)
