"""Agency systems' credentials for the API, and the answers kept for their idempotency keys."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from joinedup.agencies.models import Agency


class ApiClient(models.Model):
    """An agency's system (a police case system, a school's MIS) that calls the API with its own key.

    It acts as its service account, ``user``: an account of the agency that cannot sign in, a practitioner (or a
    manager, to submit the agency's extracts), so every service's policy check and audit row apply to the API
    as they do to the pages. Only the key's SHA-256 is kept; the key itself is shown once, when it is made.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100, help_text="What the system is, e.g. Police case system.")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_client")
    # The key's first characters, to tell keys apart in lists and in the audit trail; not enough to use it.
    key_prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["agency__code", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="api_client_name_unique_in_agency")]

    def __str__(self) -> str:
        return f"{self.name} ({self.agency.code}, {self.key_prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class IdempotentRequest(models.Model):
    """The first answer to a client's POST with an ``Idempotency-Key``, replayed when the request is retried.

    ``fingerprint`` is the SHA-256 of the method, path and body: the same key with another request is refused.
    """

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    body = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "key"], name="idempotency_key_unique_per_client")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code})"
