"""The sanitised profile's check: it must hold no personal data the platform holds.

Before a sanitised profile is stored as published, its text (the HTML's text and attribute values, and the text
read back from its PDF) is searched for every child's and adult of concern's names, dates of birth, addresses,
full postcodes (a sector such as "WB1 1" is allowed), phone numbers and identifiers (NHS number, UPN, local
authority child id, police ids, the agencies' own record ids and any crime reference) held in the database.

How: every term is loaded once into two sets, and the text is read once.

- **Words**: a term and the text are cut into lower-case words of letters and digits, so "Kay  SMITH," matches
  "kay smith" whatever the punctuation, line breaks or case; a term of N words is a set member, and the text's
  runs of N words are looked up (one lookup per word per length held).
- **Squashed**: an identifier, phone number or postcode is also held with its separators removed ("WB11AB",
  "07700900123"), and runs of up to ``SQUASH_WORDS`` consecutive words of the text are joined and looked up, so
  "077 00 900 123" and "WB1 1AB" are found as well as "07700900123" and "WB11AB".

Names are checked whole: a child's or adult's given and family name together (either order), and each alias of
two words or more. A given name or family name alone is not searched for: "Grace" or "White" would refuse every
profile that said "White: Irish"; the coordinator's analysis is where a lone first name could appear, and the
coordinator is asked (on the form) to name no one. Squashed terms shorter than ``MIN_SQUASHED`` characters are
not searched for (a short local id such as "C12" would match ordinary text); the test suite holds the demo's
ids, all longer.
"""

import contextlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser

from django.apps import apps

WORD = re.compile(r"[a-z0-9]+")
SQUASH_WORDS = 6
MIN_SQUASHED = 6
FULL_POSTCODE = re.compile(r"^([a-z]{1,2}[0-9][a-z0-9]?)\s*([0-9][a-z]{2})$")
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october"]
MONTHS += ["november", "december"]


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def squashed(text: str) -> str:
    return "".join(words(text))


@dataclass
class Terms:
    """What the check looks for: word tuples, and squashed strings, each with the kind of data it is."""

    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)
    squashed: dict[str, str] = field(default_factory=dict)

    def add_phrase(self, text: str, kind: str) -> None:
        found = tuple(words(text))
        if found:
            self.phrases.setdefault(found, kind)

    def add_identifier(self, text: str, kind: str) -> None:
        flat = squashed(text)
        if len(flat) >= MIN_SQUASHED:
            self.squashed.setdefault(flat, kind)
            self.add_phrase(text, kind)

    def add_name(self, given: str, family: str, kind: str) -> None:
        if given.strip() and family.strip():
            self.add_phrase(f"{given} {family}", kind)
            self.add_phrase(f"{family} {given}", kind)
        elif len(words(given or family)) >= 2:
            self.add_phrase(given or family, kind)

    def add_aliases(self, text: str, kind: str) -> None:
        for alias in text.split(";"):
            if len(words(alias)) >= 2:
                self.add_phrase(alias, kind)

    def add_date_of_birth(self, born: date | None, kind: str) -> None:
        if born is None:
            return
        month = MONTHS[born.month - 1]
        day, year = born.day, born.year
        for form in (
            f"{born:%Y-%m-%d}",
            f"{born:%d/%m/%Y}",
            f"{day}/{born.month}/{year}",
            f"{born:%d-%m-%Y}",
            f"{born:%d.%m.%Y}",
            f"{day} {month} {year}",
            f"{day} {month[:3]} {year}",
            f"{born:%d} {month[:3]} {year}",
            f"{month} {day} {year}",
            f"{month[:3]} {day} {year}",
        ):
            self.add_phrase(form, kind)
        self.squashed.setdefault(f"{born:%d%m%Y}", kind)
        self.squashed.setdefault(f"{born:%Y%m%d}", kind)

    def add_address(self, text: str, kind: str) -> None:
        """The whole address, and each part of it holding a number (the house and street: "12 Mill Road")."""
        if not text.strip():
            return
        self.add_phrase(text, kind)
        for part in re.split(r"[,\n]", text):
            found = words(part)
            if len(found) >= 2 and any(word.isdigit() for word in found):
                self.add_phrase(part, kind)

    def add_postcode(self, text: str, kind: str) -> None:
        """A full postcode (not a sector, which the profile may show)."""
        match = FULL_POSTCODE.match(" ".join(words(text)))
        if match:
            self.add_phrase(f"{match.group(1)} {match.group(2)}", kind)
            self.squashed.setdefault(match.group(1) + match.group(2), kind)

    def add_phones(self, text: str, kind: str) -> None:
        for phone in re.split(r"[;,/]", text):
            digits = re.sub(r"\D", "", phone)
            if digits.startswith("44") and len(digits) == 12:
                self.squashed.setdefault("0" + digits[2:], kind)
            if len(digits) >= MIN_SQUASHED:
                self.squashed.setdefault(digits, kind)

    def add_identifiers(self, text: str, kind: str) -> None:
        for identifier in re.split(r"[;,]", text):
            self.add_identifier(identifier, kind)


def _values(model_label: str, *names: str) -> Iterator[tuple[object, ...]]:
    """Rows of the named fields, if the model (and each field) exists: apps added later (victims) are included
    when installed, and none is required."""
    try:
        model = apps.get_model(model_label)
    except LookupError:
        return
    fields = {f.name for f in model._meta.get_fields()}
    if not set(names) <= fields:
        return
    manager = getattr(model, "all_objects", None) or model._default_manager
    yield from manager.values_list(*names).iterator(chunk_size=2000)


