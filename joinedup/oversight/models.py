from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup.agencies.models import Agency


class Direction(models.TextChoices):
    AT_LEAST = "at_least", "At least"
    AT_MOST = "at_most", "At most"


class Goal(models.Model):
    """A strategic goal of the partnership, measured by the platform's own figures (``figures.BY_KEY``).

    The measure is the numerator figure's count as a percentage of the denominator's (e.g. return interviews
    offered within 72 hours of those due), or the numerator's count alone where there is no denominator.
    """

    title = models.CharField(max_length=200)
    numerator = models.CharField(max_length=60, help_text="The figure counted.")
    denominator = models.CharField(max_length=60, blank=True, help_text="The figure it is a percentage of.")
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.AT_LEAST)
    target = models.DecimalField(max_digits=8, decimal_places=1)
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    why = models.TextField(blank=True, help_text="Why the partnership set it.")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_percentage(self) -> bool:
        return bool(self.denominator)
