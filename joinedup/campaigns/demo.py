"""The demo area's awareness campaigns: a year of them across Wealdbridge.

Recorded through the same service as the pages, by the demo coordinator. Most of the work went to the schools,
the canal-side estate, the riverside and the Mill Lane businesses; around the Station Hotel (WB1 1), where
Network A grows, only a short briefing for taxi drivers reached a handful of people, and the hotel staff's
training is still planned. So the reach page, on its street map, shows the hotel's area as high risk and little
reached.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.places.models import Place, PlaceKind
from joinedup.places.services import place_resolve

from .models import CampaignKind, CampaignStatus, MaterialKind
from .services import campaign_material_add, campaign_record

# Venue: name, kind, postcode, latitude, longitude (on the demo's base map of Wealdbridge).
VENUES: dict[str, tuple[str, str, str, float, float]] = {
    "academy": ("Wealdbridge Academy", PlaceKind.SCHOOL, "WB2 3TT", 53.7432, -1.6102),
    "eastfield": ("Eastfield High School", PlaceKind.SCHOOL, "WB8 2EH", 53.7558, -1.5872),
    "canalside": ("Canalside Community Centre", PlaceKind.OTHER, "WB5 7HQ", 53.7405, -1.6255),
    "youth_club": ("Riverside Youth Club", PlaceKind.OTHER, "WB6 1RJ", 53.7340, -1.6132),
    "mill_lane": ("Mill Lane Business Forum", PlaceKind.OTHER, "WB3 2MA", 53.7466, -1.5905),
    "southwood": ("Southwood Community Hall", PlaceKind.OTHER, "WB9 4SH", 53.7292, -1.6298),
    "taxi_rank": ("Station Road taxi rank", PlaceKind.TAXI_RANK, "WB1 1AB", 53.7507, -1.6042),
}


@dataclass(frozen=True)
class _Planned:
    venue: str
    kind: str
    title: str
    days_ago: int
    audience: str
    reached: int
    delivered_by: str
    partners: str = ""
    materials: str = ""
    co_produced: bool = False
    status: str = CampaignStatus.DELIVERED


def _material_kind(text: str) -> str:
    """What kind of material the demo's words describe."""
    words = text.lower()
    for clue, kind in (
        ("lesson plan", MaterialKind.LESSON_PLAN),
        ("film", MaterialKind.VIDEO),
        ("leaflet", MaterialKind.LEAFLET),
        ("poster", MaterialKind.POSTER),
        ("sticker", MaterialKind.POSTER),
    ):
        if clue in words:
            return kind
    return MaterialKind.OTHER


CAMPAIGNS = [
    _Planned(
        "eastfield",
        CampaignKind.SCHOOL_DRAMA,
        "Chelsea's Choice: Year 9",
        330,
        "Year 9 pupils and their teachers",
        150,
        "Alter Ego theatre company",
        "Eastfield High School; school nurses",
        "Performance, workshop and a letter to parents",
    ),
    _Planned(
        "southwood",
        CampaignKind.COMMUNITY_SESSION,
        "Keeping our children safe: mosque and community group",
        300,
        "Parents and community leaders",
        45,
        "Exploitation and missing coordinator",
        "Southwood Mosque; Wealdbridge Police neighbourhood team",
        "Slides and leaflets in English and Urdu",
    ),
    _Planned(
        "taxi_rank",
        CampaignKind.BUSINESS_TRAINING,
        "Spotting the signs: taxi drivers at Station Road",
        270,
        "Taxi drivers",
        6,
        "Wealdbridge Police licensing team",
        "Wealdbridge Borough Council licensing",
        "Pocket card: what to look for and who to call",
    ),
    _Planned(
        "academy",
        CampaignKind.SCHOOL_DRAMA,
        "Chelsea's Choice: Year 9 and Year 10",
        240,
        "Year 9 and Year 10 pupils",
        180,
        "Alter Ego theatre company",
        "Wealdbridge Academy; Return Home Interview Service",
        "Performance, workshop and a lesson plan",
    ),
    _Planned(
        "canalside",
        CampaignKind.COMMUNITY_SESSION,
        "Parents' evening: online grooming and county lines",
        210,
        "Parents and carers on the Canalside estate",
        35,
        "Early help team",
        "Canalside Tenants' Association",
        "Slides; 'Know the signs' leaflet",
    ),
    _Planned(
        "academy",
        CampaignKind.CO_PRODUCED_MATERIALS,
        "'Is it really love?' leaflet",
        150,
        "Secondary pupils across the borough",
        250,
        "Youth council with the exploitation and missing coordinator",
        "Wealdbridge Youth Council",
        "Leaflet written and illustrated by young people; 400 copies",
        co_produced=True,
    ),
    _Planned(
        "youth_club",
        CampaignKind.CO_PRODUCED_MATERIALS,
        "Short film: 'Not a favour'",
        120,
        "Young people at the youth club and online",
        60,
        "Riverside Youth Club",
        "Wealdbridge Youth Council; youth workers",
        "A four-minute film made with young people, and a discussion guide",
        co_produced=True,
    ),
    _Planned(
        "canalside",
        CampaignKind.COMMUNITY_SESSION,
        "Tenants' association: what to do if you are worried",
        60,
        "Tenants' association members",
        40,
        "Exploitation and missing coordinator",
        "Canalside Tenants' Association; housing officers",
        "Slides; 'Who to call' card",
    ),
    _Planned(
        "mill_lane",
        CampaignKind.BUSINESS_TRAINING,
        "Night-time economy training: takeaways and taxi firms on Mill Lane",
        40,
        "Takeaway and taxi firm staff",
        55,
        "Wealdbridge Police licensing team",
        "Mill Lane Business Forum",
        "Training pack and window sticker",
    ),
    _Planned(
        "taxi_rank",
        CampaignKind.BUSINESS_TRAINING,
        "Hotel and night staff training around Station Road",
        -21,
        "Hotel reception and night staff",
        0,
        "Wealdbridge Police licensing team",
        "Station Road hotels",
        "Training pack for hotels",
        status=CampaignStatus.PLANNED,
    ),
]


def _venue(coordinator: User, key: str) -> Place:
    name, kind, postcode, lat, lon = VENUES[key]
    place = place_resolve(actor=coordinator, name=name, postcode=postcode, kind=kind)
    # The demo's venues stand on its base map: coordinates the places service does not take, set on the new
    # synthetic rows only (never over coordinates a place already has).
    Place.objects.filter(pk=place.pk, latitude__isnull=True).update(latitude=lat, longitude=lon)
    place.refresh_from_db()
    return place


def demo_campaigns_generate(*, users: dict[str, User]) -> int:
    """A year of campaigns, the last one still planned. Returns how many were recorded."""
    coordinator = users["coordinator"]
    today = timezone.localdate()
    venues = {key: _venue(coordinator, key) for key in sorted({c.venue for c in CAMPAIGNS})}
    for planned in CAMPAIGNS:
        campaign = campaign_record(
            user=coordinator,
            kind=planned.kind,
            title=planned.title,
            status=planned.status,
            held_on=today - timedelta(days=planned.days_ago),
            place=venues[planned.venue],
            ward="",
            audience=planned.audience,
            reached=planned.reached,
            delivered_by=planned.delivered_by,
            partners=planned.partners,
            co_produced=planned.co_produced,
        )
        if planned.materials:
            campaign_material_add(
                user=coordinator,
                campaign=campaign,
                title=planned.materials.split(";")[0].split(",")[0][:200],
                kind=_material_kind(planned.materials),
                co_produced=planned.co_produced,
                description=planned.materials,
            )
    return len(CAMPAIGNS)
