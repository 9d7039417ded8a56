import factory
from factory.django import DjangoModelFactory

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.children.tests.factories import ChildFactory
from joinedup.sharing.models import LawfulBasis, ShareDecision


class ShareDecisionFactory(DjangoModelFactory[ShareDecision]):
    """A share of the whole record with an agency (set shared_with_agency)."""

    class Meta:
        model = ShareDecision

    child = factory.SubFactory(ChildFactory)
    shared_by_agency = factory.SelfAttribute("child.owning_agency")
    lawful_basis = LawfulBasis.UK_GDPR_PUBLIC_TASK
    purpose = "To support the safety plan"
    decided_by = factory.SubFactory(UserFactory, agency=factory.SelfAttribute("..shared_by_agency"))
    approved_by = factory.SubFactory(
        UserFactory, agency=factory.SelfAttribute("..shared_by_agency"), roles=[RoleCode.MANAGER]
    )
