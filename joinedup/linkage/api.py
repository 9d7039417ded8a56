"""The public face of record linkage: what other apps (mapping, find-before-you-create) call.

Everything else in the app, and everything under ``internals``, may change without notice.
"""

from collections.abc import Callable

from .models import LinkRun, PersonLink
from .search import search_keys_rebuild, search_keys_refresh
from .services import linkage_run

__all__ = ["LinkRun", "link_records", "person_ids", "search_keys_rebuild", "search_keys_refresh"]


def person_ids() -> dict[tuple[str, str], str]:
    """For every imported PersonRecord, keyed (agency_code, record_id), its person id: the same id for
    records linked as one person; an unlinked record gets its own id."""
    from joinedup.imports.models import PersonRecord

    linked = {
        (code, record_id): str(person_id)
        for code, record_id, person_id in PersonLink.objects.values_list(
            "person_record__agency__code", "person_record__record_id", "person_id"
        )
    }
    ids: dict[tuple[str, str], str] = {}
    for pk, code, record_id in PersonRecord.objects.values_list("pk", "agency__code", "record_id"):
        ids[(code, record_id)] = linked.get((code, record_id)) or f"record-{pk}"
    return ids


def link_records(*, progress: Callable[[int, int], None] | None = None) -> LinkRun:
    """Link every imported person record (see ``internals.run``); ``progress(done, total)`` reports steps."""
    return linkage_run(user=None, progress=progress)
