"""Error messages name their field, in the error summary and beside the field (issue 15)."""

import pytest
from django import forms
from django.template.loader import render_to_string

from joinedup.web.forms import named_error


class _Form(forms.Form):
    given_name = forms.CharField(label="Given name")
    date_of_birth = forms.DateField(label="Date of birth")
    grade = forms.ChoiceField(label="Risk grade", choices=[("high", "High"), ("low", "Low")])
    nhs_number = forms.CharField(label="NHS number")
    spoken_to = forms.ChoiceField(label="Was the child spoken to?", choices=[("yes", "Yes"), ("no", "No")])


def test_the_error_summary_names_every_field_that_was_left_empty() -> None:
    form = _Form(data={})
    html = render_to_string("_errors.html", {"form": form})

    assert "This field is required." not in html
    assert "Enter given name" in html
    assert "Enter date of birth" in html
    assert "Select risk grade" in html
    assert "Enter NHS number" in html  # an acronym keeps its capitals
    assert "Answer “Was the child spoken to?”" in html
    assert 'href="#id_date_of_birth"' in html  # each links to its field


def test_a_message_about_a_value_is_prefixed_with_its_field_unless_it_names_it() -> None:
    form = _Form(data={"given_name": "Ada", "date_of_birth": "31/02/2010", "grade": "none", "nhs_number": "1"})

    assert form["date_of_birth"].errors == ["Date of birth: Enter a valid date."]
    assert str(form["grade"].errors[0]).startswith("Risk grade: Select a valid choice.")
    assert form.errors["date_of_birth"] == ["Enter a valid date."]  # the form's own errors are unchanged


@pytest.mark.parametrize(
    ("label", "message", "expected"),
    [
        ("Reason", "Give a reason for the reason.", "Give a reason for the reason."),
        ("", "This field is required.", "This field is required."),
        ("Document", "This field is required.", "Choose a file for document"),
        ("Unique pupil number (UPN)", "Enter a valid unique pupil number", "Enter a valid unique pupil number"),
    ],
)
def test_named_error(label: str, message: str, expected: str) -> None:
    field: forms.Field = forms.FileField() if label == "Document" else forms.CharField()
    assert named_error(field, label, message) == expected


@pytest.mark.django_db
def test_a_real_page_names_its_fields(client, sign_in) -> None:  # type: ignore[no-untyped-def]
    from joinedup.accounts.models import RoleCode
    from joinedup.accounts.tests.factories import UserFactory
    from joinedup.agencies.tests.factories import AgencyFactory

    sign_in(UserFactory.create(agency=AgencyFactory.create(code="OWN"), roles=[RoleCode.COORDINATOR]))
    response = client.post("/training/attendance/", {"attended_on": ""})
    body = response.content.decode()
    assert response.status_code == 200, body[:500]
    assert "This field is required." not in body
    assert "Select course" in body
