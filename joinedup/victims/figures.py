"""The oversight dashboard's figures for the police's timeliness on missing reports and for the care of child
victims of crime (registered in ``apps.ready``).

Like every figure, each is one query over the children the viewer may see (``children_in_scope``): its count is
the query's ``count()`` and its list the query's rows; figures narrowing one base (``Narrowed``) are counted
together in one query.
"""

import operator
from collections import Counter
from datetime import datetime, timedelta
from functools import reduce
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from joinedup import dates
from joinedup.accounts.models import User
from joinedup.children.models import Child
from joinedup.missing.models import MissingEpisode, RiskGrade
from joinedup.oversight.figures import Column, Figure, Filters, Narrowed, children_in_scope, in_scope

from .models import (
    CrimeOutcome,
    Investigation,
    NeedsAssessment,
    ProsecutionSupport,
    SupportOffer,
    SupportResponse,
    VictimContact,
)

POLICE_SECTION = "Police timeliness"
VICTIMS_SECTION = "Victim care"

# The local standard for the police's first attendance on a missing report, by the episode's risk grade now (a
# report not yet graded is held at medium, as the report itself is). A child at no apparent risk has no standard:
# the police may not deploy. Areas agree their own; these are the partnership's.
ATTENDANCE_STANDARD: dict[str, timedelta] = {
    RiskGrade.HIGH: timedelta(hours=1),
    RiskGrade.MEDIUM: timedelta(hours=4),
    RiskGrade.LOW: timedelta(hours=24),
}
UNGRADED_AS = RiskGrade.MEDIUM
# An open investigation's child should have had a contact within this many days.
VICTIM_CONTACT_DAYS = 28


def _when(moment: datetime | None) -> str:
    return dates.when(moment) if moment else ""


def _duration(minutes: float) -> str:
    whole = int(minutes)
    return f"{whole // 60} h {whole % 60:02d} min"


def median(values: list[float]) -> float | None:
    """The median of the values (the mean of the middle two for an even count); None for none."""
    ordered = sorted(values)
    if not ordered:
        return None
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


# Police timeliness on missing reports ------------------------------------------------------------------------------


def _episodes(user: User, filters: Filters) -> QuerySet[MissingEpisode]:
    """Missing episodes that started in the period, with their risk grade now (``grade_now``, kept from the
    gradings) and the police's first attendance (a join: one attendance an episode)."""
    return (
        MissingEpisode.objects.filter(
            in_scope(user, filters),
            started_at__gte=filters.start_at,
            started_at__lt=filters.end_before,
        )
        .select_related("child", "owning_agency")
        .annotate(first_attended_at=F("police_attendance__attended_at"))
        .order_by("-started_at", "pk")
    )


def _late(within: timedelta, now: datetime, attended: str, reported: str) -> Q:
    """Attended (the field ``attended``) later than ``within`` of the report (``reported``), or not attended though
    reported longer ago than that."""
    return Q(**{f"{attended}__gt": F(reported) + within}) | Q(
        **{f"{attended}__isnull": True, f"{reported}__lt": now - within}
    )


def _attended_late_condition() -> Q:
    """Attended later than the standard for the grade now, or not attended though the report is older than it; an
    episode not graded yet is held to the medium standard. Columns of the episode's own row only."""
    now = timezone.now()
    standards = [*ATTENDANCE_STANDARD.items(), ("", ATTENDANCE_STANDARD[UNGRADED_AS])]
    return reduce(
        operator.or_,
        (Q(grade_now=grade) & _late(within, now, "first_attended_at", "reported_at") for grade, within in standards),
    )


_attended = Narrowed(_episodes, lambda: Q(first_attended_at__isnull=False))
_not_attended = Narrowed(_episodes, lambda: Q(first_attended_at__isnull=True))
_attended_late = Narrowed(_episodes, _attended_late_condition)


def _minutes_to_attend(e: MissingEpisode) -> float | None:
    first: datetime | None = getattr(e, "first_attended_at", None)
    return None if first is None else max(0.0, (first - e.reported_at).total_seconds() / 60)


def _grade_now(e: MissingEpisode) -> str:
    return RiskGrade(e.grade_now).label if e.grade_now else "Not graded"


def _standard(e: MissingEpisode) -> str:
    within = ATTENDANCE_STANDARD.get(e.grade_now or UNGRADED_AS)
    return _duration(within.total_seconds() / 60) if within else "None (no apparent risk)"


