"""Writes about campaigns: each checks the policy, writes and records the audit event in one transaction."""

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.places.models import Place

from .areas import postcode_sector
from .models import Campaign, CampaignKind, CampaignMaterial, CampaignStatus, MaterialKind

MAX_REACHED = 100_000


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _checked(
    *,
    title: str,
    kind: str,
    status: str,
    held_on: date,
    place: Place | None,
    ward: str,
    sector: str,
    reached: int,
    audience: str,
    delivered_by: str,
) -> dict[str, Any]:
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = "Enter the campaign's title."
    if kind not in CampaignKind.values:
        errors["kind"] = "Choose the kind of awareness work."
    if status not in CampaignStatus.values:
        errors["status"] = "Choose whether it is planned, delivered or cancelled."
    if place is not None and place.is_private:
        errors["place"] = "A private address cannot be where a campaign was held; give the ward or postcode."
    found = postcode_sector(sector) or (postcode_sector(place.postcode) if place is not None else "")
    if sector.strip() and not postcode_sector(sector):
        errors["postcode_sector"] = "Enter a postcode or postcode sector, like WB1 1AA or WB1 1."
    elif not found and not ward.strip():
        errors["postcode_sector"] = "Enter the postcode sector, or the ward, where it was held."
    if not 0 <= reached <= MAX_REACHED:
        errors["reached"] = f"Enter a number of people from 0 to {MAX_REACHED:,}."
    if status == CampaignStatus.PLANNED and reached:
        errors["reached"] = "A planned campaign has reached nobody yet: record how many once it is delivered."
    if status == CampaignStatus.DELIVERED and held_on > timezone.localdate():
        errors["held_on"] = "A delivered campaign's date must be today or in the past."
    if not audience.strip():
        errors["audience"] = "Enter who it was for."
    if not delivered_by.strip():
        errors["delivered_by"] = "Enter who delivered it."
    if errors:
        raise ValidationError(errors)
    return {"postcode_sector": found, "ward": ward.strip(), "title": title.strip()}


def campaign_record(
    *,
    user: User,
    kind: str,
    title: str,
    held_on: date,
    audience: str,
    delivered_by: str,
    status: str = CampaignStatus.DELIVERED,
    place: Place | None = None,
    ward: str = "",
    postcode_sector: str = "",
    reached: int = 0,
    partners: str = "",
    co_produced: bool = False,
    notes: str = "",
) -> Campaign:
    """The coordinator records a campaign, planned or delivered. The postcode sector comes from the place's
    postcode when none is given."""
    _require(policy.can_manage_campaigns(user))
    clean = _checked(
        title=title,
        kind=kind,
        status=status,
        held_on=held_on,
        place=place,
        ward=ward,
        sector=postcode_sector,
        reached=reached,
        audience=audience,
        delivered_by=delivered_by,
    )
    with transaction.atomic():
        campaign = Campaign.objects.create(
            kind=kind,
            status=status,
            held_on=held_on,
            place=place,
            reached=reached,
            audience=audience.strip(),
            delivered_by=delivered_by.strip(),
            partners=partners.strip(),
            co_produced=co_produced,
            notes=notes.strip(),
            created_by=user,
            **clean,
        )
        audit_record(
            actor=user,
            kind=AuditKind.CAMPAIGN_RECORDED,
            object_type="campaign",
            object_id=str(campaign.pk),
            payload={"kind": kind, "status": status, "sector": campaign.postcode_sector, "reached": reached},
        )
    return campaign


def campaign_change(*, user: User, campaign: Campaign, **fields: Any) -> Campaign:
    """Change a campaign: typically a planned one, once delivered, with how many it reached."""
    _require(policy.can_manage_campaigns(user))
    names = [
        "kind",
        "title",
        "status",
        "held_on",
        "place",
        "ward",
        "postcode_sector",
        "reached",
        "audience",
        "delivered_by",
        "partners",
        "co_produced",
        "notes",
    ]
    values = {name: fields.get(name, getattr(campaign, name)) for name in names}
    clean = _checked(
        title=values["title"],
        kind=values["kind"],
        status=values["status"],
        held_on=values["held_on"],
        place=values["place"],
        ward=values["ward"],
        sector=values["postcode_sector"],
        reached=values["reached"],
        audience=values["audience"],
        delivered_by=values["delivered_by"],
    )
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        before = {"status": locked.status, "reached": locked.reached, "sector": locked.postcode_sector}
        for name in names:
            value = values[name]
            setattr(locked, name, value.strip() if isinstance(value, str) else value)
        for name, value in clean.items():
            setattr(locked, name, value)
        locked.changed_at = timezone.now()
        locked.save()
        audit_record(
            actor=user,
            kind=AuditKind.CAMPAIGN_CHANGED,
            object_type="campaign",
            object_id=str(locked.pk),
            payload={
                "before": before,
                "after": {"status": locked.status, "reached": locked.reached, "sector": locked.postcode_sector},
            },
        )
    return locked


def campaign_material_add(
    *,
    user: User,
    campaign: Campaign,
    title: str,
    kind: str,
    co_produced: bool = False,
    link: str = "",
    description: str = "",
) -> CampaignMaterial:
    """Add a material to the campaign's list: a leaflet, a poster, a film, a lesson plan; whether young people made
    it with the partnership; a link to it or a description of it (at least one)."""
    _require(policy.can_manage_campaigns(user))
    errors: dict[str, str] = {}
    title, link, description = title.strip(), link.strip(), description.strip()
    if not title:
        errors["title"] = "Enter the material's title."
    if kind not in MaterialKind.values:
        errors["kind"] = "Choose what kind of material it is."
    if link and not link.lower().startswith(("https://", "http://")):
        errors["link"] = "Enter a web address starting with https://, or leave it empty and describe the material."
    if not link and not description:
        errors["description"] = "Enter a link to the material or describe it."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        material = CampaignMaterial.objects.create(
            campaign=campaign,
            title=title[:200],
            kind=kind,
            co_produced=co_produced,
            link=link[:500],
            description=description,
            added_by=user,
        )
        audit_record(
            actor=user,
            kind=AuditKind.CAMPAIGN_CHANGED,
            object_type="campaign",
            object_id=str(campaign.pk),
            payload={"material_added": material.pk, "kind": kind, "co_produced": co_produced},
        )
    return material


def campaign_material_remove(*, user: User, material: CampaignMaterial) -> None:
    """Take a material off the campaign's list (added in error, or no longer used)."""
    _require(policy.can_manage_campaigns(user))
    with transaction.atomic():
        campaign_id, material_id = material.campaign_id, material.pk
        material.delete()
        audit_record(
            actor=user,
            kind=AuditKind.CAMPAIGN_CHANGED,
            object_type="campaign",
            object_id=str(campaign_id),
            payload={"material_removed": material_id},
        )
