"""The details of a child's record beside their sources: which agencies' records say so, and where
they disagree (two dates of birth, two addresses, two spellings).

Reads only, for a child the caller has already fetched through ``selectors.child_get`` (which
authorises and audits the read). An agency's record is its ``PersonRecord``, the row of its extract.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import F, QuerySet

from joinedup.imports.parsers import partial_date_parse

from .identifiers import nhs_number_normalise
from .models import Child, DatePrecision, DetailChange, Ethnicity, Involvement, Sex

# Details an agency's record may give differently from another's, and a practitioner may settle.
SETTLEABLE = (
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "nhs_number",
    "upn",
    "la_child_id",
    "postcode",
)
# Which "Change" page keeps each detail.
CHANGE_PAGES = {
    "given_name": "children:details-names",
    "family_name": "children:details-names",
    "other_names": "children:details-names",
    "date_of_birth": "children:details-date-of-birth",
    "sex": "children:details-sex-ethnicity",
    "ethnicity": "children:details-sex-ethnicity",
    "nhs_number": "children:details-identifiers",
    "upn": "children:details-identifiers",
    "la_child_id": "children:details-identifiers",
    "police_ids": "children:details-identifiers",
    "postcode": "children:address-add",
    "address": "children:address-add",
}
LABELS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "other_names": "Known as and other names",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "ethnicity": "Ethnicity",
    "nhs_number": "NHS number",
    "upn": "Unique pupil number (UPN)",
    "la_child_id": "Local authority child id",
    "police_ids": "Police identifiers",
    "postcode": "Postcode",
    "address": "Current address",
}
_DATE_FORMATS = {DatePrecision.DAY: "%-d %B %Y", DatePrecision.MONTH: "%B %Y", DatePrecision.YEAR: "%Y"}


def _dob_text(value: date | None, precision: str) -> str:
    """A (partial) date of birth as agencies' extracts write it: YYYY-MM-DD, YYYY-MM or YYYY."""
    if value is None:
        return ""
    return {DatePrecision.DAY: value.isoformat(), DatePrecision.MONTH: value.strftime("%Y-%m")}.get(
        DatePrecision(precision), str(value.year)
    )


def _dob_shown(text: str) -> str:
    try:
        value, precision = partial_date_parse(text)
    except ValueError:
        return text
    return value.strftime(_DATE_FORMATS[DatePrecision(precision)])


def _ethnicity_shown(text: str) -> str:
    return str(Ethnicity(text).label) if text in Ethnicity.values else text


def _sex_shown(text: str) -> str:
    return str(Sex(text.upper()).label) if text.upper() in Sex.values else text


def _canonical(name: str, text: str) -> str:
    """A record's value in the form the platform holds it."""
    text = re.sub(r"\s+", " ", (text or "").strip())
    if name == "nhs_number":
        return nhs_number_normalise(text)
    if name in {"upn", "postcode", "sex"}:
        return text.upper()
    if name == "date_of_birth" and text:
        try:
            value, precision = partial_date_parse(text)
        except ValueError:
            return text
        return _dob_text(value, precision)
    return text


def _key(name: str, text: str) -> str:
    """What two values are compared by: a spelling differing only in case or spaces is the same."""
    key = _canonical(name, text).casefold()
    return key.replace(" ", "") if name in {"postcode", "nhs_number", "upn"} else key


_SHOWN: dict[str, Callable[[str], str]] = {
    "date_of_birth": _dob_shown,
    "ethnicity": _ethnicity_shown,
    "sex": _sex_shown,
}
# The extract column each detail is read from, where it differs from the detail's name.
_COLUMN = {"police_ids": "pnc_id"}


@dataclass
class ValueSeen:
    """One value of a detail and the agencies whose records give it."""

    value: str
    shown: str
    agencies: list[str] = field(default_factory=list)


@dataclass
class DetailRow:
    field: str
    label: str
    shown: str
    agencies: list[str]
    platform_source: str
    disagreement: list[ValueSeen]
    differing: list[ValueSeen]
    many: list[ValueSeen]
    change_url: str
    settleable: bool


def _platform_value(child: Child, name: str) -> str:
    if name == "date_of_birth":
        return _dob_text(child.date_of_birth, child.date_of_birth_precision)
    if name == "address":
        current = child.addresses.filter(lived_to__isnull=True, restricted=False).order_by("-lived_from").first()
        return current.address if current else ""
    return str(getattr(child, name) or "")


def _records(child: Child) -> list[tuple[str, dict[str, str]]]:
    return [
        (record.agency.name, record.data or {})
        for record in child.person_records.select_related("agency").order_by("agency__name", "record_id")
    ]


