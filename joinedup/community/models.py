"""Registered businesses and community reporting.

A business (the Station Hotel, a taxi firm) is registered at its place (``places.Place``) with a contact, the
staff the partnership has trained (trainees of ``joinedup.training`` without an account) and the date of the last
visit. Each has its own reporting link: a long random token, of which only a hash is kept. Someone at the business
(or anyone, on the public page) reports what they saw, ticking the warning signs listed for that kind of business
(``WarningSign``, data editable in the administration). Reports wait in the coordinator's triage queue until they
are turned into a concern about a child at that place, or closed with a reason.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from joinedup.agencies.models import Agency
from joinedup.concerns.models import Concern
from joinedup.places.models import Place
from joinedup.training.models import Trainee


class BusinessKind(models.TextChoices):
    HOTEL = "hotel", "Hotel"
    TAXI_FIRM = "taxi_firm", "Taxi firm"
    TAKEAWAY = "takeaway", "Takeaway"
    LICENSED_PREMISES = "licensed_premises", "Licensed premises (pub, bar, club)"
    SHOP = "shop", "Shop"


GENERAL = "general"


class SignFor(models.TextChoices):
    """Who a warning sign is listed for: one kind of business, or anyone on the public page."""

    HOTEL = "hotel", "Hotels"
    TAXI_FIRM = "taxi_firm", "Taxi firms"
    TAKEAWAY = "takeaway", "Takeaways"
    LICENSED_PREMISES = "licensed_premises", "Licensed premises"
    SHOP = "shop", "Shops"
    GENERAL = "general", "Anyone (the public page)"


class WarningSign(models.Model):
    """One warning sign listed on the reporting page, e.g. for hotels "Rooms booked for cash or by walk-ins".
    Seeded by a data migration; the administrators keep the lists (a sign no longer used is made inactive, so
    the reports that ticked it still name it)."""

    applies_to = models.CharField(max_length=20, choices=SignFor.choices)
    text = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["applies_to", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["applies_to", "text"], name="warning_sign_unique")]

    def __str__(self) -> str:
        return self.text


class Business(models.Model):
    """A registered business at its place, with the agency whose coordinator triages its reports."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=BusinessKind.choices)
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="businesses")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    contact_name = models.CharField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_email = models.EmailField(blank=True)
    last_visit_on = models.DateField(null=True, blank=True)
    # SHA-256 of the reporting token: the token itself is shown once, to the coordinator who issues it.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    token_issued_at = models.DateTimeField(null=True, blank=True)
    token_revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "businesses"

    def __str__(self) -> str:
        return self.name

    @property
    def reporting_open(self) -> bool:
        return bool(self.token_hash) and self.token_revoked_at is None


class BusinessStaff(models.Model):
    """A member of a business's staff the partnership trains: a trainee (no account) of the training app, whose
    courses and dates are its attendance records."""

    business = models.ForeignKey(Business, on_delete=models.CASCADE, related_name="staff")
    trainee = models.OneToOneField(Trainee, on_delete=models.PROTECT, related_name="business_staff")
    job_title = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["trainee__full_name", "pk"]
        verbose_name_plural = "business staff"

    def __str__(self) -> str:
        return f"{self.trainee.full_name} ({self.business})"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Waiting for triage"
    CONCERN = "concern", "Turned into a concern"
    CLOSED = "closed", "Closed"


class CloseReason(models.TextChoices):
    NOT_ABOUT_A_CHILD = "not_about_a_child", "Not about a child"
    NOT_ENOUGH = "not_enough", "Not enough to act on"
    DUPLICATE = "duplicate", "Already reported"
    PASSED_ON = "passed_on", "Passed to another service"
    OTHER = "other", "Other reason"


class CommunityReport(models.Model):
    """What someone in the community reported, exactly as submitted, with the business whose link they used
    (none: the public page) and when it arrived. Nothing else is kept: no address, no browser."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    business = models.ForeignKey(Business, null=True, blank=True, on_delete=models.PROTECT, related_name="reports")
    signs = models.ManyToManyField(WarningSign, blank=True, related_name="+")
    what_happened = models.TextField()
    happened_at = models.DateTimeField()
    where = models.CharField(max_length=200, blank=True, help_text="On the public page: where it happened.")
    contact_name = models.CharField(max_length=200, blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    contact_email = models.CharField(max_length=254, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=ReportStatus.choices, default=ReportStatus.OPEN)
    concern = models.ForeignKey(Concern, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    close_reason = models.CharField(max_length=20, choices=CloseReason.choices, blank=True)
    close_note = models.TextField(blank=True)
    triaged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    triaged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["received_at"]
        indexes = [models.Index(fields=["status", "received_at"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="concern") | Q(concern__isnull=False), name="community_report_concern_linked"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(close_reason=""), name="community_report_closed_with_reason"
            ),
        ]

    def __str__(self) -> str:
        where = self.business.name if self.business is not None else "the public page"
        return f"Report from {where} on {self.received_at:%Y-%m-%d}"
