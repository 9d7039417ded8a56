from typing import Any

from django import forms
from django.db.models import QuerySet

from joinedup.agencies.models import Agency
from joinedup.children.models import Sex
from joinedup.web.forms import FormulaRefusingForm

from .models import Awareness, Consent, ReferrerKind, Route, ThresholdLevel, ToldHow

TEXTAREA = {"class": "govuk-textarea", "rows": 4}
TEXT = {"class": "govuk-input"}
SELECT = {"class": "govuk-select"}
DATE = {"class": "govuk-input govuk-input--width-10", "type": "date"}


class FindChildForm(FormulaRefusingForm):
    """Find before you create: the child's details as the caller gives them."""

    given_name = forms.CharField(label="First name", max_length=100, widget=forms.TextInput(attrs=TEXT))
    family_name = forms.CharField(label="Last name", max_length=100, widget=forms.TextInput(attrs=TEXT))
    date_of_birth = forms.DateField(
        label="Date of birth", required=False, help_text="If known.", widget=forms.DateInput(attrs=DATE)
    )
    postcode = forms.CharField(
        max_length=10, required=False, widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"})
    )
    sex = forms.ChoiceField(choices=Sex.choices, initial=Sex.UNKNOWN, required=False, widget=forms.Select(attrs=SELECT))
    none_of_these = forms.BooleanField(label="None of the children listed is this child", required=False)


class ContactForm(FormulaRefusingForm):
    worries = forms.CharField(
        label="What you are worried about",
        help_text="What has happened, what the child said, and how it affects them. Use the threshold's descriptors "
        "on this page. Describe what adults did to the child, not what the child 'chose'.",
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 8}),
    )
    child_aware = forms.ChoiceField(
        label="Does the child know about this contact?", choices=Awareness.choices, widget=forms.Select(attrs=SELECT)
    )
    family_aware = forms.ChoiceField(
        label="Does the family know about this contact?", choices=Awareness.choices, widget=forms.Select(attrs=SELECT)
    )
    consent = forms.ChoiceField(
        label="The family's consent to the referral", choices=Consent.choices, widget=forms.Select(attrs=SELECT)
    )
    consent_reason = forms.CharField(
        label="Why consent was not sought, or what the family said",
        required=False,
        help_text="Needed when seeking consent would put the child at risk of harm.",
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
    )
    referrer_kind = forms.ChoiceField(
        label="Who made the contact", choices=ReferrerKind.choices, widget=forms.Select(attrs=SELECT)
    )
    referrer_name = forms.CharField(
        label="Referrer's name", max_length=200, required=False, widget=forms.TextInput(attrs=TEXT)
    )
    referrer_role = forms.CharField(
        label="Referrer's role, or relationship to the child",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )
    referrer_agency = forms.ModelChoiceField(
        label="Referrer's agency",
        queryset=Agency.objects.order_by("name"),
        required=False,
        help_text="For a professional.",
        widget=forms.Select(attrs=SELECT),
    )
    referrer_contact = forms.CharField(
        label="How to reach the referrer",
        max_length=300,
        required=False,
        help_text="A phone number or secure email address, to tell them the outcome.",
        widget=forms.TextInput(attrs=TEXT),
    )


class InformationRequestForm(FormulaRefusingForm):
    to_agency = forms.ModelChoiceField(
        label="Agency to ask", queryset=Agency.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    question = forms.CharField(label="What you need to know", widget=forms.Textarea(attrs=TEXTAREA))
    respond_by = forms.DateField(
        label="Answer needed by",
        required=False,
        help_text="Leave empty for the day the decision is due.",
        widget=forms.DateInput(attrs=DATE),
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_agency"]
        if agencies is not None and isinstance(field, forms.ModelChoiceField):
            field.queryset = agencies


class AnswerForm(FormulaRefusingForm):
    answer = forms.CharField(
        label="Your agency's answer",
        help_text="What your agency knows that helps the front door decide; say if you know nothing.",
        widget=forms.Textarea(attrs=TEXTAREA),
    )


class DecisionForm(FormulaRefusingForm):
    level = forms.ModelChoiceField(
        label="Level of need", queryset=ThresholdLevel.objects.none(), widget=forms.Select(attrs=SELECT)
    )
    decision_reason = forms.CharField(
        label="Why, against the threshold's descriptors", widget=forms.Textarea(attrs=TEXTAREA)
    )
    route = forms.ChoiceField(label="What happens next", choices=Route.choices, widget=forms.Select(attrs=SELECT))
    route_detail = forms.CharField(
        label="Advice given, or the service",
        required=False,
        help_text="Needed for no further action (the advice) and for another service (which one).",
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
    )

    def __init__(self, *args: Any, levels: QuerySet[ThresholdLevel] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["level"]
        if levels is not None and isinstance(field, forms.ModelChoiceField):
            field.queryset = levels


class ToldForm(FormulaRefusingForm):
    referrer_told_how = forms.ChoiceField(
        label="How the referrer was told", choices=ToldHow.choices, widget=forms.Select(attrs=SELECT)
    )
