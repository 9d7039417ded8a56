"""What a problem profile says, assembled from the platform's own figures (reads only; the worker calls it as the
user who generated the profile, so it holds what that user may see).

Children **at risk in the period**: those the user may see who, in the period, went missing (a missing or away
episode started), were the subject of a concern (one that happened in the period, not entered in error), or had
a risk assessment completed with a band other than "no concerns identified".
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from joinedup import dates
from joinedup.accounts.models import User
from joinedup.agencies.models import AgencyKind
from joinedup.assessments.models import Band, RiskAssessment
from joinedup.children.models import Child, Ethnicity, Involvement, Sex
from joinedup.concerns.models import AdultOfConcern, Concern
from joinedup.deadlines import LONDON, london_date
from joinedup.mace.models import Action
from joinedup.missing.models import MissingEpisode
from joinedup.oversight import figures
from joinedup.oversight.figures import Filters

from .mapsvg import hotspot_map_svg
from .models import ProfileVersion
from .suppression import Breakdown, breakdown, is_small, shown

AGE_BANDS = [
    ("Under 10", 0, 9),
    ("10 to 13", 10, 13),
    ("14 to 15", 14, 15),
    ("16 to 17", 16, 17),
    ("18 or over", 18, 200),
]
HOTSPOTS_SHOWN = 15
NETWORKS_SHOWN = 15
ADULTS_SHOWN = 20
TREND_MONTHS = 12
# Places of these kinds are shown by kind and postcode sector only in the sanitised version, never by name.
PRIVATE_PLACES = {"private_address", "other", ""}


@dataclass
class ProfileContent:
    version: str
    start: date
    end: date
    analysis: str
    generated_at: Any
    at_risk: int | str = 0
    breakdowns: list[Breakdown] = field(default_factory=list)
    trend: list[dict[str, Any]] = field(default_factory=list)
    hotspots: list[dict[str, Any]] = field(default_factory=list)
    hotspot_map: str = ""
    networks: list[dict[str, Any]] = field(default_factory=list)
    adults: list[dict[str, Any]] = field(default_factory=list)
    interviews_completed: int | str = 0
    factors: list[tuple[str, str]] = field(default_factory=list)
    goals: list[dict[str, Any]] = field(default_factory=list)
    actions: dict[str, str] = field(default_factory=dict)
    action_rows: list[dict[str, Any]] = field(default_factory=list)
    children_named: list[dict[str, Any]] = field(default_factory=list)
    named_ids: list[UUID] = field(default_factory=list)
    mapping_note: str = ""

    @property
    def restricted(self) -> bool:
        return self.version == ProfileVersion.RESTRICTED


def _at_risk(user: User, filters: Filters) -> QuerySet[Child]:
    start, end = filters.start_at, filters.end_before
    episodes = MissingEpisode.objects.filter(child=OuterRef("pk"), started_at__gte=start, started_at__lt=end)
    concerns = Concern.objects.filter(child=OuterRef("pk"), occurred_at__gte=start, occurred_at__lt=end)
    assessed = RiskAssessment.objects.filter(
        child=OuterRef("pk"), completed_at__gte=start, completed_at__lt=end
    ).exclude(band__in=["", Band.NONE])
    return figures.children_in_scope(user, filters).filter(Exists(episodes) | Exists(concerns) | Exists(assessed))


def _age(born: date | None, on: date) -> int | None:
    if born is None:
        return None
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _breakdowns(children: QuerySet[Child], end: date, *, suppress: bool) -> tuple[int, list[Breakdown]]:
    rows = list(children.values_list("pk", "date_of_birth", "sex", "ethnicity", "looked_after"))
    educated = set(
        Involvement.objects.filter(
            child__in=children.values("pk"), agency__kind=AgencyKind.EDUCATION, ended_at__isnull=True
        ).values_list("child_id", flat=True)
    )
    ages: Counter[str] = Counter()
    for _, born, _, _, _ in rows:
        age = _age(born, end)
        band = "Not known" if age is None else next(label for label, low, high in AGE_BANDS if low <= age <= high)
        ages[band] += 1
    sexes = Counter(str(sex) for _, _, sex, _, _ in rows)
    groups: Counter[str] = Counter()
    for _, _, _, ethnicity, _ in rows:
        if ethnicity in Ethnicity.values and ethnicity not in ("REFU", "NOBT"):
            groups[str(Ethnicity(ethnicity).label).split(":")[0]] += 1
        else:
            groups["Not known or not given"] += 1
    looked_after = Counter("Looked after" if la else "Not looked after" for *_, la in rows)
    education = Counter(
        "An education service works with them" if pk in educated else "None recorded" for pk, *_ in rows
    )
    group_order = sorted({str(label).split(":")[0] for label in Ethnicity.labels if ":" in str(label)})
    return len(rows), [
        breakdown(
            "By age (at the end of the period)",
            [(b, ages[b]) for b, *_ in AGE_BANDS] + [("Not known", ages["Not known"])],
            suppress=suppress,
        ),
        breakdown("By sex", [(str(s.label), sexes[s.value]) for s in Sex], suppress=suppress),
        breakdown(
            "By ethnic group",
            [(g, groups[g]) for g in group_order] + [("Not known or not given", groups["Not known or not given"])],
            suppress=suppress,
        ),
        breakdown(
            "Looked after", [(k, looked_after[k]) for k in ("Looked after", "Not looked after")], suppress=suppress
        ),
        breakdown(
            "Education (the platform holds no school roll: whether an education service works with the child)",
            [(k, education[k]) for k in ("An education service works with them", "None recorded")],
            suppress=suppress,
        ),
    ]


def _months_to(end: date) -> list[date]:
    first = end.replace(day=1)
    months = [first]
    while len(months) < TREND_MONTHS:
        months.insert(0, (months[0] - timedelta(days=1)).replace(day=1))
    return months


def _trend(user: User, end: date, *, suppress: bool) -> list[dict[str, Any]]:
    """Month by month for the 12 months to the period's end: missing episodes, children missing, concerns."""
    months = _months_to(end)
    filters = Filters(start=months[0], end=end)
    children = figures.children_in_scope(user, filters).values("pk")
    episodes = (
        MissingEpisode.objects.filter(
            child__in=children, started_at__gte=filters.start_at, started_at__lt=filters.end_before
        )
        .annotate(month=TruncMonth("started_at", tzinfo=LONDON))
        .values("month")
        .annotate(n=Count("pk"), children=Count("child", distinct=True))
        .order_by()
    )
    concerns = (
        Concern.objects.filter(
            child__in=children, occurred_at__gte=filters.start_at, occurred_at__lt=filters.end_before
        )
        .annotate(month=TruncMonth("occurred_at", tzinfo=LONDON))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )

    def month_of(value: Any) -> date:
        return value.date() if hasattr(value, "date") else value

    by_month = {month_of(row["month"]): row for row in episodes}
    concern_months = {month_of(row["month"]): row["n"] for row in concerns}
    rows = []
    for month in months:
        row = by_month.get(month, {"n": 0, "children": 0})
        rows.append(
            {
                "month": f"{month:%B %Y}",
                "episodes": shown(row["n"], suppress=suppress),
                "children": shown(row["children"], suppress=suppress),
                "concerns": shown(concern_months.get(month, 0), suppress=suppress),
            }
        )
    return rows


