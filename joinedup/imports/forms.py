from django import forms
from django.utils import timezone

from joinedup.web.forms import FormulaRefusingForm

from .models import RejectedRow

FILE = {"class": "govuk-file-upload"}
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


def _read(upload) -> bytes:  # type: ignore[no-untyped-def]
    if upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError("The file is larger than 50 MB; split it and import each part.")
    return bytes(upload.read())


class Ssda903UploadForm(forms.Form):
    file = forms.FileField(
        label="SSDA903 missing table",
        help_text="A CSV file with the columns CHILD, DOB, MISSING, MIS_START, MIS_END; dates as DD/MM/YYYY.",
        widget=forms.ClearableFileInput(attrs=FILE),
    )

    def clean_file(self) -> tuple[str, bytes]:
        upload = self.cleaned_data["file"]
        return upload.name, _read(upload)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):  # type: ignore[no-untyped-def]
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else single(data, initial)


class ExtractUploadForm(FormulaRefusingForm):
    extract = MultipleFileField(
        label="Agency extract",
        help_text="people.csv and events.csv, or a zip of the extract folder.",
        widget=MultipleFileInput(attrs={**FILE, "multiple": True}),
    )
    register_agencies = forms.BooleanField(
        label="Register agency codes not yet known (coordinators only)",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )

    def clean_extract(self) -> dict[str, bytes]:
        uploads = self.cleaned_data["extract"]
        if not uploads:
            raise forms.ValidationError("Choose the extract files.")
        return {upload.name or "upload": _read(upload) for upload in uploads}


class RejectedRowForm(FormulaRefusingForm):
    """One text box per column of the kept-aside row, holding what the file said."""

    def __init__(self, *args, row: RejectedRow, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        for column, value in row.raw.items():
            if column == "(extra cells)":
                continue
            self.fields[column] = forms.CharField(
                label=column,
                required=False,
                initial=value,
                strip=False,
                widget=forms.TextInput(
                    attrs={"class": "govuk-input" + (" govuk-input--error" if column == row.column else "")}
                ),
            )


class AnnexAForm(FormulaRefusingForm):
    period_end = forms.DateField(
        label="Period end",
        required=False,
        help_text="The last day of the 12 months, for example 2026-03-31. Blank: today.",
        widget=forms.DateInput(attrs={"class": "govuk-input govuk-input--width-10", "type": "date"}),
    )

    def clean_period_end(self):  # type: ignore[no-untyped-def]
        return self.cleaned_data.get("period_end") or timezone.localdate()
