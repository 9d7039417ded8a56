import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone

from joinedup.accounts.models import RoleCode, User
from joinedup.agencies.models import Agency, Team
from joinedup.contacts.services import CONTACT_EDITABLE
from joinedup.missing.selectors import interview_places_to_choose
from joinedup.missing.services import EPISODE_EDITABLE, INTERVIEW_EDITABLE
from joinedup.places.models import Place
from joinedup.sharing.models import LawfulBasis
from joinedup.web.forms import FormulaRefusingForm

from .identifiers import validate_nhs_number, validate_upn_check_letter
from .models import (
    Address,
    Child,
    ChronologyEntry,
    DatePrecision,
    Ethnicity,
    LegalStatus,
    NoteCategory,
    PlacementType,
    Relative,
    RelativeKind,
    Sex,
)
from .services import CHRONOLOGY_EDITABLE, DETAIL_LABELS, detail_normalise

TEXT = {"class": "govuk-input"}


class ChildForm(FormulaRefusingForm):
    given_name = forms.CharField(max_length=100, widget=forms.TextInput(attrs=TEXT))
    family_name = forms.CharField(max_length=100, widget=forms.TextInput(attrs=TEXT))
    other_names = forms.CharField(
        max_length=300,
        required=False,
        help_text="Other names the child is known by; separate with ;",
        widget=forms.TextInput(attrs=TEXT),
    )
    date_of_birth = forms.DateField(
        required=False,
        help_text="For example, 2010-03-27",
        widget=forms.DateInput(attrs={"class": "govuk-input govuk-input--width-10", "type": "date"}),
    )
    sex = forms.ChoiceField(
        choices=Sex.choices, initial=Sex.UNKNOWN, widget=forms.Select(attrs={"class": "govuk-select"})
    )
    postcode = forms.CharField(
        max_length=10, required=False, widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"})
    )
    la_child_id = forms.CharField(
        label="Local authority child id",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )
    involvement_reason = forms.CharField(
        label="Why your agency is involved", max_length=300, required=False, widget=forms.TextInput(attrs=TEXT)
    )

    def clean_date_of_birth(self):  # type: ignore[no-untyped-def]
        value = self.cleaned_data.get("date_of_birth")
        if value and value > timezone.localdate():
            raise forms.ValidationError("Date of birth must be today or in the past")
        return value


class ChronologyEntryForm(FormulaRefusingForm):
    occurred_at = forms.DateTimeField(
        label="When it happened",
        help_text="UK time, for example 2026-11-21 16:30",
        widget=forms.DateTimeInput(attrs={"class": "govuk-input govuk-input--width-20", "type": "datetime-local"}),
    )
    category = forms.ChoiceField(choices=NoteCategory.choices, widget=forms.Select(attrs={"class": "govuk-select"}))
    summary = forms.CharField(widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 5}))

    def clean_occurred_at(self):  # type: ignore[no-untyped-def]
        value = self.cleaned_data["occurred_at"]
        if value > timezone.now():
            raise forms.ValidationError("The time must be now or in the past")
        return value


