"""Work on places and peer groups made directly (for other apps' and pages' tests); the services' own tests go
through the services."""

from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.tests.factories import UserFactory
from joinedup.children.models import Child
from joinedup.contextual.models import ContextWork, PeerGroup, PeerGroupMember
from joinedup.places.models import Place, PlaceKind


def place_make(*, name: str = "Station Hotel", postcode: str = "WB1 1AA", kind: str = PlaceKind.HOTEL) -> Place:
    return Place.objects.create(name=name, postcode=postcode, kind=kind, address="1 Station Road")


def group_make(*, children: list[Child], by: User | None = None, name: str = "Mill Lane group") -> PeerGroup:
    by = by or UserFactory.create(roles=[RoleCode.COORDINATOR])
    group = PeerGroup.objects.create(name=name, created_by=by)
    for child in children:
        PeerGroupMember.objects.create(group=group, child=child, added_by=by)
    return group


def work_make(*, place: Place | None = None, group: PeerGroup | None = None, by: User | None = None) -> ContextWork:
    by = by or UserFactory.create(roles=[RoleCode.COORDINATOR])
    return ContextWork.objects.create(place=place, group=group, why="Children seen there late at night", opened_by=by)
