"""A small area for the problem profile's tests: children at risk in this quarter, an adult of concern named in a
concern about one of them, and the coordinator, a leader, a manager and a practitioner."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import Agency
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.children.models import Child
from joinedup.children.tests.factories import ChildFactory
from joinedup.concerns.models import AdultOfConcern, Concern, ConcernCategory
from joinedup.deadlines import LONDON
from joinedup.missing.tests.factories import MissingEpisodeFactory
from joinedup.profiles.services import this_quarter


@dataclass
class Area:
    agency: Agency
    coordinator: User
    leader: User
    manager: User
    practitioner: User
    children: list[Child]
    adult: AdultOfConcern


def area_make(*, children: int = 3) -> Area:
    agency = AgencyFactory.create()
    coordinator = UserFactory.create(agency=agency, roles=[RoleCode.COORDINATOR])
    start, _ = this_quarter()
    # Within this quarter and not in the future: an hour ago, or just after the quarter began.
    when = max(timezone.now() - dt.timedelta(hours=1), dt.datetime.combine(start, dt.time(0, 1), tzinfo=LONDON))
    made = []
    for n in range(children):
        child = ChildFactory.create(
            owning_agency=agency,
            given_name=f"Marigold{n}",
            family_name=f"Quenby{n}",
            date_of_birth=dt.date(2011, 3, 7 + n),
            postcode=f"WB4 {n + 1}XY",
            nhs_number="",
            la_child_id=f"WBLA{700000 + n}",
        )
        MissingEpisodeFactory.create(child=child, started_at=when, returned_at=when + dt.timedelta(minutes=30))
        made.append(child)
    adult = AdultOfConcern.objects.create(
        name="Lucan Threlkeld", other_names="Big L; Lucky Threlkeld", owning_agency=agency
    )
    concern = Concern.objects.create(
        child=made[0],
        category=ConcernCategory.CCE,
        owning_agency=agency,
        recorded_by=coordinator,
        occurred_at=when,
        what_happened="Seen getting into a car with an adult of concern",
    )
    concern.adults.add(adult)
    return Area(
        agency=agency,
        coordinator=coordinator,
        leader=UserFactory.create(agency=agency, roles=[RoleCode.LEADER]),
        manager=UserFactory.create(agency=agency, roles=[RoleCode.MANAGER]),
        practitioner=UserFactory.create(agency=agency, roles=[RoleCode.PRACTITIONER]),
        children=made,
        adult=adult,
    )
