"""The front door: the local threshold document (as data, versioned), contacts about children, requests for
information to partner agencies, and the front door's decision on each contact."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup import dates
from joinedup.agencies.models import Agency
from joinedup.children.models import Child


class ThresholdDocument(models.Model):
    """One version of the partnership's threshold document ("continuum of need"). A new version is new rows: a
    contact keeps the version in force when it was received, and is decided against that version's levels."""

    name = models.CharField(max_length=200)
    version = models.PositiveIntegerField()
    in_force_from = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-in_force_from", "-version"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="threshold_name_version")]

    def __str__(self) -> str:
        return f"{self.name}, version {self.version}"


class ThresholdLevel(models.Model):
    """A level of need in one version of the document (e.g. early help), with its descriptor."""

    document = models.ForeignKey(ThresholdDocument, on_delete=models.PROTECT, related_name="levels")
    order = models.PositiveSmallIntegerField(help_text="1 for the lowest level of need.")
    code = models.SlugField(max_length=40)
    name = models.CharField(max_length=120)
    descriptor = models.TextField()

    class Meta:
        ordering = ["document", "order"]
        constraints = [
            models.UniqueConstraint(fields=["document", "code"], name="threshold_level_code"),
            models.UniqueConstraint(fields=["document", "order"], name="threshold_level_order"),
        ]

    def __str__(self) -> str:
        return f"Level {self.order}: {self.name}"


class ThresholdIndicator(models.Model):
    """One indicator of a level of need, as the document words it."""

    level = models.ForeignKey(ThresholdLevel, on_delete=models.PROTECT, related_name="indicators")
    order = models.PositiveSmallIntegerField()
    text = models.TextField()

    class Meta:
        ordering = ["level", "order"]

    def __str__(self) -> str:
        return self.text[:60]


class ReferrerKind(models.TextChoices):
    PROFESSIONAL = "professional", "A professional (a partner agency)"
    PUBLIC = "public", "A member of the public"
    PARENT = "parent", "A parent or carer"
    CHILD = "child", "The child or young person"
    ANONYMOUS = "anonymous", "Anonymous"


class Awareness(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"


class Consent(models.TextChoices):
    """The family's consent to the referral (Working Together 2023): sought unless seeking it would put the child
    at risk of harm."""

    GIVEN = "given", "Consent given"
    NOT_SOUGHT = "not_sought", "Not sought: it would put the child at risk of harm"
    REFUSED = "refused", "Refused"


class Route(models.TextChoices):
    NO_FURTHER_ACTION = "nfa", "No further action, with advice"
    EARLY_HELP = "early_help", "Early help"
    CHILD_IN_NEED = "s17", "Child in need assessment (section 17)"
    STRATEGY = "s47", "Strategy discussion (section 47)"
    EXPLOITATION = "exploitation", "Exploitation pathway (MACE and the coordinator)"
    OTHER_SERVICE = "other", "Another service"


class ToldHow(models.TextChoices):
    PHONE = "phone", "Phone call"
    EMAIL = "email", "Secure email"
    LETTER = "letter", "Letter"
    IN_PERSON = "in_person", "In person"
    PLATFORM = "platform", "On the platform"


class Contact(models.Model):
    """A contact (or referral) about a child to the front door: what is worried about, whether the child and
    family know and consent, who made it; then the front door's decision against the threshold version it was
    received under, and when the referrer was told. The decision is due by the end of the next working day after
    the day (in England) it was received (``deadlines.frontdoor_decision_due``)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="frontdoor_contacts")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+", help_text="Who recorded it.")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField(default=timezone.now)
    threshold = models.ForeignKey(ThresholdDocument, on_delete=models.PROTECT, related_name="contacts")
    worries = models.TextField("what is worried about")
    child_aware = models.CharField(max_length=10, choices=Awareness.choices)
    family_aware = models.CharField(max_length=10, choices=Awareness.choices)
    consent = models.CharField(max_length=12, choices=Consent.choices)
    consent_reason = models.TextField(blank=True)
    referrer_kind = models.CharField(max_length=14, choices=ReferrerKind.choices)
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_role = models.CharField("role or relationship to the child", max_length=200, blank=True)
    referrer_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    referrer_contact = models.CharField("how to reach the referrer", max_length=300, blank=True)
    decision_due = models.DateField()
    decision_due_at = models.DateTimeField(help_text="Decided in time when decided before this moment.")
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    level = models.ForeignKey(
        ThresholdLevel, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    decision_reason = models.TextField(blank=True)
    route = models.CharField(max_length=14, choices=Route.choices, blank=True)
    route_detail = models.TextField("advice given or the service", blank=True)
    referrer_told_at = models.DateTimeField(null=True, blank=True)
    referrer_told_how = models.CharField(max_length=10, choices=ToldHow.choices, blank=True)
    referrer_told_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["child", "-received_at"], name="frontdoor_contact_child"),
            models.Index(fields=["received_at"], name="frontdoor_contact_received"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decided_at__isnull=True)
                | (models.Q(level__isnull=False) & ~models.Q(route="") & ~models.Q(decision_reason="")),
                name="frontdoor_decision_whole",
            ),
            models.CheckConstraint(
                condition=models.Q(referrer_told_at__isnull=True) | models.Q(decided_at__isnull=False),
                name="frontdoor_told_after_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"Contact about {self.child_id} received {dates.when(self.received_at)}"

    @property
    def is_decided(self) -> bool:
        return self.decided_at is not None


class InformationRequest(models.Model):
    """The front door's request for information to a partner agency about the child of a contact, answered on
    the platform by that agency's practitioners or managers before ``respond_by`` (a date in England)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="information_requests")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="frontdoor_information_requests")
    to_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(default=timezone.now)
    question = models.TextField()
    respond_by = models.DateField()
    respond_by_at = models.DateTimeField(help_text="Answered in time when answered before this moment.")
    answer = models.TextField(blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked_at", "pk"]
        indexes = [models.Index(fields=["to_agency", "answered_at"], name="frontdoor_rfi_agency")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(answered_at__isnull=True) | ~models.Q(answer=""), name="frontdoor_rfi_answer"
            ),
        ]

    def __str__(self) -> str:
        return f"Request for information to {self.to_agency_id} about {self.child_id}"
