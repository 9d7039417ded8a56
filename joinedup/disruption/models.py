import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup.agencies.models import Agency
from joinedup.children.models import Child
from joinedup.concerns.models import AdultOfConcern


class Tactic(models.TextChoices):
    CHILD_ABDUCTION_WARNING_NOTICE = "cawn", "Child abduction warning notice"
    SEXUAL_RISK_ORDER = "sro", "Sexual risk order"
    SEXUAL_HARM_PREVENTION_ORDER = "shpo", "Sexual harm prevention order"
    ARREST = "arrest", "Arrest"
    LICENSING_ACTION = "licensing", "Licensing action against premises"
    CIVIL_INJUNCTION = "injunction", "Civil injunction"
    VISIT_WARNING = "visit", "Visit or warning"
    OTHER = "other", "Other"


class DisruptionAction(models.Model):
    """One thing done to disrupt an adult of concern, recorded whether or not any child engages with police.

    Linked children are optional: disruption often goes ahead without a child's
    account, and a child named here is shown only to those who may see them.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    adult = models.ForeignKey(AdultOfConcern, on_delete=models.PROTECT, related_name="disruptions")
    tactic = models.CharField(max_length=12, choices=Tactic.choices)
    taken_on = models.DateField()
    outcome = models.TextField()
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    children = models.ManyToManyField(Child, blank=True, related_name="+")

    class Meta:
        ordering = ["-taken_on", "-recorded_at"]

    def __str__(self) -> str:
        return f"{self.get_tactic_display()} on {self.taken_on:%Y-%m-%d}"