def _sector(postcode: str) -> str:
    """A postcode's sector ("WB1 1AB" gives "WB1 1"); what is not a full postcode, as little as can be said."""
    compact = postcode.replace(" ", "").upper()
    if len(compact) >= 5:
        return f"{compact[:-3]} {compact[-3]}"
    return compact[:4]


def _hotspots(user: User, start: date, until: date, *, restricted: bool) -> tuple[list[dict[str, Any]], str]:
    from joinedup.mapping.api import Period, last_refreshed_at
    from joinedup.mapping.selectors import hotspots_for

    if last_refreshed_at() is None or until < start:
        return [], "The mapping has not been refreshed, so no hotspots are shown."
    rows = [
        row
        for row in hotspots_for(user=user, period=Period(start, until), per_page=HOTSPOTS_SHOWN).rows
        if row.get("children")
    ]
    most = max((int(row["children"]) for row in rows), default=1) or 1
    shown_rows = []
    for number, row in enumerate(rows, start=1):
        kind = str(row.get("place_type") or "other")
        lat, lon = row.get("lat"), row.get("lon")
        if not restricted and lat is not None and lon is not None:
            # About a kilometre: enough to see where, not which door.
            lat, lon = round(float(lat), 2), round(float(lon), 2)
        name = str(row.get("place_name") or "")
        if not restricted and (kind in PRIVATE_PLACES or not name):
            name = (
                f"A {kind.replace('_', ' ')} place"
                if kind not in PRIVATE_PLACES
                else "A private address or other place"
            )
        shown_rows.append(
            {
                "number": number,
                "name": name,
                "kind": kind.replace("_", " "),
                "area": str(row.get("place_postcode") or "")
                if restricted
                else _sector(str(row.get("place_postcode") or "")),
                "children": shown(int(row["children"]), suppress=not restricted),
                "change": str(row.get("change", "")),
                "why": "; ".join(row.get("why", [])) if restricted else "",
                "lat": lat,
                "lon": lon,
                "size": int(row["children"]) / most,
            }
        )
    return shown_rows, ""


