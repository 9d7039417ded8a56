"""Matching on generated variant spellings with the truth known: 200 places, each written three to five ways
("The Station Hotel", "station htl", "Station Hotel, wb11aa", without its postcode, with one typing slip)."""

import pytest

from joinedup.places.matching import one_slip
from joinedup.places.models import PlaceMatchCandidate
from joinedup.places.services import place_resolve
from joinedup.places.synthetic import generated_writings, pairwise_quality

# Measured with seed 14: precision 0.985, recall 0.936 on the automatic matches; with the review queue's pairs
# counted as matched, recall 0.960 (before the typing-slip blocking and allowance: 0.982, 0.881 and 0.915). Seeds
# 1-3 gave precision 0.971-0.993 and recall 0.920-0.969. Most pairs still missed are a name written without a
# postcode that two places of that name share: a person decides those.
SEED = 14
PRECISION_FLOOR = 0.98
RECALL_FLOOR = 0.93
RECALL_WITH_REVIEW_FLOOR = 0.95


@pytest.mark.django_db
def test_matching_generated_variants_meets_its_precision_and_recall_floors():
    writings = generated_writings(SEED, 200)
    found = [place_resolve(actor=None, name=w.name, postcode=w.postcode, kind=w.kind).pk for w in writings]
    truth = [w.truth for w in writings]
    precision, recall = pairwise_quality(truth, found)
    print(f"automatic: precision {precision:.3f}, recall {recall:.3f}")
    assert precision >= PRECISION_FLOOR
    assert recall >= RECALL_FLOOR

    # A pair the review queue puts to the coordinator is found, if not decided: counted as matched here.
    parent = {pk: pk for pk in found}

    def root(pk):
        while parent[pk] != pk:
            pk = parent[pk]
        return pk

    for a, b in PlaceMatchCandidate.objects.values_list("place_a_id", "place_b_id"):
        parent[root(b)] = root(a)
    _, recall_with_review = pairwise_quality(truth, [root(pk) for pk in found])
    print(f"with the review queue: recall {recall_with_review:.3f}")
    assert recall_with_review >= RECALL_WITH_REVIEW_FLOOR


def test_pairwise_quality_counts_pairs():
    # Three writings of place 0 found as one, and one of place 1 wrongly joined to them: 3 right pairs of 6.
    assert pairwise_quality([0, 0, 0, 1], ["a", "a", "a", "a"]) == (0.5, 1.0)
    assert pairwise_quality([0, 0, 1, 1], ["a", "b", "c", "c"]) == (1.0, 0.5)


@pytest.mark.django_db
def test_a_typing_slip_without_a_postcode_finds_the_one_place_of_that_name():
    meadow = place_resolve(actor=None, name="Meadow Pizza", postcode="WB7 7NT", kind="takeaway")
    place_resolve(actor=None, name="Meadow Park", postcode="WB2 1AB", kind="park")
    # "madow" shares no whole word with "meadow": found by the words one slip from it, then judged a slip.
    assert place_resolve(actor=None, name="Madow Pizza").pk == meadow.pk
    assert place_resolve(actor=None, name="the Meadow Piza").pk == meadow.pk
    assert not PlaceMatchCandidate.objects.exists()


@pytest.mark.django_db
def test_a_typing_slip_never_chooses_between_two_places_of_the_same_name():
    first = place_resolve(actor=None, name="Meadow Pizza", postcode="WB7 7NT", kind="takeaway")
    second = place_resolve(actor=None, name="Meadow Pizza", postcode="WB3 2XY", kind="takeaway")
    assert first.pk != second.pk
    slipped = place_resolve(actor=None, name="Madow Pizza")
    assert slipped.pk not in {first.pk, second.pk}
    # A person decides which one it is.
    assert PlaceMatchCandidate.objects.filter(place_b=slipped, place_a__in=[first, second]).exists()
    # With a postcode, a slip in the name is the place at that postcode, not the other.
    assert place_resolve(actor=None, name="Madow Pizza", postcode="WB3 2XY").pk == second.pk


@pytest.mark.django_db
def test_another_house_number_is_not_a_slip():
    castle = place_resolve(actor=None, name="104 Castle Street", postcode="WB4 1FH", kind="private_address")
    assert place_resolve(actor=None, name="104 Catsle Street").pk == castle.pk
    assert place_resolve(actor=None, name="105 Castle Street").pk != castle.pk


def test_one_slip_is_one_letter_dropped_doubled_wrong_or_swapped_in_a_long_name():
    assert one_slip("meadow pizza", "madow pizza")
    assert one_slip("castle street", "catsle street")
    assert one_slip("castle street", "casttle street")
    assert not one_slip("castle street", "catsle stret")
    assert not one_slip("crown inn", "crow inn")  # too short to tell a slip from another name
