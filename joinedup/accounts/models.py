from typing import Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models

from joinedup.agencies.models import Agency, Team


class RoleCode(models.TextChoices):
    PRACTITIONER = "practitioner", "Practitioner"
    MANAGER = "manager", "Team manager"
    COORDINATOR = "coordinator", "Exploitation and missing coordinator"
    LEADER = "leader", "Partnership leader"
    ADMINISTRATOR = "administrator", "Administrator"


# Roles whose holders see children across every agency (the analyst and partnership leaders).
CROSS_AGENCY_ROLES = frozenset({RoleCode.COORDINATOR, RoleCode.LEADER})


class Role(models.Model):
    """One of the fixed roles; a user holds one or more."""

    code = models.CharField(max_length=32, choices=RoleCode.choices, unique=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return RoleCode(self.code).label


class User(AbstractUser):
    """A member of staff of one partner agency."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="users", null=True, blank=True)
    team = models.ForeignKey(Team, on_delete=models.SET_NULL, related_name="members", null=True, blank=True)
    roles = models.ManyToManyField(Role, blank=True, related_name="users")

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        full_name = self.get_full_name()
        return f"{full_name} ({self.username})" if full_name else self.username

    def clean(self) -> None:
        super().clean()
        # A team belongs to one agency: a member of another agency's staff cannot be in it.
        if self.team_id is not None and self.team is not None and self.team.agency_id != self.agency_id:
            raise ValidationError(
                {"team": f"{self.team} is a team of {self.team.agency}; choose a team of this person's own agency."}
            )

    def role_codes(self) -> frozenset[str]:
        cached: Any = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(self.roles.values_list("code", flat=True)) if self.pk else frozenset()
            self._role_codes = cached
        return frozenset(cached)

    def is_verified(self) -> bool:
        """Replaced per request by django-otp's middleware; without it, no second factor has been given."""
        return False

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes() & set(codes))
