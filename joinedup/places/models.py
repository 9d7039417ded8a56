"""A place is a record: a hotel, a takeaway, a park, a private address. Events, interviews, concerns and
sightings point at it, and the same place written differently by different agencies is one row here."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class PlaceKind(models.TextChoices):
    HOTEL = "hotel", "Hotel"
    TAKEAWAY = "takeaway", "Takeaway"
    TAXI_RANK = "taxi_rank", "Taxi rank"
    PARK = "park", "Park"
    SHOPPING_CENTRE = "shopping_centre", "Shopping centre"
    SHOP = "shop", "Shop"
    SCHOOL = "school", "School"
    PRIVATE_ADDRESS = "private_address", "Private address"
    LICENSED_PREMISES = "licensed_premises", "Licensed premises (pub, bar, club)"
    TRANSPORT_HUB = "transport_hub", "Transport hub (station, bus station)"
    ONLINE = "online", "Online space"
    OTHER = "other", "Other"


class Place(models.Model):
    """One real place. A private address is shown only to those who may see a child linked to it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=PlaceKind.choices, default=PlaceKind.OTHER)
    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["name", "postcode"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return f"{self.name}, {self.postcode}" if self.postcode else self.name

    @property
    def is_private(self) -> bool:
        return self.kind == PlaceKind.PRIVATE_ADDRESS
