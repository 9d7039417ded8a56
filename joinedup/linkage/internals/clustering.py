"""Joining scored pairs into people, under what people decided.

Splink's own connected components cannot respect "these two are different people", so the
clustering is a union-find run here: confirmed matches are joined first, then automatic
pairs from the strongest down, refusing any join that would put together two records a
person separated, two records holding different values of the same hard identifier, or
two records born in different years. Nothing below the automatic threshold is joined here: a pair
of the review band waits for a person, however few other candidates either record has.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .features import HARD_IDENTIFIERS, dates_of_birth_conflict


@dataclass
class _Group:
    members: set[int]
    separated_from: set[int] = field(default_factory=set)
    identifiers: dict[str, set[str]] = field(default_factory=dict)
    # The members' dates of birth as (dob_y, dob), where a year is known.
    births: set[tuple[str, str | None]] = field(default_factory=set)


class Clusters:
    def __init__(self, record_ids: Iterable[int], identifiers: Mapping[int, Mapping[str, str | None]]) -> None:
        self.parent: dict[int, int] = {}
        self.groups: dict[int, _Group] = {}
        for record in record_ids:
            self.parent[record] = record
            values = identifiers.get(record, {})
            self.groups[record] = _Group(
                members={record},
                identifiers={name: {v} for name in HARD_IDENTIFIERS if (v := values.get(name))},
                births={(year, values.get("dob"))} if (year := values.get("dob_y")) else set(),
            )

    def find(self, record: int) -> int:
        root = record
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[record] != root:
            self.parent[record], record = root, self.parent[record]
        return root

    def separate(self, a: int, b: int) -> None:
        self.groups[self.find(a)].separated_from.add(b)
        self.groups[self.find(b)].separated_from.add(a)

    def may_join(self, a: int, b: int, *, check_identifiers: bool = True) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        ga, gb = self.groups[ra], self.groups[rb]
        if any(self.find(x) == rb for x in ga.separated_from):
            return False
        if check_identifiers:
            for name, values in ga.identifiers.items():
                if gb.identifiers.get(name) and not values & gb.identifiers[name]:
                    return False
            for year_a, dob_a in ga.births:
                for year_b, dob_b in gb.births:
                    if dates_of_birth_conflict({"dob_y": year_a, "dob": dob_a}, {"dob_y": year_b, "dob": dob_b}):
                        return False
        return True

    def join(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        ga, gb = self.groups[ra], self.groups[rb]
        if len(ga.members) < len(gb.members):
            ra, rb, ga, gb = rb, ra, gb, ga
        self.parent[rb] = ra
        ga.members |= gb.members
        ga.separated_from |= gb.separated_from
        for name, values in gb.identifiers.items():
            ga.identifiers.setdefault(name, set()).update(values)
        ga.births |= gb.births
        del self.groups[rb]

    def assignment(self) -> dict[int, int]:
        return {record: self.find(record) for record in self.parent}


def cluster(
    record_ids: Iterable[int],
    *,
    auto_pairs: Iterable[tuple[int, int, float]],
    confirmed: Iterable[tuple[int, int]],
    separated: Iterable[tuple[int, int]],
    identifiers: Mapping[int, Mapping[str, str | None]],
) -> tuple[dict[int, int], list[tuple[int, int]]]:
    """Each record's cluster (a representative record id), and the automatic pairs that joined clusters.

    ``identifiers`` holds each record's hard identifiers and date of birth (``dob_y``, ``dob``): its features.
    """
    clusters = Clusters(record_ids, identifiers)
    for a, b in separated:
        if a in clusters.parent and b in clusters.parent:
            clusters.separate(a, b)
    for a, b in confirmed:
        # A person's confirmed match stands even across differing identifiers; a later separation still wins.
        if a in clusters.parent and b in clusters.parent and clusters.may_join(a, b, check_identifiers=False):
            clusters.join(a, b)
    used: list[tuple[int, int]] = []
    for a, b, _ in sorted(auto_pairs, key=lambda pair: -pair[2]):
        if clusters.may_join(a, b):
            clusters.join(a, b)
            used.append((a, b))
    return clusters.assignment(), used
