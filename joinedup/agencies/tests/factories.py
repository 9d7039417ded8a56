import factory
from factory.django import DjangoModelFactory

from joinedup.agencies.models import Agency, AgencyKind, Team


class AgencyFactory(DjangoModelFactory[Agency]):
    class Meta:
        model = Agency
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"AG{n}")
    name = factory.Sequence(lambda n: f"Test agency {n}")
    kind = AgencyKind.CHILDRENS_SOCIAL_CARE


class TeamFactory(DjangoModelFactory[Team]):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
