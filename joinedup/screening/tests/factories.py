import factory

from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory


class HealthAgencyFactory(AgencyFactory):
    code = factory.Sequence(lambda n: f"HEA{n}")
    name = factory.Sequence(lambda n: f"Test sexual health service {n}")
    kind = AgencyKind.HEALTH


class HealthPractitionerFactory(UserFactory):
    """A sexual health practitioner (pass roles=[RoleCode.MANAGER] for a manager)."""

    agency = factory.SubFactory(HealthAgencyFactory)
