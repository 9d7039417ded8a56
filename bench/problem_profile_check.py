"""The sanitised problem profile's check (issue 12): how long looking for every child's personal data in a
profile's text takes, against the obvious way (a substring search of the text for each term), in the same run.

Terms for ``--size`` children (full name both ways, an alias, a date of birth in its written forms, an address, a
full postcode, a phone number, an NHS number, a local authority id) are built in memory, and a profile-sized text
(``--words`` words of tables and prose, with one planted name near the end) is searched both ways. Both must
find the planted name; the figure is the ratio of their times.
"""

import random
import time
from datetime import date, timedelta

from _common import arguments, progress

args = arguments(
    "The sanitised profile's personal data check", 50_000, words=(20_000, "words of profile text (about 40 pages)")
)

from joinedup.profiles.check import Terms, find_personal_data, words  # noqa: E402

rng = random.Random(12)
GIVEN = ["Amara", "Bilal", "Casey", "Dylan", "Esme", "Farah", "Gethin", "Hana", "Idris", "Jola", "Kai", "Lena"]
FAMILY = ["Okafor", "Pryce", "Quayle", "Rahman", "Sutton", "Tranter", "Umeh", "Vance", "Whitlow", "Yates"]


def terms_build(n: int) -> tuple[Terms, list[str]]:
    terms = Terms()
    plain: list[str] = []
    for i in range(n):
        given, family = f"{rng.choice(GIVEN)}{i}", f"{rng.choice(FAMILY)}{i}"
        born = date(2008, 1, 1) + timedelta(days=rng.randint(0, 3650))
        postcode = f"WB{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFG')}{rng.choice('HJLNPQ')}"
        phone = f"07700 {rng.randint(100000, 999999)}"
        nhs = f"{rng.randint(10**9, 10**10 - 1)}"
        address = f"{rng.randint(1, 200)} {rng.choice(FAMILY)} Road, Wealdbridge"
        terms.add_name(given, family, "a child's name")
        terms.add_aliases(f"{given} {family[0]}", "a child's name")
        terms.add_date_of_birth(born, "a child's date of birth")
        terms.add_postcode(postcode, "a child's postcode")
        terms.add_phones(phone, "a phone number")
        terms.add_identifier(nhs, "a child's identifier")
        terms.add_identifier(f"WB{100000 + i}", "a child's identifier")
        terms.add_address(address, "a child's address")
        plain += [f"{given} {family}", f"{family} {given}", f"{born:%d/%m/%Y}", f"{born.day} {born:%B %Y}", postcode]
        plain += [phone, nhs, f"WB{100000 + i}", address.split(",")[0]]
    return terms, [" ".join(words(p)) for p in plain]


def text_build(n_words: int, planted: str) -> str:
    vocabulary = ["children", "missing", "fewer", "than", "5", "WB3 4", "hotel", "Oct", "2026", "growing", "12", "of"]
    body = [rng.choice(vocabulary) for _ in range(n_words)]
    body.insert(n_words - 10, planted)
    return " ".join(body)


progress(f"building terms for {args.size} children")
started = time.perf_counter()
terms, plain = terms_build(args.size)
build_s = time.perf_counter() - started
# Plant a real term: the name of the child in the middle.
planted = plain[9 * (args.size // 2)]
text = text_build(args.words, planted)

started = time.perf_counter()
found = find_personal_data(terms, text, where="the HTML")
check_s = time.perf_counter() - started
assert any(f.kind == "a child's name" for f in found), found

started = time.perf_counter()
flat = " ".join(words(text))
naive = [p for p in plain if p and p in flat]
naive_s = time.perf_counter() - started
assert planted in naive

print(
    f"problem_profile_check: {args.size} children, {len(terms.phrases) + len(terms.squashed)} terms, {args.words} words"
)
print(f"  terms built in {build_s:.2f}s (once a profile)")
print(f"  the check (word runs and squashed runs, set lookups): {check_s * 1000:.1f} ms")
print(f"  baseline (a substring search of the text for each term): {naive_s * 1000:.1f} ms")
print(f"  ratio check / baseline: {check_s / naive_s:.3f}")