def personal_data_terms() -> Terms:
    """Every term the check looks for, read once from the database."""
    terms = Terms()
    child = "a child's"
    for given, family, others, born, nhs, upn, police, la_id, postcode, placement in _values(
        "children.Child",
        "given_name",
        "family_name",
        "other_names",
        "date_of_birth",
        "nhs_number",
        "upn",
        "police_ids",
        "la_child_id",
        "postcode",
        "placement",
    ):
        terms.add_name(str(given), str(family), f"{child} name")
        terms.add_aliases(str(others), f"{child} name")
        terms.add_date_of_birth(born if isinstance(born, date) else None, f"{child} date of birth")
        for identifier in (nhs, upn, la_id):
            terms.add_identifier(str(identifier), f"{child} identifier")
        terms.add_identifiers(str(police), f"{child} police identifier")
        terms.add_postcode(str(postcode), f"{child} postcode")
        terms.add_address(str(placement), f"{child} placement address")
    for address, postcode in _values("children.Address", "address", "postcode"):
        terms.add_address(str(address), f"{child} address")
        terms.add_postcode(str(postcode), f"{child} postcode")
    for name, others, born in _values("concerns.AdultOfConcern", "name", "other_names", "date_of_birth"):
        terms.add_name(str(name), "", "an adult of concern's name")
        terms.add_aliases(str(others), "an adult of concern's name")
        terms.add_date_of_birth(born if isinstance(born, date) else None, "an adult of concern's date of birth")
    for (phones,) in _values("concerns.Concern", "phones"):
        terms.add_phones(str(phones), "a phone number")
    for (phone,) in _values("children.Relative", "phone"):
        terms.add_phones(str(phone), "a phone number")
    for person_type, record_id, data in _values("imports.PersonRecord", "person_type", "record_id", "data"):
        if person_type not in ("child", "adult_of_concern"):
            continue
        whose = f"{child}" if person_type == "child" else "an adult of concern's"
        row = data if isinstance(data, dict) else {}
        terms.add_name(str(row.get("given_name", "")), str(row.get("family_name", "")), f"{whose} name")
        terms.add_aliases(str(row.get("other_names", "")), f"{whose} name")
        born = str(row.get("date_of_birth", ""))
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", born):
            with contextlib.suppress(ValueError):
                terms.add_date_of_birth(date.fromisoformat(born), f"{whose} date of birth")
        for key in ("nhs_number", "upn", "pnc_id", "la_child_id"):
            terms.add_identifiers(str(row.get(key, "")), f"{whose} identifier")
        terms.add_identifier(str(record_id), f"{whose} agency record id")
        terms.add_postcode(str(row.get("postcode", "")), f"{whose} postcode")
        terms.add_address(str(row.get("address", "")), f"{whose} address")
        terms.add_phones(str(row.get("phones", "")), "a phone number")
    # Crime references, where the victims app holds them (issue 12, victim care).
    for model_label in ("victims.Investigation", "victims.Crime"):
        for (reference,) in _values(model_label, "crime_reference"):
            terms.add_identifier(str(reference), "a crime reference")
    return terms


@dataclass(frozen=True)
class Finding:
    kind: str  # "a child's name"...
    where: str  # "the HTML", "the PDF"


def find_personal_data(terms: Terms, text: str, *, where: str) -> list[Finding]:
    """The kinds of personal data found in the text (each kind once), as ``Finding``s that name no one."""
    found_words = words(text)
    lengths = sorted({len(phrase) for phrase in terms.phrases})
    kinds: dict[str, None] = {}
    for start in range(len(found_words)):
        for length in lengths:
            if start + length > len(found_words):
                break
            kind = terms.phrases.get(tuple(found_words[start : start + length]))
            if kind is not None:
                kinds[kind] = None
        joined = ""
        for word in found_words[start : start + SQUASH_WORDS]:
            joined += word
            if len(joined) >= MIN_SQUASHED:
                kind = terms.squashed.get(joined)
                if kind is not None:
                    kinds[kind] = None
    return [Finding(kind, where) for kind in kinds]


class _Text(HTMLParser):
    """The text of an HTML document and the attribute values a reader could see (titles, labels, links); not
    style or drawing coordinates."""

    SEEN_ATTRIBUTES = frozenset({"title", "alt", "aria-label", "href", "content", "value", "data-label"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        self.parts.extend(value for name, value in attrs if value and name in self.SEEN_ATTRIBUTES)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts)


def pdf_text(pdf: bytes) -> str:
    """The text of every page of a PDF (pypdf)."""
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def pdf_page_count(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def sanitised_check(*, html: str, pdf: bytes, terms: Terms | None = None) -> list[Finding]:
    """What personal data the profile's HTML and PDF hold (nothing: it may be published)."""
    terms = terms if terms is not None else personal_data_terms()
    return find_personal_data(terms, html_text(html), where="the HTML") + find_personal_data(
        terms, pdf_text(pdf), where="the PDF"
    )


def describe(findings: Iterable[Finding]) -> str:
    """Why the profile was refused, naming the kinds of data and where, never the data itself."""
    kinds = sorted({finding.kind for finding in findings})
    places = sorted({finding.where for finding in findings})
    return (
        f"Not published: the sanitised profile holds {', '.join(kinds)} (found in {' and '.join(places)}). "
        "Take it out of the coordinator's analysis (or report the fault if it is not there) and generate it again."
    )
