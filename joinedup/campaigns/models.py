"""Awareness campaigns: the partnership's prevention work in an area, planned and delivered.

A school drama performance for Year 9 at Wealdbridge Academy, leaflets written with young people, training
for hotel and taxi staff, a session with a community group: each is a ``Campaign`` with where (a place, a
ward and a postcode sector), when, for whom, how many people it reached, who delivered it and with which
partners, and its materials (``CampaignMaterial``: a leaflet, a poster, a film, a lesson plan). Its reach is
read beside the hotspots (``selectors.reach_beside_risk``).
Nothing in a campaign is about a child.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class CampaignKind(models.TextChoices):
    SCHOOL_DRAMA = "school_drama", "School drama performance"
    CO_PRODUCED_MATERIALS = "co_produced_materials", "Materials co-produced with young people"
    BUSINESS_TRAINING = "business_training", "Training for businesses"
    COMMUNITY_SESSION = "community_session", "Session with a community group"
    OTHER = "other", "Other awareness work"


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"


class Campaign(models.Model):
    """One piece of awareness work. Only delivered work counts towards an area's reach."""

    kind = models.CharField(max_length=32, choices=CampaignKind.choices)
    title = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=CampaignStatus.choices, default=CampaignStatus.PLANNED)
    held_on = models.DateField(help_text="The day it was (or will be) delivered.")
    place = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.PROTECT, related_name="campaigns")
    ward = models.CharField(max_length=100, blank=True)
    # "WB1 1": the area the campaign's reach counts towards (areas.postcode_sector).
    postcode_sector = models.CharField(max_length=8, blank=True, db_index=True)
    audience = models.CharField(max_length=200, help_text="For example Year 9 pupils, hotel and taxi staff.")
    reached = models.PositiveIntegerField(default=0, help_text="How many people took part or were reached.")
    delivered_by = models.CharField(max_length=200)
    partners = models.TextField(blank=True)
    co_produced = models.BooleanField(default=False, help_text="Made with young people.")
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-held_on", "title", "pk"]
        indexes = [models.Index(fields=["status", "held_on"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="planned") | Q(reached=0), name="campaign_planned_reaches_nobody_yet"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MaterialKind(models.TextChoices):
    LEAFLET = "leaflet", "Leaflet"
    POSTER = "poster", "Poster"
    VIDEO = "video", "Video or film"
    LESSON_PLAN = "lesson_plan", "Lesson plan"
    OTHER = "other", "Other"


class CampaignMaterial(models.Model):
    """One material of a campaign: what it is, whether young people made it with the partnership, and a link to it
    or a description of it (at least one)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="material_items")
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=MaterialKind.choices)
    co_produced = models.BooleanField("co-produced with young people", default=False)
    link = models.URLField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(link="") | ~Q(description=""), name="campaign_material_has_a_link_or_description"
            ),
        ]

    def __str__(self) -> str:
        return self.title
