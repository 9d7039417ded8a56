"""Generated places written several ways each, with the truth known: for measuring matching (tests, bench).

Each true place has a name, kind and postcode; each writing of it is one an agency might make: "The Station
Hotel", "station htl", "Station Hotel, wb11aa", the name without a postcode, one typing slip. Some names recur
at different postcodes (two Station Hotels in two towns), as they do in a real partnership.
"""

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from .models import PlaceKind

FIRST = [
    "Station",
    "Royal",
    "Kings",
    "Queens",
    "Market",
    "Bridge",
    "Castle",
    "Victoria",
    "Albion",
    "Crown",
    "Golden",
    "Riverside",
    "Mill",
    "Abbey",
    "Church",
    "Oakfield",
    "Elmwood",
    "Willow",
    "Cedar",
    "Meadow",
    "Hillside",
    "Grange",
    "Manor",
    "Priory",
    "Forest",
    "Harbour",
    "Beacon",
    "Compass",
    "Orchard",
    "Sovereign",
    "Lakeside",
    "Northgate",
    "Southgate",
    "Westfield",
    "Eastbrook",
    "Highfield",
    "Fairview",
    "Greenway",
    "Ashdown",
    "Beechwood",
]
SUFFIX = {
    PlaceKind.HOTEL: ["Hotel", "Lodge Hotel", "Court Hotel"],
    PlaceKind.TAKEAWAY: ["Pizza", "Kebab House", "Fried Chicken", "Fish & Chips"],
    PlaceKind.PARK: ["Park", "Recreation Ground"],
    PlaceKind.SCHOOL: ["Primary School", "Academy"],
    PlaceKind.SHOPPING_CENTRE: ["Shopping Centre"],
    PlaceKind.TRANSPORT_HUB: ["Bus Station", "Railway Station"],
    PlaceKind.LICENSED_PREMISES: ["Arms", "Tavern", "Social Club"],
}
STREETS = ["Road", "Street", "Avenue", "Lane", "Close", "Crescent"]
SHORT = {"Hotel": "Htl", "Road": "Rd", "Street": "St", "Station": "Stn", "Centre": "Ctr", "Avenue": "Ave", "Lane": "Ln"}


@dataclass(frozen=True)
class Writing:
    truth: int
    name: str
    postcode: str
    kind: str


@dataclass(frozen=True)
class TruePlace:
    name: str
    postcode: str
    kind: str


def _postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"WB{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def true_places(rng: random.Random, count: int) -> list[TruePlace]:
    places: list[TruePlace] = []
    seen: set[str] = set()
    while len(places) < count:
        if places and rng.random() < 0.08:
            # The same name in another town: a different place.
            other = rng.choice(places)
            places.append(TruePlace(other.name, _postcode(rng), other.kind))
            continue
        if rng.random() < 0.15:
            name = f"{rng.randint(1, 120)} {rng.choice(FIRST)} {rng.choice(STREETS)}"
            kind = PlaceKind.PRIVATE_ADDRESS
        else:
            kind = rng.choice(list(SUFFIX))
            name = f"{rng.choice(FIRST)} {rng.choice(SUFFIX[kind])}"
        if name in seen:
            continue
        seen.add(name)
        places.append(TruePlace(name, _postcode(rng), kind))
    return places


def _typo(rng: random.Random, name: str) -> str:
    words = name.split()
    long = [i for i, word in enumerate(words) if len(word) >= 5]
    if not long:
        return name
    i = rng.choice(long)
    word = words[i]
    j = rng.randint(1, len(word) - 2)
    slip = rng.choice(["drop", "swap", "double"])
    if slip == "drop":
        word = word[:j] + word[j + 1 :]
    elif slip == "swap":
        word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    else:
        word = word[:j] + word[j] + word[j:]
    words[i] = word
    return " ".join(words)


def _shorten(name: str) -> str:
    return " ".join(SHORT.get(word, word) for word in name.split())


def writings_of(rng: random.Random, truth: int, place: TruePlace) -> list[Writing]:
    """Three to five ways agencies write this place."""
    compact = place.postcode.replace(" ", "").lower()
    ways = [
        lambda: (place.name, place.postcode),
        lambda: (f"The {place.name}", place.postcode),
        lambda: (place.name.lower(), compact),
        lambda: (place.name.upper(), place.postcode),
        lambda: (_shorten(place.name), place.postcode),
        lambda: (f"{place.name.lower()} {place.postcode}", ""),
        lambda: (f"the {place.name}", ""),
        lambda: (place.name.replace("&", "and"), compact),
        lambda: (place.name.replace(" ", "-", 1), place.postcode),
        lambda: (_typo(rng, place.name), place.postcode),
        lambda: (_typo(rng, place.name), ""),
    ]
    chosen = rng.sample(ways, rng.randint(3, 5))
    kinds = [place.kind, ""]
    return [Writing(truth, *way(), rng.choice(kinds)) for way in chosen]


def generated_writings(seed: int, count: int) -> list[Writing]:
    """``count`` true places, each written three to five ways, shuffled."""
    rng = random.Random(seed)  # noqa: S311 - synthetic test data, repeatable by seed
    writings = [w for truth, place in enumerate(true_places(rng, count)) for w in writings_of(rng, truth, place)]
    rng.shuffle(writings)
    return writings


def pairwise_quality(truth: Sequence[int], found: Sequence[object]) -> tuple[float, float]:
    """Precision and recall over pairs of writings: of the pairs put together, how many are one place; of the pairs
    that are one place, how many were put together."""
    both = Counter(zip(truth, found, strict=True))
    by_truth, by_found = Counter(truth), Counter(found)

    def pairs(counts: Counter) -> int:  # type: ignore[type-arg]
        return sum(n * (n - 1) // 2 for n in counts.values())

    together, same, right = pairs(by_found), pairs(by_truth), pairs(both)
    precision = right / together if together else 1.0
    recall = right / same if same else 1.0
    return precision, recall
