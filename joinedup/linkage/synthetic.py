"""A synthetic area with known truth, for tests and benchmarks of record linkage.

``generate_area(n_people, seed)`` invents people (fictional names from Faker's en_GB
provider, postcodes in the fictional WB area), groups some into households that share a
family name, address and phone, and writes each person into one to four agencies' records
the way agencies really record people: nicknames, misspellings, day and month swapped,
partial or missing dates of birth, a postcode from before a move, aliases and street names,
identifiers only where that agency would hold them.
"""

import random
import string
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from faker import Faker

from .internals.features import nickname_groups

AGENCIES = ["POL", "CSC", "HEA", "EDU", "YJS"]
STREET_NAMES = ["Snowy", "Kash", "Bugsy", "Tiny", "Ghost", "Rizla", "Ace", "Junior", "Smokes", "Dice", "Blade", "Skitz"]


@dataclass
class _Person:
    key: str
    given: str
    family: str
    sex: str
    dob: date
    postcode: str
    old_postcode: str
    phones: list[str]
    person_type: str
    nhs: str
    upn: str
    pnc: str
    aliases: list[str] = field(default_factory=list)


def _postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"WB{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def _nearby_postcode(rng: random.Random, postcode: str) -> str:
    """A move within the same district or sector, as most moves are."""
    district, sector = postcode.split(" ")
    if rng.random() < 0.5:
        return f"{district} {sector[0]}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    return _postcode(rng)


def nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _phone(rng: random.Random) -> str:
    return f"07700 9{rng.randint(0, 99999):05d}"


def _misspell(rng: random.Random, name: str) -> str:
    if len(name) < 4:
        return name
    i = rng.randint(1, len(name) - 2)
    kind = rng.random()
    if kind < 0.35:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind < 0.65:
        return name[:i] + name[i + 1 :]
    if kind < 0.85:
        return name[:i] + rng.choice(string.ascii_lowercase) + name[i + 1 :]
    return name[:i] + name[i] + name[i:]


def _formal_names() -> tuple[list[str], dict[str, list[str]]]:
    nicknames: dict[str, list[str]] = {}
    for nick, formals in nickname_groups().items():
        for formal in formals:
            if formal != nick:
                nicknames.setdefault(formal, []).append(nick)
    return sorted(nicknames), {k: sorted(v) for k, v in nicknames.items()}


# Where each household's family name comes from: Faker's en_GB list holds only 500 family names, so on its
# own a town of 50,000 would share each name with about 1 person in 230, several times a real English area
# (where Smith, the most common, is about 1 in 80 and thousands of names are held by a handful of people).
# Lists from other locales widen it towards a real area's mix; given names stay English, where the nickname
# table applies.
FAMILY_NAME_LOCALES = {"en_GB": 70, "en_IE": 12, "en_US": 8, "en_IN": 4, "it_IT": 3, "es_ES": 3}


def _family_name(rng: random.Random, fakers: dict[str, Faker]) -> str:
    locale = rng.choices(list(FAMILY_NAME_LOCALES), weights=list(FAMILY_NAME_LOCALES.values()))[0]
    return fakers[locale].last_name().split(" ")[-1]


def _people(n_people: int, rng: random.Random, fake: Faker) -> list[_Person]:
    formal, _ = _formal_names()
    people: list[_Person] = []
    today = date(2025, 1, 1)
    fakers = {"en_GB": fake}
    for locale in FAMILY_NAME_LOCALES:
        if locale not in fakers:
            fakers[locale] = Faker(locale)
            fakers[locale].seed_instance(rng.randrange(2**32))
    while len(people) < n_people:
        family = _family_name(rng, fakers)
        postcode = _postcode(rng)
        phone = _phone(rng)
        household = rng.choice([1, 1, 1, 2, 2, 3])
        for _ in range(household):
            if len(people) >= n_people:
                break
            sex = rng.choice("FM")
            if rng.random() < 0.35:
                given = rng.choice(formal).title()
            else:
                given = fake.first_name_female() if sex == "F" else fake.first_name_male()
            roll = rng.random()
            person_type = "child" if roll < 0.7 else "adult_of_concern" if roll < 0.88 else "parent_carer"
            if person_type == "child":
                dob = today - timedelta(days=rng.randint(8 * 365, 18 * 365))
            else:
                dob = today - timedelta(days=rng.randint(18 * 365, 50 * 365))
            key = f"P{len(people):06d}"
            people.append(
                _Person(
                    key=key,
                    given=given,
                    family=family,
                    sex=sex,
                    dob=dob,
                    postcode=postcode,
                    old_postcode=_nearby_postcode(rng, postcode),
                    phones=[phone] if rng.random() < 0.7 else [_phone(rng)],
                    person_type=person_type,
                    nhs=nhs_number(rng),
                    upn=f"{rng.choice(string.ascii_uppercase)}{rng.randint(0, 10**12 - 1):012d}"
                    if person_type == "child"
                    else "",
                    pnc=f"{dob.year % 100:02d}/{rng.randint(100000, 999999)}{rng.choice(string.ascii_uppercase)}",
                    aliases=[rng.choice(STREET_NAMES)]
                    if person_type == "adult_of_concern" and rng.random() < 0.5
                    else [],
                )
            )
    return people


