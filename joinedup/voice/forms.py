from typing import Any

from django import forms

from joinedup.accounts.models import User
from joinedup.children.models import Child
from joinedup.web.forms import FormulaRefusingForm, ModelMultipleChoiceField

from .models import CONTACT_WHEN_MAX, MESSAGE_MAX, ChildSay, Feeling, MessageKind, SpokenHow
from .services import PROFESSIONALS_LIMIT_MAX, SAY_TEXT_MAX

TEXT = {"class": "govuk-input"}
AREA = {"class": "govuk-textarea", "rows": 3}
DAY = {"class": "govuk-input govuk-input--width-10", "type": "date"}
NUMBER = {"class": "govuk-input govuk-input--width-3", "inputmode": "numeric"}
SELECT = {"class": "govuk-select"}


def _area(label: str, hint: str) -> forms.CharField:
    return forms.CharField(
        label=label, help_text=hint, required=False, max_length=SAY_TEXT_MAX, widget=forms.Textarea(attrs=AREA)
    )


class ChildSayForm(FormulaRefusingForm):
    """The child's say, recorded by a practitioner with the child: a new version each time."""

    what_matters = _area("What matters to me", "In the child's own words where you can.")
    who_with = _area("Who I want to work with", "People and services the child wants to keep or to see.")
    who_not = _area("Who I don't want to work with", "People and services the child does not want, and why if said.")
    not_with_staff = ModelMultipleChoiceField(
        label="Staff the child does not want to work with",
        queryset=User.objects.none(),
        required=False,
        help_text="Checked when a key worker is allocated.",
        widget=forms.CheckboxSelectMultiple,
    )
    contact_how = _area("How and when to contact me", "For example: text first, not at school, after 4pm.")
    trusted_adult = forms.CharField(
        label="My trusted adult",
        max_length=200,
        required=False,
        help_text="Who the child names, and how they know them.",
        widget=forms.TextInput(attrs=TEXT),
    )
    wants = _area("What I want to happen", "")
    professionals_limit = forms.IntegerField(
        label="How many professionals I can manage",
        min_value=1,
        max_value=PROFESSIONALS_LIMIT_MAX,
        required=False,
        help_text="The many-professionals warning counts against this number.",
        widget=forms.TextInput(attrs=NUMBER),
    )
    spoken_on = forms.DateField(label="Recorded with the child on", widget=forms.DateInput(attrs=DAY))
    spoken_how = forms.ChoiceField(label="How", choices=SpokenHow.choices, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args: Any, child: Child, latest: ChildSay | None = None, **kwargs: Any) -> None:
        if latest is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(latest, name)
                for name in ("what_matters", "who_with", "who_not", "contact_how", "trusted_adult", "wants")
            } | {"professionals_limit": latest.professionals_limit, "not_with_staff": list(latest.not_with_staff.all())}
        super().__init__(*args, **kwargs)
        involved = child.involvements.filter(ended_at__isnull=True).values("agency")
        field = self.fields["not_with_staff"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - declared above
        field.queryset = (
            User.objects.filter(is_active=True, agency__in=involved)
            .select_related("agency")
            .order_by("agency__name", "last_name", "first_name")
        )
        field.label_from_instance = lambda user: f"{user.get_full_name() or user.username}, {user.agency.name}"  # type: ignore[method-assign,assignment]


class SpeakForm(forms.Form):
    """The child's own page. Plain words; the child's words are taken as they are (no formula refusal and no
    language check: they are the child's, not a practitioner's)."""

    kind = forms.ChoiceField(
        label="What do you want to do?",
        choices=MessageKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you want to do", "invalid_choice": "Choose what you want to do"},
    )
    text = forms.CharField(
        label="Your message",
        required=False,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 5}),
        error_messages={"max_length": f"Your message is too long. Use {MESSAGE_MAX} characters or fewer"},
    )
    feeling = forms.TypedChoiceField(
        label="How does the support feel?",
        choices=Feeling.choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose how the support feels"},
    )
    wants_contact = forms.BooleanField(label="I need help. Please get in touch with me soon.", required=False)
    contact_when = forms.CharField(
        label="When is a good time to contact you? (optional)",
        required=False,
        max_length=CONTACT_WHEN_MAX,
        widget=forms.TextInput(attrs={"class": "govuk-input", "autocomplete": "off"}),
        error_messages={"max_length": f"Use {CONTACT_WHEN_MAX} characters or fewer"},
    )