def _values_seen(name: str, records: Iterable[tuple[str, dict[str, str]]]) -> list[ValueSeen]:
    """The distinct values agencies' records give for a detail, each with who gives it."""
    seen: dict[str, ValueSeen] = {}
    shown = _SHOWN.get(name, lambda text: text)
    for agency, data in records:
        raw = str(data.get(_COLUMN.get(name, name)) or "")
        parts = raw.split(";") if name in {"other_names", "police_ids"} else [raw]
        for part in parts:
            value = _canonical(name, part)
            if not value:
                continue
            entry = seen.setdefault(_key(name, value), ValueSeen(value, shown(value)))
            if agency not in entry.agencies:
                entry.agencies.append(agency)
    return list(seen.values())


def _last_changes(child: Child) -> dict[str, DetailChange]:
    latest: dict[str, DetailChange] = {}
    for change in child.detail_changes.select_related("changed_by__agency").order_by("changed_at", "pk"):
        latest[change.field] = change
    return latest


def detail_rows(child: Child) -> list[DetailRow]:
    """The Details section of the record: each detail, which agencies' records say so, and where
    their records disagree."""
    from django.urls import reverse

    records = _records(child)
    changes = _last_changes(child)
    rows = []
    for name, label in LABELS.items():
        seen = _values_seen(name, records)
        held = _platform_value(child, name)
        if name in {"other_names", "police_ids"}:
            # Every agency's known-as names and identifiers belong on the record, not only one.
            by_key = {
                _key(name, part): ValueSeen(part.strip(), part.strip()) for part in held.split(";") if part.strip()
            }
            for entry in seen:
                by_key.setdefault(
                    _key(name, entry.value), ValueSeen(entry.value, entry.shown)
                ).agencies = entry.agencies
            many = list(by_key.values())
            shown, agencies, disagreement, differing = "; ".join(m.value for m in many), [], [], []
        else:
            many = []
            agencies = next((entry.agencies for entry in seen if _key(name, entry.value) == _key(name, held)), [])
            disagreement = seen if len(seen) > 1 else []
            # Agencies agreeing among themselves on a value other than the record's.
            differing = (
                [entry for entry in seen if _key(name, entry.value) != _key(name, held)] if not disagreement else []
            )
            shown = _SHOWN.get(name, lambda text: text)(held) if name != "date_of_birth" else child.date_of_birth_shown
            if name == "ethnicity":
                shown = child.ethnicity_shown
        platform_source = ""
        if held and not agencies and not many:
            change = changes.get("address" if name == "address" else name)
            by = change.changed_by if change else None
            agency = by.agency if by is not None and by.agency is not None else child.owning_agency
            platform_source = f"Recorded on the platform by {agency.name}"
        elif many and any(not m.agencies for m in many):
            platform_source = f"Others recorded on the platform by {child.owning_agency.name}"
        rows.append(
            DetailRow(
                field=name,
                label=label,
                shown=shown or ("Not known" if name in {"date_of_birth", "sex", "postcode"} else "None recorded"),
                agencies=agencies,
                platform_source=platform_source,
                disagreement=disagreement,
                differing=differing,
                many=many,
                change_url=reverse(CHANGE_PAGES[name], kwargs={"child_id": child.pk}),
                settleable=name in SETTLEABLE and bool(disagreement or differing),
            )
        )
    return rows


def detail_options(child: Child, name: str) -> list[tuple[str, str]]:
    """The values one may settle a detail on: what the record holds now and each agency's, as
    (value, words shown)."""
    held = _canonical(name, _platform_value(child, name))
    shown = _SHOWN.get(name, lambda text: text)
    options: dict[str, tuple[str, str]] = {}
    if held:
        options[_key(name, held)] = (held, f"{shown(held)} (on this record now)")
    for entry in _values_seen(name, _records(child)):
        key = _key(name, entry.value)
        if key in options:
            options[key] = (options[key][0], f"{options[key][1][:-1]}; {', '.join(entry.agencies)})")
        else:
            options[key] = (entry.value, f"{entry.shown} ({', '.join(entry.agencies)})")
    return list(options.values())


def detail_history(child: Child) -> QuerySet[DetailChange]:
    """The changes to the details, newest first."""
    return child.detail_changes.select_related("changed_by__agency").order_by("-changed_at", "-pk")


def involvement_history(child: Child) -> QuerySet[Involvement]:
    """Every agency's involvement, open ones first, with who opened and ended it."""
    return child.involvements.select_related("agency", "team", "opened_by", "ended_by").order_by(
        F("ended_at").desc(nulls_first=True), "-started_at"
    )