def _dob_text(rng: random.Random, dob: date) -> str:
    roll = rng.random()
    if roll < 0.05:
        return ""
    if roll < 0.10:
        return f"{dob:%Y-%m}"
    if roll < 0.13:
        return f"{dob:%Y}"
    if roll < 0.18 and dob.day <= 12 and dob.day != dob.month:
        return f"{dob.year}-{dob.day:02d}-{dob.month:02d}"
    if roll < 0.20:
        return f"{dob.year}-{dob.month:02d}-{min(28, max(1, dob.day + rng.choice([-1, 1]))):02d}"
    return dob.isoformat()


def _phone_text(rng: random.Random, phone: str) -> str:
    digits = phone.replace(" ", "")
    return rng.choice([phone, digits, f"+44 {digits[1:5]} {digits[5:]}", f"+44{digits[1:]}"])


def _postcode_text(rng: random.Random, postcode: str) -> str:
    return rng.choice([postcode, postcode.replace(" ", ""), postcode.lower(), f" {postcode} "])


def _record(
    rng: random.Random, person: _Person, agency: str, record_id: str, nicknames: dict[str, list[str]]
) -> dict[str, Any]:
    given, family = person.given, person.family
    low = given.lower()
    if low in nicknames and rng.random() < 0.3:
        given = rng.choice(nicknames[low]).title()
    elif rng.random() < 0.07:
        given = _misspell(rng, given.lower()).title()
    if rng.random() < 0.06:
        family = _misspell(rng, family.lower()).title()
    if rng.random() < 0.02:
        given, family = family, given
    if rng.random() < 0.03:
        given = ""
    postcode = person.postcode
    roll = rng.random()
    if roll < 0.2:
        postcode = person.old_postcode
    elif roll < 0.3:
        postcode = ""
    identifiers = {"nhs_number": "", "upn": "", "pnc_id": ""}
    if agency == "HEA" and rng.random() < 0.9:
        identifiers["nhs_number"] = person.nhs
    if agency == "CSC" and rng.random() < 0.4:
        identifiers["nhs_number"] = person.nhs
    if agency == "EDU" and person.upn and rng.random() < 0.95:
        identifiers["upn"] = person.upn
    if agency in {"POL", "YJS"} and rng.random() < 0.6:
        identifiers["pnc_id"] = person.pnc
    other_names = list(person.aliases) if rng.random() < 0.7 else []
    if rng.random() < 0.05:
        other_names.append(_misspell(rng, person.family.lower()).title())
    return {
        "record_id": record_id,
        "agency": agency,
        "person_type": person.person_type,
        "given_name": given,
        "family_name": family,
        "other_names": ";".join(other_names),
        "date_of_birth": _dob_text(rng, person.dob),
        "sex": person.sex if rng.random() < 0.9 else "U",
        "postcode": _postcode_text(rng, postcode) if postcode else "",
        "address": "",
        "phones": ";".join(_phone_text(rng, p) for p in person.phones) if rng.random() < 0.4 else "",
        "email": "",
        **identifiers,
        "la_child_id": "",
        "ethnicity": "",
        "recorded_at": "",
    }


def generate_area(n_people: int, seed: int) -> tuple[list[dict[str, Any]], dict[tuple[str, str], str]]:
    """People rows as agency extracts hold them, and the truth: (agency, record_id) -> true person."""
    rng = random.Random(seed)  # noqa: S311 - synthetic data, not security
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    _, nicknames = _formal_names()
    records: list[dict[str, Any]] = []
    truth: dict[tuple[str, str], str] = {}
    counters = dict.fromkeys(AGENCIES, 0)
    for person in _people(n_people, rng, fake):
        count = rng.choices([1, 2, 3, 4], weights=[35, 35, 20, 10])[0]
        for agency in rng.sample(AGENCIES, count):
            counters[agency] += 1
            record_id = f"{agency}-{counters[agency]:07d}"
            records.append(_record(rng, person, agency, record_id, nicknames))
            truth[(agency, record_id)] = person.key
    return records, truth


def pairwise_quality(predicted: dict[tuple[str, str], str], truth: dict[tuple[str, str], str]) -> tuple[float, float]:
    """Pairwise precision and recall of predicted person ids against the truth."""

    def pairs(assignment: dict[tuple[str, str], str]) -> set[tuple[tuple[str, str], tuple[str, str]]]:
        groups: dict[str, list[tuple[str, str]]] = {}
        for key, person in assignment.items():
            groups.setdefault(person, []).append(key)
        out: set[tuple[tuple[str, str], tuple[str, str]]] = set()
        for members in groups.values():
            members.sort()
            out.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
        return out

    found, true = pairs({k: v for k, v in predicted.items() if k in truth}), pairs(truth)
    hits = len(found & true)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(true) if true else 1.0
    return precision, recall
