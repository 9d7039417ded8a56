"""The sanitised profile of the demo borough holds none of the personal data the platform holds: every child's and
adult of concern's name, date of birth, address, postcode, phone number and identifier is looked for, field by
field, in its HTML and in the text of its PDF, by plain substring search (not the check's own matcher)."""

import re
from collections.abc import Iterator

import pytest

from joinedup.children.models import Address, Child, Relative
from joinedup.concerns.models import AdultOfConcern, Concern
from joinedup.demo.generator import demo_area_generate
from joinedup.imports.models import PersonRecord
from joinedup.profiles.check import html_text, pdf_page_count, pdf_text
from joinedup.profiles.models import ProblemProfile, ProfileStatus

pytestmark = pytest.mark.django_db


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).lower()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _dates(born) -> list[str]:
    return [f"{born:%Y-%m-%d}", f"{born:%d/%m/%Y}", f"{born.day} {born:%B %Y}", f"{born.day} {born:%b %Y}"]


def _personal_data() -> Iterator[tuple[str, str]]:
    """(what it is, the text) for every item of personal data the demo holds about children and adults of concern."""
    for child in Child.objects.all():
        yield "child's name", f"{child.given_name} {child.family_name}"
        for alias in child.other_names.split(";"):
            if len(alias.split()) >= 2:
                yield "child's alias", alias.strip()
        if child.date_of_birth:
            for text in _dates(child.date_of_birth):
                yield "child's date of birth", text
        for identifier in (child.nhs_number, child.upn, child.la_child_id, *child.police_ids.split(";")):
            if identifier.strip():
                yield "child's identifier", identifier.strip()
        if child.postcode:
            yield "child's postcode", child.postcode
    for address in Address.objects.all():
        yield "address", address.address.split(",")[0]
        if address.postcode:
            yield "postcode", address.postcode
    for relative in Relative.objects.exclude(phone=""):
        yield "phone", relative.phone
    for concern in Concern.objects.exclude(phones=""):
        for phone in concern.phones.split(";"):
            yield "phone", phone.strip()
    for adult in AdultOfConcern.objects.all():
        yield "adult's name", adult.name
        if adult.date_of_birth:
            for text in _dates(adult.date_of_birth):
                yield "adult's date of birth", text
    for record in PersonRecord.objects.filter(person_type__in=["child", "adult_of_concern"]):
        data = record.data
        if data.get("given_name") and data.get("family_name"):
            yield "record's name", f"{data['given_name']} {data['family_name']}"
        for key in ("date_of_birth", "nhs_number", "upn", "pnc_id", "la_child_id", "postcode", "phones"):
            for value in str(data.get(key, "")).split(";"):
                if len(value.strip()) >= 6:
                    yield f"record's {key}", value.strip()
        if data.get("address"):
            yield "record's address", str(data["address"]).split(",")[0]
        yield "record id", record.record_id


def test_the_demo_s_sanitised_profile_holds_no_personal_data_and_its_restricted_one_names_children():
    demo_area_generate(children=60, extracts=True)
    sanitised = ProblemProfile.objects.get(version="sanitised")
    restricted = ProblemProfile.objects.get(version="restricted")
    assert sanitised.status == restricted.status == ProfileStatus.PUBLISHED, sanitised.failure
    pdf = bytes(sanitised.pdf)
    assert pdf_page_count(pdf) > 0
    texts = {"HTML": _flat(html_text(sanitised.html)), "raw HTML": _flat(sanitised.html), "PDF": _flat(pdf_text(pdf))}
    digit_texts = {where: _digits(text) for where, text in texts.items() if where != "raw HTML"}
    items = list(_personal_data())
    assert len(items) > 300, "the demo should hold plenty of personal data to look for"
    leaks = []
    for what, value in items:
        needle = _flat(value)
        for where, text in texts.items():
            if needle in text:
                leaks.append((what, where))
        # A phone number or NHS number with its spaces moved still counts.
        if what in ("phone", "record's phones") or (what.endswith("identifier") and value.isdigit()):
            for where, text in digit_texts.items():
                if len(_digits(value)) >= 10 and _digits(value) in text:
                    leaks.append((what, where))
    assert leaks == []
    # Hotspots are shown by postcode sector: the sector of a place is there, its full postcode is not.
    assert re.search(r"\bwb\d \d\b", texts["HTML"])
    # The search above can find what it looks for: the restricted version names children and adults of concern.
    named = [
        value
        for what, value in items
        if what in ("child's name", "adult's name") and _flat(value) in _flat(restricted.html)
    ]
    assert named
