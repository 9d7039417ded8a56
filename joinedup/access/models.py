from django.conf import settings
from django.db import models

from joinedup import dates
from joinedup.children.models import Child


class ReviewOutcome(models.TextChoices):
    JUSTIFIED = "justified", "Access was justified"
    NOT_JUSTIFIED = "not_justified", "Access was not justified"


class BreakGlassGrant(models.Model):
    """Emergency access to a child's record, granted for a stated reason and for a limited time.

    Every grant goes to a named reviewer, chosen when it is granted: a manager of the requester's agency, or
    the partnership's designated reviewer (the coordinator) where the agency has none.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="break_glass_grants")
    reason = models.TextField()
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="break_glass_to_review",
        help_text="Empty only for grants made before reviewers were named: those go to the agency's managers.",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_outcome = models.CharField(max_length=20, choices=ReviewOutcome.choices, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(reason=""), name="break_glass_has_a_reason"),
        ]

    def __str__(self) -> str:
        return f"Break-glass by {self.user} at {dates.when(self.granted_at)}"
