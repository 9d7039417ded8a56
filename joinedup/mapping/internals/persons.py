"""The one place that asks record linkage who is who.

Linkage (``joinedup.linkage``) may not be installed: then every person record is a person of its own.
"""

from django.apps import apps


def person_ids() -> dict[tuple[str, str], str]:
    """For each PersonRecord, keyed (agency_code, record_id), the id of the person it records."""
    if apps.is_installed("joinedup.linkage"):
        try:
            from joinedup.linkage.api import person_ids as linked_person_ids
        except ImportError:
            pass
        else:
            return linked_person_ids()
    from joinedup.imports.models import PersonRecord

    return {
        (code, record_id): f"{code}:{record_id}"
        for code, record_id in PersonRecord.objects.values_list("agency__code", "record_id")
    }
