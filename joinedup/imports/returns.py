"""The missing returns: the SSDA903 missing table and Ofsted Annex A list 8 (missing columns), as CSV text.

Each covers only the children the user may see, and every child exported is audited.
"""

import csv
import io
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record_children
from joinedup.deadlines import london_date
from joinedup.missing.models import EpisodeKind, InterviewResponse, MissingEpisode

from . import permissions
from .parsers import london_midnight, ssda903_date_format, ssda903_date_parse
from .ssda903 import SSDA903_MISSING_COLUMNS


def _csv_text(header: list[str], rows: Iterable[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def ssda903_missing_export(*, user: User) -> str:
    """The SSDA903 missing table of the looked-after children this user may see, as CSV text.

    Rows ordered by CHILD then MIS_START; each child exported is audited.
    """
    if not permissions.can_export_missing(user):
        raise PermissionDenied
    children = policy.children_visible_to(user).filter(looked_after=True).exclude(la_child_id="")
    episodes = (
        MissingEpisode.objects.filter(child__in=children)
        .select_related("child")
        .order_by("child__la_child_id", "started_at")
    )
    rows = []
    for episode in episodes:
        child = episode.child
        rows.append(
            [
                child.la_child_id,
                ssda903_date_format(child.date_of_birth) if child.date_of_birth else "",
                episode.kind,
                ssda903_date_format(london_date(episode.started_at)),
                ssda903_date_format(london_date(episode.returned_at)) if episode.returned_at else "",
            ]
        )
    rows.sort(key=lambda r: (r[0], ssda903_date_parse(r[3])))
    audit_record_children(
        actor=user,
        kind=AuditKind.CHILD_EXPORTED,
        child_ids=sorted({episode.child_id for episode in episodes}, key=str),
        reason="SSDA903 missing table export",
    )
    return _csv_text(SSDA903_MISSING_COLUMNS, rows)


ANNEX_A_COLUMNS = [
    "Child unique ID",
    "Number of missing episodes in the last 12 months",
    "Number of absent episodes in the last 12 months",
    "Was the child offered a return interview after the last missing episode?",
    "Did the child accept the return interview?",
]


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def annex_a_missing_export(*, user: User, period_end: date | None = None) -> str:
    """Ofsted Annex A list 8, missing columns, for the 12 months to ``period_end`` (England dates).

    One row per looked-after child the user may see. The return interview columns are blank
    when the child had no missing episode in the period.
    """
    if not permissions.can_export_missing(user):
        raise PermissionDenied
    period_end = period_end or timezone.localdate()
    since = london_midnight(_year_before(period_end) + (timedelta(days=1)))
    until = london_midnight(period_end + (timedelta(days=1)))
    looked_after = policy.children_visible_to(user).filter(looked_after=True)
    children = list(looked_after.order_by("la_child_id", "pk"))
    # The children as a subquery, not a list of ids: a county's list would be tens of thousands of parameters.
    episodes = (
        MissingEpisode.objects.filter(child__in=looked_after.values("pk"), started_at__gte=since, started_at__lt=until)
        .select_related("interview")
        .order_by("started_at")
    )
    by_child: dict[Any, list[MissingEpisode]] = {}
    for episode in episodes:
        by_child.setdefault(episode.child_id, []).append(episode)
    rows = []
    for child in children:
        mine = by_child.get(child.pk, [])
        missing = [e for e in mine if e.kind == EpisodeKind.MISSING]
        offered = accepted = ""
        if missing:
            interview = getattr(missing[-1], "interview", None)
            was_offered = interview is not None and (
                interview.offered_at is not None or interview.response != InterviewResponse.NOT_OFFERED
            )
            offered = "Y" if was_offered else "N"
            accepted = "Y" if interview is not None and interview.response == InterviewResponse.ACCEPTED else "N"
        rows.append(
            [
                child.la_child_id or str(child.pk),
                str(len(missing)),
                str(len([e for e in mine if e.kind == EpisodeKind.AWAY])),
                offered,
                accepted,
            ]
        )
    audit_record_children(
        actor=user,
        kind=AuditKind.CHILD_EXPORTED,
        child_ids=[child.pk for child in children],
        reason=f"Annex A list 8 missing columns, 12 months to {period_end.isoformat()}",
    )
    return _csv_text(ANNEX_A_COLUMNS, rows)
