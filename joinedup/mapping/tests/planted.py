"""A planted small area: two separate networks, each with its places, and a hotspot that grows.

Network A: children A1, A2, A3 and adult AA around the Station Hotel (NB1 1AA) and the vehicle YX19 KLM.
Network B: children B1, B2 and adult BB around the Park Cafe (NB9 9ZZ). The period is October 2026 and the
previous one the 31 days before it. In September the hotel saw A1 and the cafe B1 and B2; in October the
hotel sees A1, A2 and A3 (growing), the cafe only B1 (fading), and the Mill Lane Grill, never seen before,
sees A2 (new).
"""

from dataclasses import dataclass
from datetime import date

from joinedup.agencies.models import Agency
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.children.models import Child
from joinedup.children.tests.factories import ChildFactory
from joinedup.imports.models import EventRecord, PersonRecord, PersonType

SINCE, UNTIL = date(2026, 10, 1), date(2026, 10, 31)
HOTEL = {
    "place_name": "Station Hotel",
    "place_postcode": "NB1 1AA",
    "place_type": "hotel",
    "latitude": "53.80",
    "longitude": "-1.55",
}
CAFE = {
    "place_name": "Park Cafe",
    "place_postcode": "nb99zz",
    "place_type": "takeaway",
    "latitude": "53.70",
    "longitude": "-1.40",
}
GRILL = {"place_name": "Mill Lane Grill", "place_postcode": "NB2 6TR", "place_type": "takeaway"}


@dataclass
class Planted:
    agency: Agency
    children: dict[str, Child]


def plant() -> Planted:
    agency = AgencyFactory.create(code="POL")
    children: dict[str, Child] = {}
    for record_id in ["A1", "A2", "A3", "B1", "B2"]:
        child = ChildFactory.create(given_name=f"Child{record_id}", family_name="Planted", owning_agency=agency)
        children[record_id] = child
        PersonRecord.objects.create(
            agency=agency,
            record_id=record_id,
            person_type=PersonType.CHILD,
            child=child,
            data={"given_name": f"Child{record_id}", "family_name": "Planted"},
        )
    for record_id, phone in [("AA", "07700 900456"), ("BB", "")]:
        PersonRecord.objects.create(
            agency=agency,
            record_id=record_id,
            person_type=PersonType.ADULT_OF_CONCERN,
            data={"given_name": f"Adult{record_id}", "family_name": "Planted", "phones": phone},
        )
    events = [
        ("E1", "sighting", "2026-09-10T20:00:00", "A1", "", HOTEL, {}),
        ("E2", "sighting", "2026-09-12T20:00:00", "B1", "B2", CAFE, {}),
        ("E3", "sighting", "2026-09-15T20:00:00", "B2", "BB", CAFE, {}),
        ("E4", "found", "2026-10-02T07:10:00", "A1", "AA", HOTEL, {}),
        ("E5", "sighting", "2026-10-05T22:15:00", "A2", "", HOTEL, {"vehicles": "YX19 KLM"}),
        ("E6", "sighting", "2026-10-07T22:15:00", "A3", "AA", HOTEL, {"phones": "+44 7700 900456"}),
        ("E7", "sighting", "2026-10-09T21:00:00", "B1", "BB", CAFE, {}),
        ("E8", "sighting", "2026-10-20T21:00:00", "A2", "", GRILL, {"vehicles": "yx19klm"}),
    ]
    for event_id, event_type, when, subject, others, place, extra in events:
        EventRecord.objects.create(
            agency=agency,
            event_id=event_id,
            event_type=event_type,
            data={
                "event_id": event_id,
                "agency": "POL",
                "event_type": event_type,
                "occurred_at": when,
                "subject_record_id": subject,
                "other_record_ids": others,
                **place,
                **extra,
            },
        )
    return Planted(agency=agency, children=children)
