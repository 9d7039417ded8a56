"""Objects for the community reporting tests: a coordinator, a registered business at its place, a report."""

from datetime import timedelta

from django.utils import timezone

from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import Agency
from joinedup.places.models import Place, PlaceKind

from .. import services
from ..models import Business, BusinessKind, CommunityReport, WarningSign


def coordinator_make(agency: Agency | None = None) -> User:
    if agency is None:
        return UserFactory.create(roles=[RoleCode.COORDINATOR])
    return UserFactory.create(roles=[RoleCode.COORDINATOR], agency=agency)


def business_make(*, user: User | None = None, kind: str = BusinessKind.HOTEL, name: str = "Station Hotel") -> Business:
    user = user or coordinator_make()
    place = Place.objects.create(
        name=name, kind=PlaceKind.HOTEL if kind == BusinessKind.HOTEL else PlaceKind.OTHER, postcode="WB1 1AA"
    )
    return services.business_register(user=user, name=name, kind=kind, place=place, contact_name="Morgan Innkeeper")


def report_make(*, business: Business | None, text: str = "Two girls went up to room 12 with a man") -> CommunityReport:
    signs = list(WarningSign.objects.filter(applies_to=business.kind if business else "general")[:2])
    return services.community_report_receive(
        business=business,
        submitted=services.Submitted(
            signs=signs, what_happened=text, happened_at=timezone.now() - timedelta(hours=2), where="Bus station"
        ),
    )
