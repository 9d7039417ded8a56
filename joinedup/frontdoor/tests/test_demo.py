"""The demo area has contacts at every stage of the front door."""

import pytest

from joinedup.accounts.models import User
from joinedup.demo.generator import demo_area_generate
from joinedup.frontdoor.models import Contact, InformationRequest
from joinedup.oversight.figures import BY_KEY, default_filters


@pytest.fixture
def demo(db):
    return demo_area_generate(children=20, extracts=False)


def test_the_demo_area_has_contacts_decided_in_time_late_waiting_and_requests_answered(demo):
    contacts = Contact.objects.all()
    assert contacts.count() >= 30
    assert contacts.filter(decided_at__isnull=True).exists()
    assert contacts.filter(referrer_told_at__isnull=False).exists()
    assert InformationRequest.objects.filter(answered_at__isnull=False).exists()
    leader = User.objects.get(username="leader")
    for key in ("frontdoor-decided-in-time", "frontdoor-late", "frontdoor-referrers-told"):
        assert BY_KEY[key].rows(leader, default_filters()).exists(), key
