"""The demo's places: every concern, episode and extract event points at a place record, so the demo's "Station
Hotel, WB1 1AA" (the police extract) and "the Station Hotel" (a missing episode's last-seen place) are one place;
and one near miss, "Station Court Hotel" at the same postcode, waits in the coordinator's review queue."""

from joinedup.accounts.models import User

from .backfill import places_backfill
from .models import PlaceKind
from .services import place_resolve


def demo_places_generate(*, users: dict[str, User]) -> dict[str, int]:
    counts = places_backfill()
    place_resolve(
        actor=users["practitioner-police"], name="Station Court Hotel", postcode="WB1 1AA", kind=PlaceKind.HOTEL
    )
    return counts
