"""The demo area has work on the Station Hotel with licensing as a partner, and on a peer group of demo children."""

import pytest

from joinedup.contextual.models import ContextWork, PartnerKind, WorkStatus
from joinedup.demo.generator import demo_area_generate
from joinedup.tasks.models import Task, TaskKind


@pytest.fixture
def demo(db):
    return demo_area_generate(children=20, extracts=False)


def test_the_demo_has_work_on_the_station_hotel_with_licensing_and_on_a_peer_group(demo):
    hotel = ContextWork.objects.get(place__isnull=False)
    assert "station hotel" in str(hotel.place).lower(), [str(w.place) for w in ContextWork.objects.all()]
    assert hotel.status == WorkStatus.OPEN
    assert hotel.partners.filter(kind=PartnerKind.LICENSING).exists()
    assert hotel.assessments.exists() and hotel.reviews.exists()
    assert hotel.actions.filter(owner_partner__isnull=False).exists()
    group = ContextWork.objects.get(group__name="Mill Lane group")
    members = group.group.memberships.filter(removed_at__isnull=True).count()  # type: ignore[union-attr]
    assert 3 <= members <= 4
    assert group.assessments.exists() and group.reviews.exists() and group.actions.exists()
    person_actions = [str(pk) for pk in hotel.actions.filter(owner__isnull=False).values_list("pk", flat=True)]
    assert Task.objects.filter(kind=TaskKind.PLACE_ACTION, source_id__in=person_actions, completed_at=None).exists()
