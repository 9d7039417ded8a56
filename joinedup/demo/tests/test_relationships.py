"""The demo area's contact attempts and health screening, generated on top of the demo borough."""

import random

import pytest

from joinedup.accounts.models import User
from joinedup.children.models import Child
from joinedup.concerns.models import ConcernCategory
from joinedup.contacts.models import ContactAttempt, ContactOutcome
from joinedup.contacts.selectors import contact_summary, many_professionals
from joinedup.demo.generator import demo_area_generate
from joinedup.demo.relationships import demo_contacts_generate
from joinedup.screening.models import ScreeningResponse


@pytest.mark.django_db
def test_the_demo_area_gains_contact_attempts_many_professionals_and_a_flagged_screening():
    demo_area_generate(children=12)
    users = {user.username: user for user in User.objects.all()}
    children = list(Child.objects.filter(owning_agency__code="CSC").select_related("key_worker"))
    before = set(ContactAttempt.objects.values_list("pk", flat=True))

    summary = demo_contacts_generate(users=users, children=children, rng=random.Random(7))

    attempts = ContactAttempt.objects.exclude(pk__in=before)
    assert summary.contact_attempts == attempts.count() > 10
    assert attempts.exclude(outcome=ContactOutcome.SPOKE).exists()
    persevering = next(child for child in children if child.key_worker is not None)
    kept_trying = contact_summary(user=users["coordinator"], child=persevering)
    assert kept_trying.key_worker_unsuccessful >= 4 and kept_trying.key_worker_successful >= 2
    assert any(many_professionals(child=child) is not None for child in children)

    screening = ScreeningResponse.objects.get()
    assert (summary.screenings, summary.concerns) == (1, 1)
    assert screening.practitioner == users["practitioner-health"] and screening.flagged
    assert screening.concern is not None and screening.concern.category == ConcernCategory.CSE
