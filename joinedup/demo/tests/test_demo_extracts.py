"""The demo area's agency extracts go in through the importer and give linkage and the mapping something to find."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.demo.extracts import DemoExtractsSummary, demo_extracts_generate
from joinedup.demo.generator import demo_area_generate
from joinedup.imports.models import ImportBatch, PersonRecord, RejectedRow
from joinedup.linkage.api import person_ids
from joinedup.mapping.api import map_patterns
from joinedup.places.normalise import name_key


@pytest.fixture
def extracts(db) -> DemoExtractsSummary:
    demo_area_generate(children=3, extracts=False)
    users = {user.username: user for user in User.objects.all()}
    return demo_extracts_generate(users=users, rng=random.Random(7))


def test_the_demo_plants_grey_zone_pairs_for_the_coordinator_to_review(extracts):
    from joinedup.linkage.models import ReviewItem, ReviewStatus

    waiting = {
        frozenset({(i.record_a.agency.code, i.record_a.record_id), (i.record_b.agency.code, i.record_b.record_id)})
        for i in ReviewItem.objects.filter(status=ReviewStatus.OPEN).select_related(
            "record_a__agency", "record_b__agency"
        )
    }
    assert len(extracts.planted_grey) == 2
    for pair in extracts.planted_grey:
        assert frozenset(pair) in waiting, f"{pair} is not in the review queue"


def test_the_demo_extracts_import_with_no_rejected_rows_and_link_most_planted_duplicates(extracts):
    batch = ImportBatch.objects.get()
    assert batch.rejected == 0
    assert not RejectedRow.objects.exists()
    assert PersonRecord.objects.values("agency__code").distinct().count() == 4
    ids = person_ids()
    together = [len({ids[key] for key in records}) == 1 for records in extracts.planted_duplicates]
    assert sum(together) / len(together) >= 0.7, f"{sum(together)} of {len(together)} linked"

    # Find both planted networks and their places among the top hotspots of the last six months.
    today = timezone.localdate()
    patterns = map_patterns(since=today - timedelta(days=180), until=today)
    for name, planted in extracts.networks.items():
        wanted = {ids[key] for key in planted["children"] + planted["adults"]}
        found = [
            n for n in patterns["networks"] if wanted <= {ids.get((m["agency"], m["record_id"])) for m in n["members"]}
        ]
        assert found, f"network {name} not found"
    others = [n for n in patterns["networks"] if n is not found[0]]
    assert others  # the two networks are apart
    # Each agency's spelling of a place is one place record now ("Station Hotel", "the Station Hotel"): compared
    # by the places app's name key.
    top = {(name_key(h["place_name"]), h["place_postcode"]) for h in patterns["hotspots"][:6]}
    for planted in extracts.networks.values():
        for name, postcode in planted["places"]:
            assert (name_key(name), postcode) in top, f"{name} not among {top}"

    # Network A grows over the last three months.
    recent = map_patterns(since=today - timedelta(days=90), until=today)
    station = next(h for h in recent["hotspots"] if name_key(h["place_name"]) == name_key("Station Hotel"))
    assert station["change"] in {"growing", "new"}


def test_return_interviews_and_missing_episodes_from_different_agencies_meet_after_linkage(extracts):
    from joinedup.imports.models import EventRecord
    from joinedup.missing.models import ReturnInterview

    # At import the interviews wait: each names social care's record, the episode is the police's.
    assert extracts.waiting == len(extracts.cross_agency_interviews) > 0
    assert not RejectedRow.objects.exists()
    # Linkage joined the records, and every waiting interview met its episode.
    assert not EventRecord.objects.exclude(waiting="").exists()
    for (police, police_record), (social_care, social_care_record) in extracts.cross_agency_interviews:
        child = PersonRecord.objects.get(agency__code=police, record_id=police_record).child
        assert child is not None
        assert PersonRecord.objects.get(agency__code=social_care, record_id=social_care_record).child == child
        interview = ReturnInterview.objects.get(
            episode__child=child, childs_words__startswith="Said they had been with older friends"
        )
        assert interview.completed_at is not None
        assert interview.episode.source_key.startswith("POL:")
