from django.db import models


class Attempt(models.Model):
    """One use of a limited page. ``key`` is a hash of what is limited (a token, an address), never the token
    or the address itself."""

    key = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["key", "at"])]

    def __str__(self) -> str:
        return f"{self.key[:8]} at {self.at}"
