"""Helpers shared by every app's pages."""

import re
from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.forms import Form
from django.forms.renderers import DjangoTemplates

from joinedup.spreadsheet import is_formula_answer

FORMULA_REFUSED = (
    "This starts like a spreadsheet formula. Formulas are refused so that they cannot run when the record is "
    "opened in a spreadsheet; remove the leading sign, or put a space after it."
)


def formula_refusals(values: dict[str, object]) -> dict[str, str]:
    """The answers, by field, that a spreadsheet would run as a formula (``spreadsheet.is_formula_answer``)."""
    return {
        name: FORMULA_REFUSED for name, value in values.items() if isinstance(value, str) and is_formula_answer(value)
    }


class FormulaRefusingForm(forms.Form):
    """Every page's form: refuses an answer that a spreadsheet would run as a formula, as the imports refuse
    such a cell. Checked after the form's own cleaning, whatever its ``clean`` does."""

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]  # BaseForm's hook after cleaning; not in the stubs
        for name, message in formula_refusals(dict(getattr(self, "cleaned_data", {}))).items():
            self.add_error(name, message)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's, refusing an integer id beyond what the database's column holds as not one of the choices.

    Django sends the ids to the database in one ``IN`` lookup, which does not range-check them as an exact
    lookup does: an id such as 99999999999999999999 raised OverflowError on SQLite (PostgreSQL refuses it
    too), a server error for a page's form."""

    def _check_values(self, value):  # type: ignore[no-untyped-def]
        queryset = self.queryset
        assert queryset is not None  # noqa: S101 - a ModelMultipleChoiceField is given one
        model = queryset.model
        field = model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
        if isinstance(field, models.IntegerField):  # AutoField and BigAutoField too
            low, high = connections[queryset.db].ops.integer_field_range(field.get_internal_type())
            for pk in value if isinstance(value, list | tuple) else []:
                try:
                    number = int(pk)
                except (TypeError, ValueError):
                    continue  # Django refuses it as it is
                if (low is not None and number < low) or (high is not None and number > high):
                    raise ValidationError(
                        self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                    )
        return super()._check_values(value)  # type: ignore[misc]  # Django's, not in the stubs


def form_add_service_errors(form: Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: beside its field where it names one, otherwise at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def form_save(form: Form, action: Callable[[], object]) -> bool:
    """Run a service for a valid form; on refusal, put its reasons on the form and answer False."""
    try:
        action()
    except ValidationError as error:
        form_add_service_errors(form, error)
        return False
    return True


# Error messages that name their field --------------------------------------------------------------------------------

# Django's messages that do not say which answer they are about: on a page with several, an error summary of
# "This field is required." three times tells a practitioner nothing (GOV.UK: say what went wrong and how to fix it).
_REQUIRED = "This field is required."
_CHOICE_FIELDS = (forms.ChoiceField, forms.ModelChoiceField, forms.BooleanField, forms.NullBooleanField)


def _label_in_sentence(label: str) -> str:
    """A field's label inside a sentence: "Date of birth" reads "date of birth"; "NHS number" stays as it is."""
    first = label.split(" ", 1)[0]
    if len(first) > 1 and first[:2].isupper():
        return label
    return label[:1].lower() + label[1:]


def named_error(field: forms.Field, label: str, message: str) -> str:
    """One error message, naming the field it is about unless it already does."""
    label = str(label).strip().rstrip(":")
    if not label:
        return message
    if message == _REQUIRED:
        if label.endswith("?"):
            return f"Answer “{label}”"
        if isinstance(field, forms.FileField):
            return f"Choose a file for {_label_in_sentence(label)}"
        verb = "Select" if isinstance(field, _CHOICE_FIELDS) else "Enter"
        return f"{verb} {_label_in_sentence(label)}"
    core = re.sub(r"\s*\(.*?\)", "", label).strip()  # "Unique pupil number (UPN)" is named by "unique pupil number"
    if label.lower() in message.lower() or (core and core.lower() in message.lower()):
        return message
    return f"{label}: {message}"


class NamedErrorsBoundField(forms.BoundField):
    """A form field whose errors each name the field, in the error summary and beside the field alike."""

    @property
    def errors(self):  # type: ignore[no-untyped-def]  # Django's ErrorList, untyped in the stubs
        errors = super().errors
        named = self.form.error_class(
            [named_error(self.field, str(self.label), str(message)) for message in errors],
            renderer=self.form.renderer,
        )
        return named


class FormRenderer(DjangoTemplates):
    """The project's form renderer (settings.FORM_RENDERER): Django's, with fields whose errors name them."""

    bound_field_class = NamedErrorsBoundField