def _networks(user: User, start: date, until: date, *, restricted: bool) -> list[dict[str, Any]]:
    from joinedup.mapping.api import Period, last_refreshed_at
    from joinedup.mapping.selectors import networks_for

    if last_refreshed_at() is None or until < start:
        return []
    rows = []
    for number, row in enumerate(
        networks_for(user=user, period=Period(start, until), limit=NETWORKS_SHOWN).rows, start=1
    ):
        places = [str(p.get("label", p)) if isinstance(p, dict) else str(p) for p in row.get("places", [])]
        rows.append(
            {
                "number": number,
                "members": shown(int(row.get("members", 0)), suppress=not restricted),
                "children": shown(int(row.get("children", 0)), suppress=not restricted),
                "adults": shown(int(row.get("adults", 0)), suppress=not restricted),
                "places": ", ".join(places) if restricted else "",
            }
        )
    return rows


def _adults(user: User, filters: Filters) -> list[dict[str, Any]]:
    """Adults of concern named in concerns about children in the period, most children first (restricted only)."""
    in_period = Q(
        concerns__occurred_at__gte=filters.start_at,
        concerns__occurred_at__lt=filters.end_before,
        concerns__entered_in_error=False,
        concerns__child__in=figures.children_in_scope(user, filters).values("pk"),
    )
    adults = (
        AdultOfConcern.objects.annotate(
            children=Count("concerns__child", filter=in_period, distinct=True),
            concerns_n=Count("concerns", filter=in_period, distinct=True),
        )
        .filter(children__gt=0)
        .order_by("-children", "name")[:ADULTS_SHOWN]
    )
    return [
        {"name": a.name, "other_names": a.other_names, "children": a.children, "concerns": a.concerns_n} for a in adults
    ]


def _number(value: Decimal) -> str:
    """85.0 as "85", 72.5 as "72.5"."""
    return str(int(value)) if value == value.to_integral_value() else str(value)


def _goals(user: User, filters: Filters, *, suppress: bool) -> list[dict[str, Any]]:
    rows = []
    for goal in figures.goals_in_force():
        reading = figures.goal_reading(goal, user=user, filters=filters)
        trend = figures.goal_trend(goal, user=user, months=6, today=filters.end)

        def value_of(r: figures.GoalReading) -> str:
            if r.value is None:
                return "nothing to measure"
            if suppress and (is_small(r.denominator or 0) if r.denominator is not None else is_small(r.numerator)):
                return "too few to show" if r.denominator is not None else shown(r.numerator, suppress=True)
            return f"{r.value}%" if r.denominator is not None else str(r.value)

        met = {True: "met", False: "not met", None: "not measured"}
        rows.append(
            {
                "title": goal.title,
                "target": f"{'at least' if goal.direction == 'at_least' else 'at most'} {_number(goal.target)}"
                + ("%" if goal.denominator else ""),
                "owner": goal.owner_agency.name if goal.owner_agency_id else "",
                "value": value_of(reading),
                "met": met[reading.met] if value_of(reading) not in ("too few to show",) else "not shown",
                "trend": [(r.label, value_of(r)) for r in trend],
            }
        )
    return rows


