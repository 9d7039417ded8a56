from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from joinedup.accounts.models import User
from joinedup.web.forms import FormulaRefusingForm

from .models import EpisodeKind, Factor, InterviewResponse, RiskGrade

WHEN = {"class": "govuk-input govuk-input--width-20", "type": "datetime-local"}
TEXT = {"class": "govuk-input"}
AREA = {"class": "govuk-textarea", "rows": 3}
SELECT = {"class": "govuk-select"}


def _when(label: str, hint: str = "UK time", required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, help_text=hint, required=required, widget=forms.DateTimeInput(attrs=WHEN))


def _text(label: str, required: bool = False, hint: str = "") -> forms.CharField:
    return forms.CharField(label=label, required=required, help_text=hint, widget=forms.TextInput(attrs=TEXT))


def _area(label: str, required: bool = False, hint: str = "") -> forms.CharField:
    return forms.CharField(label=label, required=required, help_text=hint, widget=forms.Textarea(attrs=AREA))


class ReportForm(FormulaRefusingForm):
    kind = forms.ChoiceField(label="Missing or away", choices=EpisodeKind.choices, widget=forms.Select(attrs=SELECT))
    started_at = _when("When the child was last seen")
    reported_at = _when(
        "When it was reported (if not now)",
        "UK time. Leave blank for a report made now; give the time for a report recorded later.",
        required=False,
    )
    returned_at = _when(
        "When the child returned (only for an episode that is already over)",
        "UK time. Leave blank if the child is still missing. A past episode may be recorded before a later one.",
        required=False,
    )
    reported_by_name = _text("Who reported it", hint="For example, the carer at the placement")
    last_seen_place = _text("Where the child was last seen")
    last_seen_with = _text("Who the child was last seen with")
    grade = forms.ChoiceField(
        label="Risk grade",
        choices=[("", "Choose the risk grade"), *RiskGrade.choices],
        widget=forms.Select(attrs=SELECT),
    )
    rationale = _area("Reasons for the risk grade", required=True)
    information_from = _text("Who supplied the information, and when")

    def __init__(self, *args: Any, grader: bool = True, **kwargs: Any) -> None:
        """``grader``: whether the user grades the risk (the police, the coordinator). Anyone else reports the
        child missing with their reasons for concern, and the police grade it."""
        super().__init__(*args, **kwargs)
        if not grader:
            del self.fields["grade"]
            self.fields["rationale"].label = "Your reasons for concern"
            self.fields["rationale"].help_text = (
                "The police grade the risk. Until they do, the episode is graded medium and everyone working "
                "with the child is alerted."
            )


class RegradeForm(FormulaRefusingForm):
    grade = forms.ChoiceField(
        label="New risk grade",
        choices=[("", "Choose the risk grade"), *RiskGrade.choices],
        widget=forms.Select(attrs=SELECT),
    )
    rationale = _area("Reasons for the new grade", required=True)
    information_from = _text("Who supplied the information, and when")


class AttendanceForm(FormulaRefusingForm):
    attended_at = _when("When the police first attended", "UK time: the first visit to the home or placement.")
    attended_by = _text("Who attended", required=True, hint="Officers' names or collar numbers.")
    place = _text("Where", hint="The home or placement visited.")


class FoundForm(FormulaRefusingForm):
    found_at = _when("When the child was found")
    found_place = _text("Where the child was found")
    found_with = _text("Who the child was with")


class ReturnForm(FormulaRefusingForm):
    returned_at = _when("When the child returned", "UK time. The return home interview is due 72 hours later.")
    interview_owner = forms.ModelChoiceField(
        label="Who makes sure the return home interview happens",
        queryset=User.objects.none(),
        required=False,
        empty_label="The child's key worker",
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args, owners=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["interview_owner"].queryset = owners  # type: ignore[attr-defined]


class OfferForm(FormulaRefusingForm):
    offered_at = _when("When the interview was offered")
    response = forms.ChoiceField(
        label="The child's answer",
        choices=[
            (InterviewResponse.OFFERED, "Waiting for an answer"),
            (InterviewResponse.ACCEPTED, "Accepted"),
            (InterviewResponse.DECLINED, "Declined"),
        ],
        widget=forms.Select(attrs=SELECT),
    )
    declined_reason = _area("If declined, why", hint="In the child's words where possible")


class InterviewForm(FormulaRefusingForm):
    completed_at = _when("When the interview took place")
    childs_words = _area("What the child said, in their own words", required=True)
    factors = forms.MultipleChoiceField(
        label="Push and pull factors",
        choices=Factor.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    factors_other = _area("Other factors")
    where_they_were = _area("Where the child was", hint="In the child's own words.")
    place_name = _text(
        "The place where the child was, if it was a place",
        hint="Its name and postcode if known, for example Station Hotel, WB1 1AA. It links the interview to the place.",
    )
    who_they_were_with = _area("Who the child was with")
    harm_disclosed = _area("Harm the child disclosed")
    next_steps = _area("What happens next")


class ActionForm(FormulaRefusingForm):
    description = _text("Action", required=True)
    owner = forms.ModelChoiceField(label="Owner", queryset=User.objects.none(), widget=forms.Select(attrs=SELECT))
    referral_to = _text("Onward referral to", hint="For example, the sexual health service")
    due_on = forms.DateField(
        label="Due by",
        required=False,
        widget=forms.DateInput(attrs={"class": "govuk-input govuk-input--width-10", "type": "date"}),
    )

    def __init__(self, *args, owners=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if owners is not None:
            self.fields["owner"].queryset = owners  # type: ignore[attr-defined]


PHOTO_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


class PhilomenaForm(FormulaRefusingForm):
    description = _area("Description", hint="Height, build, hair, distinguishing features")
    photo = forms.FileField(label="Recent photo (JPEG or PNG, up to 5 MB)", required=False)
    associates = _area("Associates", hint="Friends, adults of concern, anyone the child may be with")
    addresses_and_places = _area("Addresses and places the child goes")
    phone_and_social_media = _area("Phone and social media")
    medical_needs = _area("Medical needs")

    def clean_photo(self):  # type: ignore[no-untyped-def]
        photo = self.cleaned_data.get("photo")
        if not photo:
            return photo
        if photo.size > 5 * 1024 * 1024:
            raise ValidationError("The photo must be smaller than 5 MB")
        head = photo.read(8)
        photo.seek(0)
        if not head.startswith(PHOTO_SIGNATURES):
            raise ValidationError("The photo must be a JPEG or PNG")
        return photo
