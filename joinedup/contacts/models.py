import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup.agencies.models import Agency
from joinedup.children.models import Child, NotInErrorManager


class ContactMethod(models.TextChoices):
    VISIT = "visit", "Visit"
    PHONE = "phone", "Phone call"
    TEXT = "text", "Text or message"
    SCHOOL = "school", "At school or college"
    OTHER = "other", "Other"


class ContactOutcome(models.TextChoices):
    SPOKE = "spoke", "Spoke with the child"
    NO_ANSWER = "no_answer", "No answer"
    DECLINED = "declined", "The child did not want to talk this time"
    NOT_AT_HOME = "not_at_home", "Not at home"
    OTHER = "other", "Other"


class ContactAttempt(models.Model):
    """One attempt by a professional to reach a child, whether or not it succeeded.

    Failed attempts are recorded as well, so that a key worker's perseverance shows,
    and so that agencies can see how many different people are trying to reach the child.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="contact_attempts")
    practitioner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    attempted_at = models.DateTimeField()
    recorded_at = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=10, choices=ContactMethod.choices)
    outcome = models.CharField(max_length=15, choices=ContactOutcome.choices)
    note = models.TextField(blank=True)
    entered_in_error = models.BooleanField(default=False)

    with_entered_in_error: models.Manager["ContactAttempt"] = models.Manager()
    objects = NotInErrorManager["ContactAttempt"]()

    class Meta:
        ordering = ["-attempted_at"]
        default_manager_name = "objects"
        base_manager_name = "with_entered_in_error"
        indexes = [models.Index(fields=["child", "-attempted_at"], name="contact_child_time")]

    def __str__(self) -> str:
        return f"{self.get_method_display()} on {self.attempted_at:%Y-%m-%d}: {self.get_outcome_display()}"

    @property
    def succeeded(self) -> bool:
        return self.outcome == ContactOutcome.SPOKE