def _actions(
    user: User, filters: Filters, *, restricted: bool
) -> tuple[dict[str, str], list[dict[str, Any]], list[Child]]:
    """MACE actions agreed in the period: counts of their progress; the restricted version lists them."""
    actions = Action.objects.filter(
        meeting__held_at__gte=filters.start_at, meeting__held_at__lt=filters.end_before
    ).select_related("owner__agency", "agenda_item__child", "meeting")
    visible = figures.children_in_scope(user, filters)
    actions = actions.filter(Q(agenda_item__child__isnull=True) | Q(agenda_item__child__in=visible.values("pk")))
    today = london_date(timezone.now())
    counted = actions.aggregate(
        agreed=Count("pk"),
        done=Count("pk", filter=Q(done_at__isnull=False)),
        overdue=Count("pk", filter=Q(done_at__isnull=True, due_on__lt=today)),
    )
    open_in_time = counted["agreed"] - counted["done"] - counted["overdue"]
    summary = {
        "Agreed": shown(counted["agreed"], suppress=not restricted),
        "Done": shown(counted["done"], suppress=not restricted),
        "Open, not yet due": shown(open_in_time, suppress=not restricted),
        "Open and past their date": shown(counted["overdue"], suppress=not restricted),
    }
    rows: list[dict[str, Any]] = []
    named: list[Child] = []
    if restricted:
        for action in actions.order_by("due_on", "pk"):
            child = action.agenda_item.child if action.agenda_item_id and action.agenda_item else None
            if child is not None:
                named.append(child)
            rows.append(
                {
                    "description": action.description,
                    "about": child.full_name if child else "The meeting as a whole",
                    "owner": action.owner.get_full_name() or action.owner.username,
                    "due": dates.day(action.due_on),
                    "progress": "Done" if action.done_at else ("Past its date" if action.due_on < today else "Open"),
                }
            )
    return summary, rows, named


def _children_named(children: QuerySet[Child], end: date) -> tuple[list[dict[str, Any]], list[Child]]:
    """The restricted version's list: the children at risk whose latest completed assessment is high."""
    latest = RiskAssessment.objects.filter(child=OuterRef("pk"), completed_at__isnull=False).order_by("-completed_at")
    high = (
        children.annotate(latest_band=Subquery(latest.values("band")[:1]))
        .filter(latest_band=Band.HIGH)
        .order_by("family_name", "given_name", "pk")
    )
    rows: list[dict[str, Any]] = []
    named: list[Child] = []
    for child in high:
        named.append(child)
        rows.append(
            {
                "name": child.full_name,
                "age": _age(child.date_of_birth, end),
                "sex": child.get_sex_display(),
                "looked_after": "Yes" if child.looked_after else "No",
            }
        )
    return rows, named


def profile_content(*, user: User, start: date, end: date, version: str, analysis: str) -> ProfileContent:
    """Everything the profile shows, for the period, as ``user`` may see it; the sanitised version suppressed."""
    restricted = version == ProfileVersion.RESTRICTED
    suppress = not restricted
    filters = Filters(start=start, end=end)
    until = min(end, london_date(timezone.now()))
    content = ProfileContent(
        version=version,
        start=start,
        end=end,
        analysis=analysis,
        generated_at=timezone.localtime(timezone.now(), LONDON),
    )
    at_risk = _at_risk(user, filters)
    total, content.breakdowns = _breakdowns(at_risk, end, suppress=suppress)
    content.at_risk = shown(total, suppress=suppress)
    content.trend = _trend(user, end, suppress=suppress)
    content.hotspots, content.mapping_note = _hotspots(user, start, until, restricted=restricted)
    content.hotspot_map = hotspot_map_svg(content.hotspots, title="Hotspots in the period, numbered as in the table")
    content.networks = _networks(user, start, until, restricted=restricted)
    interviews, factors = figures.factors_told(user=user, filters=filters)
    content.interviews_completed = shown(interviews, suppress=suppress)
    content.factors = [(label, shown(n, suppress=suppress)) for label, n in factors if n]
    content.goals = _goals(user, filters, suppress=suppress)
    content.actions, content.action_rows, named = _actions(user, filters, restricted=restricted)
    if restricted:
        content.adults = _adults(user, filters)
        content.children_named, high = _children_named(at_risk, end)
        content.named_ids = list(dict.fromkeys(child.pk for child in [*high, *named]))
    return content
