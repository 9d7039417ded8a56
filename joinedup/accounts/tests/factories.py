from typing import Any

import factory
from factory.django import DjangoModelFactory

from joinedup.accounts.models import Role, RoleCode, User
from joinedup.agencies.tests.factories import AgencyFactory

PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory[User]):
    """A member of staff; pass roles=[RoleCode.MANAGER, ...] (default: practitioner)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"Person {n}")
    agency = factory.SubFactory(AgencyFactory)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if not create:
            return
        codes = extracted if extracted is not None else [RoleCode.PRACTITIONER]
        self.roles.set([Role.objects.get_or_create(code=code)[0] for code in codes])