def attendance_times(rows: QuerySet[Any]) -> str:
    """The median time from the report to the police's first attendance over the whole list (one query)."""
    minutes = [
        max(0.0, (attended - reported).total_seconds() / 60)
        for reported, attended in rows.values_list("reported_at", "first_attended_at")
        if attended is not None
    ]
    value = median(minutes)
    if value is None:
        return "Median time from the report to the police's first attendance: none attended yet."
    return (
        f"Median time from the report to the police's first attendance: {_duration(value)} ({len(minutes)} attended)."
    )


EPISODE_COLUMNS = (
    Column("Child", lambda e: e.child.full_name),
    Column("Reported", lambda e: _when(e.reported_at)),
    Column("Risk grade now", _grade_now),
    Column("Police first attended", lambda e: _when(e.first_attended_at) or "Not recorded"),
    Column(
        "Report to first attendance",
        lambda e: "" if (m := _minutes_to_attend(e)) is None else _duration(m),
    ),
    Column("Local standard", _standard),
)


# Victim care -------------------------------------------------------------------------------------------------------


def _investigations(user: User, filters: Filters) -> QuerySet[Investigation]:
    """Crimes against children in scope reported in the period, with their first needs assessment and support."""
    offers = SupportOffer.objects.filter(investigation=OuterRef("pk"))
    return (
        Investigation.objects.filter(
            in_scope(user, filters),
            reported_at__gte=filters.start_at,
            reported_at__lt=filters.end_before,
        )
        .select_related("child", "owning_agency")
        .annotate(
            first_assessed_at=Subquery(
                NeedsAssessment.objects.filter(investigation=OuterRef("pk"))
                .order_by("assessed_at", "pk")
                .values("assessed_at")[:1]
            ),
            support_offered=Exists(offers),
            support_accepted=Exists(offers.filter(response=SupportResponse.ACCEPTED)),
        )
        .order_by("-reported_at", "pk")
    )


def _needs_late_condition() -> Q:
    """First assessed after the Victims' Code time (two working days after the report), or not yet though due."""
    return Q(first_assessed_at__gte=F("needs_due_before")) | Q(
        first_assessed_at__isnull=True, needs_due_before__lte=timezone.now()
    )


_assessed = Narrowed(_investigations, lambda: Q(first_assessed_at__isnull=False))
_assessed_late = Narrowed(_investigations, _needs_late_condition)
_offered = Narrowed(_investigations, lambda: Q(support_offered=True))
_accepted = Narrowed(_investigations, lambda: Q(support_accepted=True))
_not_supporting = Narrowed(_investigations, lambda: Q(supports_prosecution=ProsecutionSupport.NO))
_evidence_led = Narrowed(_investigations, lambda: Q(evidence_led=True))
_with_outcome = Narrowed(_investigations, lambda: ~Q(outcome=""))


def outcome_counts(rows: QuerySet[Any]) -> str:
    """The list's investigations by crime outcome code (one query)."""
    counted = Counter(code for code in rows.values_list("outcome", flat=True) if code)
    if not counted:
        return "No outcome recorded yet."
    parts = [f"{CrimeOutcome(code).label}: {n}" for code, n in sorted(counted.items(), key=_code_order)]
    return "By outcome: " + "; ".join(parts) + "."


def _code_order(item: tuple[str, int]) -> tuple[int, str]:
    code = item[0]
    digits = code.rstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return (int(digits), code)


def _no_recent_contact(user: User, filters: Filters) -> QuerySet[Child]:
    """Children with an investigation open now (reported more than 28 days ago) and no contact kept with them about
    it in the last 28 days: whatever they decided about a prosecution."""
    since = timezone.now() - timedelta(days=VICTIM_CONTACT_DAYS)
    recent = VictimContact.objects.filter(investigation=OuterRef("pk"), contacted_at__gte=since)
    waiting = Investigation.objects.filter(child=OuterRef("pk"), outcome="", reported_at__lt=since).exclude(
        Exists(recent)
    )
    return (
        children_in_scope(user, filters)
        .filter(Exists(waiting))
        .annotate(
            last_victim_contact=Subquery(
                VictimContact.objects.filter(investigation__child=OuterRef("pk"))
                .order_by("-contacted_at", "-pk")
                .values("contacted_at")[:1]
            )
        )
        .select_related("owning_agency")
        .order_by(F("last_victim_contact").asc(nulls_first=True), "family_name", "given_name", "pk")
    )