class ShareForm(FormulaRefusingForm):
    shared_with_agency = forms.ModelChoiceField(
        label="Share with agency",
        queryset=Agency.objects.all(),
        required=False,
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    shared_with_user = forms.ModelChoiceField(
        label="Or share with one person",
        queryset=User.objects.filter(is_active=True).select_related("agency"),
        required=False,
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    entry = forms.ModelChoiceField(
        label="What to share",
        queryset=ChronologyEntry.objects.none(),
        required=False,
        empty_label="The whole record",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    lawful_basis = forms.ChoiceField(
        choices=[("", "Choose the lawful basis"), *LawfulBasis.choices],
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    purpose = forms.CharField(
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}), help_text="Why the recipient needs to know"
    )
    approved_by = forms.ModelChoiceField(
        queryset=User.objects.filter(
            is_active=True, roles__code__in=[RoleCode.MANAGER, RoleCode.COORDINATOR]
        ).distinct(),
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )

    def __init__(self, *args, user: User, entries=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if entries is not None:
            self.fields["entry"].queryset = entries  # type: ignore[attr-defined]
        # Approvers: managers of the sharer's own agency, or a coordinator; never the sharer.
        approvers = (
            self.fields["approved_by"]  # type: ignore[attr-defined]
            .queryset.exclude(pk=user.pk)
            .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)  # people, not systems
        )
        self.fields["approved_by"].queryset = approvers.filter(  # type: ignore[attr-defined]
            Q(agency_id=user.agency_id, roles__code=RoleCode.MANAGER) | Q(roles__code=RoleCode.COORDINATOR)
        ).distinct()

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean() or {}
        if bool(data.get("shared_with_agency")) == bool(data.get("shared_with_user")):
            raise forms.ValidationError("Choose one agency or one person to share with")
        return data


SHORT = {"class": "govuk-input govuk-input--width-10"}
DATE = {"class": "govuk-input govuk-input--width-10", "type": "date"}
SELECT = {"class": "govuk-select"}
REASON_HINT = "Needed when you change something the record already holds: the history keeps the old value and why."


def reason_field(label: str = "Why are you making this change?", *, required: bool = False, hint: str = REASON_HINT):
    return forms.CharField(
        label=label,
        required=required,
        help_text=hint,
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 2}),
    )


