"""The oversight dashboard's figures for strategy discussions, section 47 enquiries and NRM referrals (registered
in ``apps.ready``), section "Strategy discussions and the NRM".

Like every figure, each is one query over the children the viewer may see (``in_scope``): its count is the query's
``count()`` and its list the query's rows. Discussions count in the period they were held, enquiries in the period
they started, referrals in the period they were made.
"""

from datetime import date, datetime

from django.db.models import F, Q, QuerySet

from joinedup import dates
from joinedup.accounts.models import User
from joinedup.children.models import Child
from joinedup.oversight.figures import Column, Figure, Filters, Narrowed, in_scope

from .models import NRMReferral, Section47Enquiry, StrategyDiscussion

SECTION = "Strategy discussions and the NRM"


def _discussions(user: User, filters: Filters) -> QuerySet[StrategyDiscussion]:
    return (
        StrategyDiscussion.objects.filter(
            in_scope(user, filters), held_at__gte=filters.start_at, held_at__lt=filters.end_before
        )
        .select_related("child", "agency")
        .order_by("held_at", "pk")
    )


def _enquiries(user: User, filters: Filters) -> QuerySet[Section47Enquiry]:
    return (
        Section47Enquiry.objects.filter(
            in_scope(user, filters), started_on__gte=filters.start, started_on__lte=filters.end
        )
        .select_related("child")
        .order_by("started_on", "pk")
    )


def _referrals(user: User, filters: Filters) -> QuerySet[NRMReferral]:
    return (
        NRMReferral.objects.filter(
            in_scope(user, filters), referred_on__gte=filters.start, referred_on__lte=filters.end
        )
        .select_related("child", "first_responder")
        .order_by("referred_on", "pk")
    )


def _when(moment: datetime | None) -> str:
    return dates.when(moment) if moment else ""


def _day(value: date | None) -> str:
    return dates.day(value) if value else ""


DISCUSSION_COLUMNS = (
    Column("Child", lambda d: d.child.full_name),
    Column("Held (UK time)", lambda d: _when(d.held_at)),
    Column("Recorded by", lambda d: d.agency.name),
    Column("Decision", lambda d: d.get_decision_display()),
    Column("Proposed for MACE", lambda d: "Yes" if d.mace_proposed_at else "No"),
)
ENQUIRY_COLUMNS = (
    Column("Child", lambda e: e.child.full_name),
    Column("Started", lambda e: _day(e.started_on)),
    Column("Joint with police", lambda e: "Yes" if e.joint_with_police else "No"),
    Column("Conference due by", lambda e: _day(e.conference_due)),
    Column("Outcome", lambda e: e.get_outcome_display() or "Not yet"),
    Column("Conference", lambda e: _day(e.conference_on)),
)
REFERRAL_COLUMNS = (
    Column("Child", lambda r: r.child.full_name),
    Column("Referred", lambda r: _day(r.referred_on)),
    Column("First responder", lambda r: r.first_responder.name),
    Column("Exploitation", lambda r: r.get_exploitation_type_display()),
    Column("Reasonable grounds", lambda r: r.get_reasonable_grounds_display() or "Waiting"),
    Column("Conclusive grounds", lambda r: r.get_conclusive_grounds_display() or ""),
)


def _child(row: StrategyDiscussion | Section47Enquiry | NRMReferral) -> Child:
    return row.child


FIGURES: tuple[Figure, ...] = (
    Figure(
        "strategy-discussions",
        SECTION,
        "Strategy discussions held",
        "strategy discussions",
        Narrowed(_discussions),
        DISCUSSION_COLUMNS,
        _child,
        hint="Held in the period, whatever they decided.",
    ),
    Figure(
        "strategy-section47-started",
        SECTION,
        "Section 47 enquiries started",
        "section 47 enquiries",
        Narrowed(_enquiries),
        ENQUIRY_COLUMNS,
        _child,
        hint="Started by a strategy discussion in the period, single agency or joint with police.",
    ),
    Figure(
        "strategy-conference-in-time",
        SECTION,
        "Initial child protection conferences within 15 working days",
        "section 47 enquiries",
        Narrowed(_enquiries, lambda: Q(conference_on__isnull=False, conference_on__lte=F("conference_due"))),
        ENQUIRY_COLUMNS,
        _child,
        hint="Enquiries started in the period whose conference was held within 15 working days of the strategy "
        "discussion.",
    ),
    Figure(
        "strategy-nrm-awaiting-reasonable-grounds",
        SECTION,
        "NRM referrals awaiting a reasonable grounds decision",
        "NRM referrals",
        Narrowed(_referrals, lambda: Q(reasonable_grounds="")),
        REFERRAL_COLUMNS,
        _child,
        hint="Referred in the period, no reasonable grounds decision recorded yet.",
    ),
)