INVESTIGATION_COLUMNS = (
    Column("Child", lambda i: i.child.full_name),
    Column("Crime reference", lambda i: i.crime_reference),
    Column("Offence", lambda i: i.offence),
    Column("Reported", lambda i: _when(i.reported_at)),
    Column("Needs assessed", lambda i: _when(i.first_assessed_at) or "Not yet"),
    Column("Needs assessment due by", lambda i: dates.day(i.needs_due)),
    Column("Support offered", lambda i: "Accepted" if i.support_accepted else "Offered" if i.support_offered else "No"),
    Column("Child supports a prosecution", lambda i: i.get_supports_prosecution_display()),
    Column("Outcome", lambda i: i.get_outcome_display() or "Open"),
    Column("Evidence-led", lambda i: "Yes" if i.evidence_led else ""),
)
CHILD_COLUMNS = (
    Column("Child", lambda c: c.full_name),
    Column("Last contact about an investigation", lambda c: _when(c.last_victim_contact) or "None recorded"),
    Column("Record held by", lambda c: c.owning_agency.name),
)


def _episode_child(e: MissingEpisode) -> Child:
    return e.child


def _investigation_child(i: Investigation) -> Child:
    return i.child


def _itself(c: Child) -> Child:
    return c


FIGURES: tuple[Figure, ...] = (
    Figure(
        "police-attended",
        POLICE_SECTION,
        "Missing reports attended by the police",
        "missing episodes",
        _attended,
        EPISODE_COLUMNS,
        _episode_child,
        hint="Episodes that started in the period; the list shows the time from the report to the first visit.",
        summary=attendance_times,
    ),
    Figure(
        "police-not-attended",
        POLICE_SECTION,
        "Missing reports with no police attendance recorded",
        "missing episodes",
        _not_attended,
        EPISODE_COLUMNS,
        _episode_child,
    ),
    Figure(
        "police-attended-late",
        POLICE_SECTION,
        "Not attended within the local standard",
        "missing episodes",
        _attended_late,
        EPISODE_COLUMNS,
        _episode_child,
        hint="High risk 1 hour, medium (or not graded) 4 hours, low 24 hours from the report; or not attended yet, "
        "though reported longer ago than that.",
        summary=attendance_times,
    ),
    Figure(
        "victims-crimes",
        VICTIMS_SECTION,
        "Crimes against children recorded",
        "investigations",
        Narrowed(_investigations),
        INVESTIGATION_COLUMNS,
        _investigation_child,
        hint="Reported in the period.",
        summary=outcome_counts,
    ),
    Figure(
        "victims-needs-assessed",
        VICTIMS_SECTION,
        "Child victims with a needs assessment",
        "investigations",
        _assessed,
        INVESTIGATION_COLUMNS,
        _investigation_child,
    ),
    Figure(
        "victims-needs-late",
        VICTIMS_SECTION,
        "Needs not assessed within the Victims' Code time",
        "investigations",
        _assessed_late,
        INVESTIGATION_COLUMNS,
        _investigation_child,
        hint="Two working days from the report: assessed later, or not yet though due.",
    ),
    Figure(
        "victims-support-offered",
        VICTIMS_SECTION,
        "Support offered",
        "investigations",
        _offered,
        INVESTIGATION_COLUMNS,
        _investigation_child,
    ),
    Figure(
        "victims-support-accepted",
        VICTIMS_SECTION,
        "Support accepted",
        "investigations",
        _accepted,
        INVESTIGATION_COLUMNS,
        _investigation_child,
    ),
    Figure(
        "victims-no-recent-contact",
        VICTIMS_SECTION,
        f"Children with no contact in {VICTIM_CONTACT_DAYS} days while the investigation is open",
        "children",
        _no_recent_contact,
        CHILD_COLUMNS,
        _itself,
        hint=f"Now, whenever reported (more than {VICTIM_CONTACT_DAYS} days ago), whether or not the child supports "
        "a prosecution.",
    ),
    Figure(
        "victims-not-supporting",
        VICTIMS_SECTION,
        "Child does not support a prosecution",
        "investigations",
        _not_supporting,
        INVESTIGATION_COLUMNS,
        _investigation_child,
        hint="Their care and the contact kept go on.",
    ),
    Figure(
        "victims-outcomes",
        VICTIMS_SECTION,
        "Investigations with an outcome",
        "investigations",
        _with_outcome,
        INVESTIGATION_COLUMNS,
        _investigation_child,
        hint="Of those reported in the period; the list gives the count for each Home Office outcome code.",
        summary=outcome_counts,
    ),
    Figure(
        "victims-evidence-led",
        VICTIMS_SECTION,
        "Prosecutions pursued without the child's evidence (evidence-led)",
        "investigations",
        _evidence_led,
        INVESTIGATION_COLUMNS,
        _investigation_child,
    ),
)
