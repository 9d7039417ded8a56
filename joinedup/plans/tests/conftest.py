import pytest

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.children.tests.factories import ChildFactory


class Area:
    """Social care working with one child; early help and the police as other agencies."""

    def __init__(self) -> None:
        self.csc = AgencyFactory.create(code="CSC", kind=AgencyKind.CHILDRENS_SOCIAL_CARE)
        self.early_help = AgencyFactory.create(code="EH", kind=AgencyKind.VOLUNTARY_SECTOR)
        self.police = AgencyFactory.create(code="POL", kind=AgencyKind.POLICE)
        self.worker = UserFactory.create(agency=self.csc, roles=[RoleCode.PRACTITIONER], first_name="Sam")
        self.colleague = UserFactory.create(agency=self.csc, roles=[RoleCode.PRACTITIONER], first_name="Jo")
        self.manager = UserFactory.create(agency=self.csc, roles=[RoleCode.MANAGER])
        self.coordinator = UserFactory.create(agency=self.csc, roles=[RoleCode.COORDINATOR])
        self.leader = UserFactory.create(agency=self.csc, roles=[RoleCode.LEADER])
        self.officer = UserFactory.create(agency=self.police, roles=[RoleCode.PRACTITIONER])
        self.child = ChildFactory.create(owning_agency=self.csc, created_by=self.worker)


@pytest.fixture
def area(db: None) -> Area:
    return Area()