def errors_onto(form: forms.Form, error: ValidationError, fields: dict[str, str] | None = None) -> None:
    """Show a service's refusal on the form, each message beside the field it is about."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, messages in error.message_dict.items():
        name = (fields or {}).get(name, name)
        form.add_error(name if name in form.fields else None, messages)


class DetailsForm(FormulaRefusingForm):
    """One group of a child's details. A reason is required to change a value the record already holds."""

    reason = reason_field()
    # Where a service's error about a detail is shown, when the form's field has another name.
    service_fields: dict[str, str] = {}

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        self.child = child
        kwargs["initial"] = {**self.initial_from(child), **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.fields["reason"] = self.fields.pop("reason")

    def initial_from(self, child: Child) -> dict[str, Any]:
        return {name: getattr(child, name) for name in self.base_fields if name != "reason"}

    def changes(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "reason"}

    def replaced(self) -> list[str]:
        """The details this change replaces a value of (not those the record did not hold)."""
        return [
            name
            for name, value in self.changes().items()
            if getattr(self.child, name) not in ("", None, False)
            and detail_normalise(name, value) != getattr(self.child, name)
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        replaced = self.replaced()
        if replaced and not data.get("reason", "").strip():
            what = ", ".join(DETAIL_LABELS.get(name, name.replace("_", " ")).lower() for name in replaced)
            self.add_error("reason", f"Enter why you are changing the {what}")
        return data


class NamesForm(DetailsForm):
    given_name = forms.CharField(max_length=100, widget=forms.TextInput(attrs=TEXT))
    family_name = forms.CharField(max_length=100, widget=forms.TextInput(attrs=TEXT))
    other_names = forms.CharField(
        label="Known as and other names",
        max_length=300,
        required=False,
        help_text="Names the child is known by or likes to be called, and aliases; separate with ;",
        widget=forms.TextInput(attrs=TEXT),
    )


class DateOfBirthForm(DetailsForm):
    """A date of birth, whole or in part: day, month and year; month and year; or the year alone."""

    day = forms.IntegerField(
        min_value=1, max_value=31, required=False, widget=forms.TextInput(attrs={**SHORT, "inputmode": "numeric"})
    )
    month = forms.IntegerField(
        min_value=1, max_value=12, required=False, widget=forms.TextInput(attrs={**SHORT, "inputmode": "numeric"})
    )
    year = forms.IntegerField(
        min_value=1900,
        max_value=dt.MAXYEAR,  # a larger year is no date: dt.date raised OverflowError
        required=False,
        help_text="Give what is known: day, month and year; month and year; or the year alone. "
        "Leave all three empty if the date of birth is not known.",
        widget=forms.TextInput(attrs={**SHORT, "inputmode": "numeric"}),
    )
    service_fields = {"date_of_birth": "year"}

    def initial_from(self, child: Child) -> dict[str, Any]:
        value, precision = child.date_of_birth, child.date_of_birth_precision
        if value is None:
            return {}
        return {
            "day": value.day if precision == DatePrecision.DAY else None,
            "month": value.month if precision in {DatePrecision.DAY, DatePrecision.MONTH} else None,
            "year": value.year,
        }

    def clean(self) -> dict[str, Any]:
        data = forms.Form.clean(self) or {}
        if self.errors:
            return data
        day, month, year = data.get("day"), data.get("month"), data.get("year")
        if day and not month:
            self.add_error("month", "Enter the month of the date of birth as well as the day")
        elif (day or month) and not year:
            self.add_error("year", "Enter the year of the date of birth")
        elif year:
            try:
                value = dt.date(year, month or 1, day or 1)
            except ValueError:
                self.add_error("day", "Enter a real date of birth")
                return data
            if value > timezone.localdate():
                self.add_error("year", "The date of birth must be today or in the past")
        if not self.errors:
            return DetailsForm.clean(self)
        return data

    def replaced(self) -> list[str]:
        changes = self.changes()
        held = (self.child.date_of_birth, self.child.date_of_birth_precision)
        new = (changes["date_of_birth"], changes["date_of_birth_precision"])
        return ["date_of_birth"] if self.child.date_of_birth is not None and new != held else []

    def changes(self) -> dict[str, Any]:
        day, month, year = (self.cleaned_data.get(name) for name in ("day", "month", "year"))
        if not year:
            return {"date_of_birth": None, "date_of_birth_precision": DatePrecision.DAY}
        precision = DatePrecision.DAY if day else DatePrecision.MONTH if month else DatePrecision.YEAR
        return {"date_of_birth": dt.date(year, month or 1, day or 1), "date_of_birth_precision": precision}


def ethnicity_choices(current: str = "") -> list[Any]:
    """The census groups, grouped as the census asks; an agency's own words for the child's ethnicity
    stay a choice until someone chooses a census group."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for value, label in Ethnicity.choices:
        group, _, name = str(label).partition(": ")
        groups.setdefault(group if name else "Not stated", []).append((value, name or str(label)))
    choices: list[Any] = [("", "Not recorded")]
    if current and current not in Ethnicity.values:
        choices.append((current, f"{current} (as an agency recorded it)"))
    return choices + list(groups.items())


class SexEthnicityForm(DetailsForm):
    sex = forms.ChoiceField(choices=Sex.choices, widget=forms.Select(attrs=SELECT))
    ethnicity = forms.ChoiceField(
        choices=[],
        required=False,
        help_text="The child's own answer where they gave one",
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, child=child, **kwargs)
        self.fields["ethnicity"].choices = ethnicity_choices(child.ethnicity)  # type: ignore[attr-defined]


class IdentifiersForm(DetailsForm):
    nhs_number = forms.CharField(
        label="NHS number",
        max_length=12,
        required=False,
        help_text="10 digits, for example 943 476 5919",
        widget=forms.TextInput(attrs={**SHORT, "inputmode": "numeric"}),
    )
    upn = forms.CharField(
        label="Unique pupil number (UPN)",
        max_length=13,
        required=False,
        help_text="13 characters: a check letter, then 12 digits (the last may be a letter)",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
    )
    la_child_id = forms.CharField(
        label="Local authority child id", max_length=20, required=False, widget=forms.TextInput(attrs=SHORT)
    )
    police_ids = forms.CharField(
        label="Police identifiers",
        max_length=200,
        required=False,
        help_text="PNC and local police ids; separate with ;",
        widget=forms.TextInput(attrs=TEXT),
    )

    def clean_nhs_number(self) -> str:
        value = detail_normalise("nhs_number", self.cleaned_data.get("nhs_number", ""))
        if value != self.child.nhs_number:
            validate_nhs_number(value)
        return value

    def clean_upn(self) -> str:
        value = detail_normalise("upn", self.cleaned_data.get("upn", ""))
        if value != self.child.upn:
            validate_upn_check_letter(value)
        return value


class LookedAfterForm(DetailsForm):
    looked_after = forms.BooleanField(label="Looked after by the local authority", required=False)
    legal_status = forms.ChoiceField(
        choices=[("", "None"), *LegalStatus.choices],
        required=False,
        help_text="The SSDA903 legal status",
        widget=forms.Select(attrs=SELECT),
    )
    placement_type = forms.ChoiceField(
        choices=[("", "None"), *PlacementType.choices],
        required=False,
        help_text="The SSDA903 placement type",
        widget=forms.Select(attrs=SELECT),
    )
    placement = forms.CharField(
        label="Where the child lives",
        max_length=300,
        required=False,
        help_text="The placement's name or carer, for example Oak House children's home",
        widget=forms.TextInput(attrs=TEXT),
    )
    placement_agency = forms.ModelChoiceField(
        label="Carer's agency",
        queryset=Agency.objects.order_by("name"),
        required=False,
        help_text="Keeps the child's Philomena profile up to date",
        widget=forms.Select(attrs=SELECT),
    )
    placement_started = forms.DateField(required=False, widget=forms.DateInput(attrs=DATE))
    placement_ended = forms.DateField(required=False, widget=forms.DateInput(attrs=DATE))

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("looked_after") and not data.get("legal_status"):
            self.add_error("legal_status", "Choose the legal status of a looked-after child")
        return data


class KeyWorkerForm(DetailsForm):
    key_worker = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="No key worker",
        help_text="A member of staff of an agency involved with the child",
        widget=forms.Select(attrs=SELECT),
    )
    key_worker_chosen_by_child = forms.BooleanField(label="The child chose this key worker", required=False)

    def __init__(self, *args: Any, child: Child, **kwargs: Any) -> None:
        super().__init__(*args, child=child, **kwargs)
        involved = child.involvements.filter(ended_at__isnull=True).values("agency")
        field = self.fields["key_worker"]
        field.queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True, agency__in=involved)
            .select_related("agency")
            .order_by("agency__name", "last_name", "first_name")
        )
        field.label_from_instance = lambda user: f"{user.get_full_name() or user.username}, {user.agency.name}"  # type: ignore[attr-defined]


class AddressForm(FormulaRefusingForm):
    address_text = forms.CharField(label="Address", max_length=300, widget=forms.TextInput(attrs=TEXT))
    postcode = forms.CharField(max_length=10, required=False, widget=forms.TextInput(attrs=SHORT))
    lived_from = forms.DateField(label="Moved in", required=False, widget=forms.DateInput(attrs=DATE))
    lived_to = forms.DateField(
        label="Moved out",
        required=False,
        help_text="Leave empty if the child lives here now; their previous address then ends the day they moved in",
        widget=forms.DateInput(attrs=DATE),
    )
    reason = reason_field(hint="For a move, what you know of why, for example a new foster placement.")
    restricted = forms.BooleanField(
        label="Restricted: a safe address or refuge, seen only by my agency and those we share the record with",
        required=False,
    )

    def __init__(self, *args: Any, address: Address | None = None, **kwargs: Any) -> None:
        self.address = address
        if address is not None:
            kwargs["initial"] = {
                "address_text": address.address,
                "postcode": address.postcode,
                "lived_from": address.lived_from,
                "lived_to": address.lived_to,
            }
        super().__init__(*args, **kwargs)
        if address is not None:
            self.fields["reason"].required = True
            self.fields["reason"].help_text = REASON_HINT
            # Whether an address is restricted is decided when it is recorded.
            del self.fields["restricted"]


class RelativeForm(FormulaRefusingForm):
    kind = forms.ChoiceField(label="Who they are", choices=RelativeKind.choices, widget=forms.Select(attrs=SELECT))
    name = forms.CharField(max_length=200, widget=forms.TextInput(attrs=TEXT))
    relationship = forms.CharField(
        max_length=100,
        required=False,
        help_text="For example mother, foster carer, half-brother",
        widget=forms.TextInput(attrs=TEXT),
    )
    parental_responsibility = forms.BooleanField(label="Has parental responsibility", required=False)
    phone = forms.CharField(max_length=40, required=False, widget=forms.TextInput(attrs=SHORT))
    email = forms.EmailField(required=False, widget=forms.EmailInput(attrs=TEXT))
    address = forms.CharField(max_length=300, required=False, widget=forms.TextInput(attrs=TEXT))
    reason = reason_field(hint="Needed when you change their details: the history keeps the old ones and why.")

    def __init__(self, *args: Any, relative: Relative | None = None, **kwargs: Any) -> None:
        self.relative = relative
        if relative is not None:
            kwargs["initial"] = {name: getattr(relative, name) for name in self.base_fields if name != "reason"}
        super().__init__(*args, **kwargs)

    def changes(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "reason"}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        relative = self.relative
        changing = relative is not None and any(
            value != getattr(relative, name) for name, value in self.changes().items()
        )
        if changing and not self.errors and not data.get("reason", "").strip():
            self.add_error("reason", "Enter why you are changing their details")
        return data


class EndForm(FormulaRefusingForm):
    reason = reason_field("Why has this ended?", required=True, hint="")


class InvolvementOpenForm(FormulaRefusingForm):
    agency = forms.ModelChoiceField(queryset=Agency.objects.order_by("name"), widget=forms.Select(attrs=SELECT))
    team = forms.ModelChoiceField(
        queryset=Team.objects.select_related("agency").order_by("agency__name", "name"),
        required=False,
        widget=forms.Select(attrs=SELECT),
    )
    service = forms.CharField(
        max_length=200,
        required=False,
        help_text="For example youth justice service, school nursing",
        widget=forms.TextInput(attrs=TEXT),
    )
    reason = reason_field(
        "Why does the agency need to work with the child?",
        required=True,
        hint="Opening an involvement lets the agency's staff see the child's record.",
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not user.has_role(RoleCode.COORDINATOR):
            # A practitioner or manager opens their own agency's involvement only (the view requires one).
            own = user.agency_id or 0
            self.fields["agency"].queryset = Agency.objects.filter(pk=own)  # type: ignore[attr-defined]
            self.fields["agency"].initial = own
            self.fields["agency"].empty_label = None  # type: ignore[attr-defined]
            self.fields["team"].queryset = Team.objects.filter(agency_id=own).order_by("name")  # type: ignore[attr-defined]
            self.fields["team"].initial = user.team_id


class InvolvementEndForm(FormulaRefusingForm):
    ended_on = forms.DateField(
        label="Date the involvement ended", initial=timezone.localdate, widget=forms.DateInput(attrs=DATE)
    )
    reason = reason_field("Why is the involvement ending?", required=True, hint="")


class SettleForm(FormulaRefusingForm):
    value = forms.ChoiceField(label="Which is right?", widget=forms.RadioSelect)
    reason = reason_field("How do you know?", required=True, hint="For example, seen on the child's birth certificate.")

    def __init__(self, *args: Any, options: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["value"].choices = options  # type: ignore[attr-defined]


# --- Corrections of items an agency recorded -----------------------------------------------------------

WHEN_INPUT = forms.DateTimeInput(attrs={"class": "govuk-input govuk-input--width-20", "type": "datetime-local"})
AREA = forms.Textarea(attrs={"class": "govuk-textarea", "rows": 5})


class CorrectionForm(FormulaRefusingForm):
    """The item's fields as they are now, a reason, and "entered in error" to take it off the record."""

    entered_in_error = forms.BooleanField(
        label="Entered in error: take it off the child's record (it is kept for the audit trail)", required=False
    )
    reason = forms.CharField(
        label="Why are you correcting it?", widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3})
    )

    editable: tuple[str, ...] = ()

    def __init__(self, *args: Any, user: User | None = None, item: Any = None, **kwargs: Any) -> None:
        """``user`` and ``item``: who corrects which item, for a form whose choices depend on them."""
        super().__init__(*args, **kwargs)
        self.user, self.item = user, item

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.editable}


