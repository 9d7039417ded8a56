"""Resolving the place text of rows written before places were records. Run by ``manage.py places_resolve`` and
by the demo; each row is resolved as its own app now does when it is written, by the platform (no actor), with the
spelling credited to the agency that owns the row."""

from django.db import transaction

from .models import PlaceKind
from .services import place_resolve, place_resolve_text


def places_backfill() -> dict[str, int]:
    from joinedup.concerns.models import Concern
    from joinedup.imports.models import EventRecord
    from joinedup.missing.models import MissingEpisode

    counts = {"concerns": 0, "missing episodes": 0, "extract events": 0}
    concerns = Concern.with_entered_in_error.filter(place__isnull=True).exclude(place_name="", place_postcode="")
    for concern in concerns.select_related("owning_agency").iterator():
        with transaction.atomic():
            concern.place = place_resolve(
                actor=None, agency=concern.owning_agency, name=concern.place_name, postcode=concern.place_postcode
            )
            concern.save(update_fields=["place"])
        counts["concerns"] += 1
    episodes = MissingEpisode.objects.select_related("owning_agency")
    for episode in episodes.iterator():
        changed = []
        with transaction.atomic():
            for text, field in (
                (episode.last_seen_place, "last_seen_place_ref"),
                (episode.found_place, "found_place_ref"),
            ):
                if text and getattr(episode, f"{field}_id") is None:
                    setattr(episode, field, place_resolve_text(actor=None, text=text, agency=episode.owning_agency))
                    changed.append(field)
            if changed:
                episode.save(update_fields=changed)
        counts["missing episodes"] += bool(changed)
    events = EventRecord.objects.filter(place__isnull=True).select_related("agency")
    for event in events.iterator():
        row = event.data
        name, postcode = row.get("place_name", "") or "", row.get("place_postcode", "") or ""
        if not (name or postcode):
            continue
        kind = (row.get("place_type", "") or "").lower()
        with transaction.atomic():
            event.place = place_resolve(
                actor=None,
                agency=event.agency,
                name=name,
                postcode=postcode,
                address=row.get("place_address", "") or "",
                kind=kind if kind in PlaceKind.values else "",
            )
            event.save(update_fields=["place"])
        counts["extract events"] += 1
    return counts
