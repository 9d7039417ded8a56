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
    # The name as matching compares it (``places.normalise.name_key``): lower case, no punctuation, no "the",
    # abbreviations written out.
    name_key = models.CharField(max_length=200, blank=True, db_index=True)
    # Set while this place is merged into another; it then appears nowhere and everything points at the other.
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name", "postcode"]
        indexes = [models.Index(fields=["kind", "name"])]

    def __str__(self) -> str:
        return f"{self.name}, {self.postcode}" if self.postcode else self.name

    @property
    def is_private(self) -> bool:
        return self.kind == PlaceKind.PRIVATE_ADDRESS


class PlaceName(models.Model):
    """One way a place has been written, by whom and for which agency: ``the Station Hotel`` (police) and
    ``Station Htl, WB1 1AA`` (children's services) are two rows of one place. Kept for good, and moved with the
    place when two places are merged (and back on undo)."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=200)
    postcode = models.CharField(max_length=10, blank=True)
    address = models.CharField(max_length=300, blank=True)
    name_key = models.CharField(max_length=200, db_index=True, help_text="The name as matching compares it.")
    agency = models.ForeignKey("agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_seen_at = models.DateTimeField(default=timezone.now)
    times_seen = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["place", "first_seen_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["place", "name", "postcode", "address", "agency"], name="place_name_unique_spelling"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CandidateStatus(models.TextChoices):
    OPEN = "open", "Waiting for a decision"
    MERGED = "merged", "Merged: the same place"
    KEPT_APART = "kept_apart", "Not the same place"


class PlaceMatchCandidate(models.Model):
    """Two places that may be one, waiting for the coordinator: a likely but uncertain match found when the
    second was written. ``evidence`` holds what the matcher compared, e.g.
    ``{"name_score": 86.0, "postcode": "same", "address_score": null, "names": ["station hotel", "station htl"]}``.
    ``place_a`` is the place that was there first."""

    place_a = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    place_b = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    evidence = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=CandidateStatus.choices, default=CandidateStatus.OPEN)
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["place_a", "place_b"], name="place_candidate_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.place_a} / {self.place_b} ({self.score:.0f})"


class PlaceMerge(models.Model):
    """A merge of ``merged`` into ``kept``, reversible: ``moved`` holds every pointer that moved, by model and
    field, e.g. ``{"concerns.Concern.place": ["<uuid>", ...], "places.PlaceName.place": [12, 13]}``, so an undo
    moves exactly those back. The merged place is kept (``merged_into`` set) until the undo."""

    kept = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(
        PlaceMatchCandidate, null=True, blank=True, on_delete=models.SET_NULL, related_name="merges"
    )
    moved = models.JSONField(default=dict, blank=True)
    # The fields of the kept place the merge filled in from the merged one (a postcode it lacked), to clear on undo.
    filled = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(default=timezone.now)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.merged} merged into {self.kept}"