class ChronologyCorrectionForm(CorrectionForm):
    occurred_at = forms.DateTimeField(label="When it happened", help_text="UK time", widget=WHEN_INPUT)
    category = forms.ChoiceField(choices=NoteCategory.choices, widget=forms.Select(attrs={"class": "govuk-select"}))
    summary = forms.CharField(label="What happened", widget=AREA)
    editable = CHRONOLOGY_EDITABLE
    field_order = ["occurred_at", "category", "summary", "reason", "entered_in_error"]


class ConcernCorrectionForm(CorrectionForm):
    occurred_at = forms.DateTimeField(label="When it happened", help_text="UK time", widget=WHEN_INPUT)
    what_happened = forms.CharField(label="What happened", widget=AREA)
    place_name = forms.CharField(label="Where (optional)", required=False, widget=forms.TextInput(attrs=TEXT))
    place_postcode = forms.CharField(
        label="Postcode of the place (optional)", required=False, widget=forms.TextInput(attrs=TEXT)
    )
    editable = ("occurred_at", "what_happened", "place_name", "place_postcode")
    field_order = ["occurred_at", "what_happened", "place_name", "place_postcode", "reason", "entered_in_error"]


class ContactCorrectionForm(CorrectionForm):
    attempted_at = forms.DateTimeField(label="When", help_text="UK time", widget=WHEN_INPUT)
    method = forms.ChoiceField(label="How", choices=[], widget=forms.Select(attrs={"class": "govuk-select"}))
    outcome = forms.ChoiceField(label="What happened", choices=[], widget=forms.Select(attrs={"class": "govuk-select"}))
    note = forms.CharField(label="Note (optional)", required=False, widget=AREA)
    editable = CONTACT_EDITABLE
    field_order = ["attempted_at", "method", "outcome", "note", "reason", "entered_in_error"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from joinedup.contacts.models import ContactMethod, ContactOutcome

        super().__init__(*args, **kwargs)
        method, outcome = self.fields["method"], self.fields["outcome"]
        assert isinstance(method, forms.ChoiceField) and isinstance(outcome, forms.ChoiceField)  # noqa: S101
        method.choices = ContactMethod.choices
        outcome.choices = ContactOutcome.choices


class EpisodeCorrectionForm(CorrectionForm):
    reported_by_name = forms.CharField(label="Who reported it", required=False, widget=forms.TextInput(attrs=TEXT))
    last_seen_place = forms.CharField(label="Where last seen", required=False, widget=forms.TextInput(attrs=TEXT))
    last_seen_with = forms.CharField(label="Who with", required=False, widget=forms.TextInput(attrs=TEXT))
    found_place = forms.CharField(label="Where found", required=False, widget=forms.TextInput(attrs=TEXT))
    found_with = forms.CharField(label="Who the child was with", required=False, widget=forms.TextInput(attrs=TEXT))
    editable = EPISODE_EDITABLE
    field_order = [*editable, "reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An episode counts in the returns: it is corrected, never taken off the record.
        del self.fields["entered_in_error"]


class InterviewCorrectionForm(CorrectionForm):
    childs_words = forms.CharField(label="What the child said, in their own words", widget=AREA)
    where_they_were = forms.CharField(label="Where they were", required=False, widget=AREA)
    place = forms.ModelChoiceField(
        label="The place where the child was, if it was a place",
        help_text="Choose a place already on the child's record, or write it below.",
        queryset=Place.objects.none(),
        required=False,
        empty_label="No place",
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    place_name = forms.CharField(
        label="Or write the place",
        help_text="Its name and postcode if known, for example Station Hotel, WB1 1AA. It is matched with the places "
        "already recorded.",
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs=TEXT),
    )
    who_they_were_with = forms.CharField(label="Who they were with", required=False, widget=AREA)
    harm_disclosed = forms.CharField(label="Harm disclosed", required=False, widget=AREA)
    next_steps = forms.CharField(label="What happens next", required=False, widget=AREA)
    factors_other = forms.CharField(label="Other push and pull factors", required=False, widget=AREA)
    editable = INTERVIEW_EDITABLE
    field_order = [*editable, "reason"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["entered_in_error"]
        place = self.fields["place"]
        assert isinstance(place, forms.ModelChoiceField)  # noqa: S101
        if self.user is not None and self.item is not None:
            place.queryset = interview_places_to_choose(user=self.user, interview=self.item)
