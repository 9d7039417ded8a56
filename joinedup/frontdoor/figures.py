"""The oversight dashboard's figures for the front door (registered in ``apps.ready``), section "The front door".

Like every figure, each is one query over the children the viewer may see (``children_in_scope``): its count is
the query's ``count()`` and its list the query's rows. Contacts count in the period they were received; requests
for information in the period they were asked.
"""

from datetime import datetime

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from joinedup import dates
from joinedup.accounts.models import User
from joinedup.children.models import Child
from joinedup.oversight.figures import Column, Figure, Filters, Narrowed, children_in_scope

from .models import Contact, InformationRequest

SECTION = "The front door"


def _contacts(user: User, filters: Filters) -> QuerySet[Contact]:
    return (
        Contact.objects.filter(
            child__in=children_in_scope(user, filters).values("pk"),
            received_at__gte=filters.start_at,
            received_at__lt=filters.end_before,
        )
        .select_related("child", "agency", "level", "referrer_agency")
        .order_by("received_at", "pk")
    )


def _late_condition() -> Q:
    """Decided at or after the end of the day the decision was due, or not decided and that moment has passed."""
    return Q(decided_at__gte=F("decision_due_at")) | Q(decided_at__isnull=True, decision_due_at__lte=timezone.now())


_received = Narrowed(_contacts)
_in_time = Narrowed(_contacts, lambda: Q(decided_at__lt=F("decision_due_at")))
_late = Narrowed(_contacts, _late_condition)
_told = Narrowed(_contacts, lambda: Q(referrer_told_at__isnull=False))


def _requests(user: User, filters: Filters) -> QuerySet[InformationRequest]:
    return (
        InformationRequest.objects.filter(
            child__in=children_in_scope(user, filters).values("pk"),
            asked_at__gte=filters.start_at,
            asked_at__lt=filters.end_before,
        )
        .select_related("child", "to_agency")
        .order_by("asked_at", "pk")
    )


_answered_late = Narrowed(_requests, lambda: Q(answered_at__gte=F("respond_by_at")))


def _when(moment: datetime | None) -> str:
    return dates.when(moment) if moment else ""


def elapsed(start: datetime, end: datetime | None) -> str:
    """The time between two moments in hours and minutes (elapsed time, whatever the clocks did)."""
    if end is None:
        return ""
    minutes = max(0, int((end - start).total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _from(c: Contact) -> str:
    if c.referrer_agency is not None:
        return c.referrer_agency.name
    return c.get_referrer_kind_display()


CONTACT_COLUMNS = (
    Column("Child", lambda c: c.child.full_name),
    Column("Received (UK time)", lambda c: _when(c.received_at)),
    Column("From", _from),
    Column("Decision due by the end of", lambda c: dates.day(c.decision_due)),
    Column("Decided (UK time)", lambda c: _when(c.decided_at) or "Waiting"),
    Column("Time to decision", lambda c: elapsed(c.received_at, c.decided_at)),
    Column("Level of need", lambda c: c.level.name if c.level else ""),
    Column("Route", lambda c: c.get_route_display()),
    Column("Referrer told (UK time)", lambda c: _when(c.referrer_told_at) or "Not yet"),
    Column("Time to the referrer told", lambda c: elapsed(c.received_at, c.referrer_told_at)),
)
REQUEST_COLUMNS = (
    Column("Child", lambda r: r.child.full_name),
    Column("Asked of", lambda r: r.to_agency.name),
    Column("Asked (UK time)", lambda r: _when(r.asked_at)),
    Column("Answer due by the end of", lambda r: dates.day(r.respond_by)),
    Column("Answered (UK time)", lambda r: _when(r.answered_at) or "Not answered"),
)


def _contact_child(c: Contact) -> Child:
    return c.child


def _request_child(r: InformationRequest) -> Child:
    return r.child


FIGURES: tuple[Figure, ...] = (
    Figure(
        "frontdoor-contacts",
        SECTION,
        "Contacts received",
        "contacts",
        _received,
        CONTACT_COLUMNS,
        _contact_child,
        hint="Received in the period, decided or not.",
    ),
    Figure(
        "frontdoor-decided-in-time",
        SECTION,
        "Contacts decided within one working day",
        "contacts",
        _in_time,
        CONTACT_COLUMNS,
        _contact_child,
        hint="Received in the period and decided by the end of the next working day after the day received.",
    ),
    Figure(
        "frontdoor-late",
        SECTION,
        "Contacts decided late, or waiting past the deadline",
        "contacts",
        _late,
        CONTACT_COLUMNS,
        _contact_child,
        hint="Received in the period; decided after the working day, or still waiting when it has passed.",
    ),
    Figure(
        "frontdoor-referrers-told",
        SECTION,
        "Referrers told the outcome",
        "contacts",
        _told,
        CONTACT_COLUMNS,
        _contact_child,
        hint="Received in the period, and the referrer told what happens.",
    ),
    Figure(
        "frontdoor-requests-late",
        SECTION,
        "Requests for information answered late",
        "requests for information",
        _answered_late,
        REQUEST_COLUMNS,
        _request_child,
        hint="Asked in the period and answered after the day the answer was due.",
    ),
)
