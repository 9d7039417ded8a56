import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from joinedup.accounts.tests.factories import UserFactory
from joinedup.children.tests.factories import ChildFactory
from joinedup.contacts.models import ContactAttempt, ContactMethod, ContactOutcome


class ContactAttemptFactory(DjangoModelFactory[ContactAttempt]):
    """An attempt straight into the database, bypassing the service's checks (by default, a visit that worked)."""

    class Meta:
        model = ContactAttempt

    child = factory.SubFactory(ChildFactory)
    practitioner = factory.SubFactory(UserFactory, agency=factory.SelfAttribute("..child.owning_agency"))
    agency = factory.SelfAttribute("practitioner.agency")
    attempted_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    method = ContactMethod.VISIT
    outcome = ContactOutcome.SPOKE
    note = ""
