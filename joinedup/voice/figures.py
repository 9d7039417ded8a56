"""The oversight dashboard's figures for what young people tell their key workers through their speaking-out links
(registered in ``apps.ready``). Young people are counted, never named: the lists behind these figures show when and
what kind, never who or their words, and link to no record (``child_of`` answers None, so no child is read).
"""

from collections import Counter
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.deadlines import CHILD_HELP_WITHIN, LONDON
from joinedup.oversight.figures import Column, Figure, Filters, Narrowed, in_scope

from .models import ChildMessage, Feeling, MessageKind

SECTION = "Young people's voice"


def _messages(user: User, filters: Filters) -> QuerySet[ChildMessage]:
    """Messages from young people in scope received in the period."""
    return ChildMessage.objects.filter(
        in_scope(user, filters), received_at__gte=filters.start_at, received_at__lt=filters.end_before
    ).order_by("-received_at", "pk")


_all = Narrowed(_messages)
_feels = Narrowed(_messages, lambda: Q(kind=MessageKind.FEELS, feeling__isnull=False))
_asked = Narrowed(_messages, lambda: Q(wants_contact=True))
_asked_read_in_a_day = Narrowed(
    _messages, lambda: Q(wants_contact=True, read_at__isnull=False, read_at__lte=F("received_at") + CHILD_HELP_WITHIN)
)


def feeling_counts(rows: QuerySet[Any]) -> str:
    """How the support feels: the count for each answer (one query)."""
    counted = Counter(rows.values_list("feeling", flat=True))
    return "How the support feels: " + "; ".join(
        f"{label}: {counted.get(value, 0)}" for value, label in Feeling.choices
    )


COLUMNS = (
    # The week, not the moment: a time of day could tell a small team whose message it was.
    Column("Week received", lambda m: timezone.localtime(m.received_at, LONDON).strftime("%G, week %V")),
    Column("What", lambda m: m.get_kind_display()),
    Column("Asked for help", lambda m: "Yes" if m.wants_contact else "No"),
    Column("How the support feels", lambda m: m.get_feeling_display() or ""),
    Column("Read", lambda m: "Yes" if m.read_at else "Not yet"),
)


def _nobody(_: ChildMessage) -> None:
    return None


FIGURES: tuple[Figure, ...] = (
    Figure(
        "voice-messages",
        SECTION,
        "Messages from young people",
        "messages",
        _all,
        COLUMNS,
        _nobody,
        hint="Sent through a speaking-out link in the period. Counted, never named.",
        summary=feeling_counts,
    ),
    Figure(
        "voice-feels",
        SECTION,
        "Young people who said how the support feels",
        "messages",
        _feels,
        COLUMNS,
        _nobody,
        hint="The list gives the count for each answer, from really bad to really good.",
        summary=feeling_counts,
    ),
    Figure(
        "voice-asked-for-help",
        SECTION,
        "Asks for help or to be contacted",
        "messages",
        _asked,
        COLUMNS,
        _nobody,
    ),
    Figure(
        "voice-help-read-in-a-day",
        SECTION,
        "Asks for help read within a day",
        "messages",
        _asked_read_in_a_day,
        COLUMNS,
        _nobody,
        hint="Marked read by the key worker within 24 hours of arriving.",
    ),
)
