"""The child's say and the messages a child sends through their speaking-out link.

``ChildSay`` is versioned: each change is a new row (``version`` 1, 2, ...) and the latest is the child's say now;
nothing is overwritten. ``SpeakToken`` holds only the SHA-256 of the link's token (the token itself is shown once,
when the key worker issues it). ``ChildMessage`` is what the child sent: their own words, kept on their record.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup.agencies.models import Agency
from joinedup.children.models import Child

# The longest answers the child's page accepts (checked on the server too).
MESSAGE_MAX = 1000
CONTACT_WHEN_MAX = 200


class SpokenHow(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By phone"
    VIDEO = "video", "By video call"
    MESSAGE = "message", "By text or message"
    ADVOCATE = "advocate", "Through an advocate"
    OTHER = "other", "Another way"


class ChildSay(models.Model):
    """What the child said matters to them, recorded with the child: one version of it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="says")
    version = models.PositiveIntegerField()
    what_matters = models.TextField("What matters to me", blank=True)
    who_with = models.TextField("Who I want to work with", blank=True)
    who_not = models.TextField("Who I don't want to work with", blank=True)
    not_with_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name="Staff I don't want to work with",
        help_text="Checked when a key worker is allocated.",
    )
    contact_how = models.TextField("How and when to contact me", blank=True)
    trusted_adult = models.CharField("My trusted adult", max_length=200, blank=True)
    wants = models.TextField("What I want to happen", blank=True)
    professionals_limit = models.PositiveSmallIntegerField("How many professionals I can manage", null=True, blank=True)
    spoken_on = models.DateField("Recorded with the child on")
    spoken_how = models.CharField("How", max_length=12, choices=SpokenHow.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["child", "-version"]
        constraints = [models.UniqueConstraint(fields=["child", "version"], name="child_say_one_version")]

    def __str__(self) -> str:
        return f"The child's say, version {self.version}"


class SpeakToken(models.Model):
    """A child's personal speaking-out link. Only the token's SHA-256 is kept; revoking it stops it at once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="speak_tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return f"Speaking-out link issued {self.issued_at:%Y-%m-%d}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None


class MessageKind(models.TextChoices):
    TELL = "tell", "Tell your worker something"
    CONTACT = "contact", "Ask them to contact you"
    FEELS = "feels", "Say how the support feels"


class Feeling(models.IntegerChoices):
    REALLY_BAD = 1, "Really bad"
    NOT_GOOD = 2, "Not good"
    OK = 3, "OK"
    GOOD = 4, "Good"
    REALLY_GOOD = 5, "Really good"


class ChildMessage(models.Model):
    """What a child sent through their link: their own words, kept on their record and never shown back."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="messages_sent")
    token = models.ForeignKey(SpeakToken, on_delete=models.PROTECT, related_name="messages")
    kind = models.CharField(max_length=8, choices=MessageKind.choices)
    text = models.TextField(blank=True)
    feeling = models.PositiveSmallIntegerField(choices=Feeling.choices, null=True, blank=True)
    wants_contact = models.BooleanField(default=False, help_text="The child asked for help or to be contacted.")
    contact_when = models.CharField(max_length=CONTACT_WHEN_MAX, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_at"]
        indexes = [models.Index(fields=["received_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.received_at:%Y-%m-%d})"
