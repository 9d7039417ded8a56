from django import forms
from django.core.validators import URLValidator
from django.db.models import QuerySet

from joinedup.places.models import Place, PlaceKind
from joinedup.web.forms import FormulaRefusingForm

from .models import CampaignKind, CampaignStatus, MaterialKind

DAY = {"class": "govuk-input govuk-input--width-10", "type": "date"}
TEXT = {"class": "govuk-input"}
SHORT = {"class": "govuk-input govuk-input--width-10"}
NUMBER = {"class": "govuk-input govuk-input--width-5", "inputmode": "numeric"}
AREA = {"class": "govuk-textarea", "rows": 3}
SELECT = {"class": "govuk-select"}


def places_for_campaigns() -> QuerySet[Place]:
    """Where a campaign can be held: any place on record but a private address, or one merged into another."""
    return Place.objects.exclude(kind=PlaceKind.PRIVATE_ADDRESS).filter(merged_into__isnull=True)


class CampaignForm(FormulaRefusingForm):
    title = forms.CharField(label="Title", max_length=200, widget=forms.TextInput(attrs=TEXT))
    kind = forms.ChoiceField(
        label="Kind of awareness work", choices=CampaignKind.choices, widget=forms.Select(attrs=SELECT)
    )
    status = forms.ChoiceField(
        label="Planned or delivered", choices=CampaignStatus.choices, widget=forms.Select(attrs=SELECT)
    )
    held_on = forms.DateField(label="Date", widget=forms.DateInput(attrs=DAY, format="%Y-%m-%d"))
    place = forms.ModelChoiceField(
        label="Place (optional)",
        queryset=Place.objects.none(),
        required=False,
        empty_label="Not at a place on record",
        widget=forms.Select(attrs=SELECT),
    )
    ward = forms.CharField(label="Ward", max_length=100, required=False, widget=forms.TextInput(attrs=SHORT))
    postcode_sector = forms.CharField(
        label="Postcode or postcode sector",
        max_length=10,
        required=False,
        help_text="For example WB1 1AA or WB1 1. Left blank, the place's postcode is used.",
        widget=forms.TextInput(attrs=SHORT),
    )
    audience = forms.CharField(
        label="Audience",
        max_length=200,
        help_text="For example Year 9 pupils, hotel and taxi staff.",
        widget=forms.TextInput(attrs=TEXT),
    )
    reached = forms.IntegerField(
        label="People reached",
        min_value=0,
        max_value=100_000,
        initial=0,
        help_text="Leave at 0 until it is delivered.",
        widget=forms.NumberInput(attrs=NUMBER),
    )
    delivered_by = forms.CharField(
        label="Delivered by",
        max_length=200,
        help_text="The agency, team or person.",
        widget=forms.TextInput(attrs=TEXT),
    )
    partners = forms.CharField(label="Partners", required=False, widget=forms.Textarea(attrs=AREA))
    co_produced = forms.BooleanField(label="Made with young people", required=False)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs=AREA))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["place"].queryset = places_for_campaigns()  # type: ignore[attr-defined]


class MaterialForm(FormulaRefusingForm):
    """One material of a campaign's list."""

    title = forms.CharField(label="Title", max_length=200, widget=forms.TextInput(attrs=TEXT))
    kind = forms.ChoiceField(label="Kind of material", choices=MaterialKind.choices, widget=forms.Select(attrs=SELECT))
    # "yes" or "no" (the view turns it into a yes/no for the service): a radio answer that must be given.
    co_produced = forms.ChoiceField(
        label="Co-produced with young people",
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect,
    )
    # A web address as typed (no scheme is added: "=cmd@example.org" stays what it is, and is refused).
    link = forms.CharField(
        label="Link",
        required=False,
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"], message="Enter a web address starting with https://.")],
        help_text="A web address starting with https://, for example on the partnership's website.",
        widget=forms.URLInput(attrs=TEXT),
    )
    description = forms.CharField(
        label="Description",
        required=False,
        help_text="What it is and how it was used. Give a link, a description or both.",
        widget=forms.Textarea(attrs=AREA),
    )
