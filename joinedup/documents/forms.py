from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from joinedup.concerns.models import HandlingCode
from joinedup.web.forms import FormulaRefusingForm

from . import filetypes
from .models import DocumentKind
from .selectors import Item

SELECT = {"class": "govuk-select"}
ACCEPT = ",".join(sorted({t.content_type.split(";")[0] for t in filetypes.ACCEPTED}))
WHOLE_RECORD = ""


class DocumentForm(FormulaRefusingForm):
    file = forms.FileField(
        label="File",
        widget=forms.FileInput(attrs={"class": "govuk-file-upload", "accept": ACCEPT}),
    )
    title = forms.CharField(label="Title", max_length=200, widget=forms.TextInput(attrs={"class": "govuk-input"}))
    kind = forms.ChoiceField(label="What it is", choices=DocumentKind.choices, widget=forms.Select(attrs=SELECT))
    item = forms.ChoiceField(label="Attach it to", required=False, widget=forms.Select(attrs=SELECT))
    handling_code = forms.ChoiceField(
        label="Handling code",
        required=False,
        choices=[("", "None"), *HandlingCode.choices],
        help_text="Attached to a concern with a handling code, the document carries the concern's code.",
        widget=forms.Select(attrs=SELECT),
    )

    def __init__(self, *args: object, items: list[Item], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        accepted = ", ".join(t.label for t in filetypes.ACCEPTED)
        self.fields["file"].help_text = f"{accepted}; up to {filesizeformat(settings.DOCUMENT_MAX_BYTES)}."
        self.fields["item"].choices = [(WHOLE_RECORD, "The child's record as a whole")] + [  # type: ignore[attr-defined]
            (item.key, item.label) for item in items
        ]

    def item_reference(self) -> tuple[str, str]:
        """(item_type, item_id) of the chosen item, or two blanks for the record as a whole."""
        item_type, _, item_id = (self.cleaned_data.get("item") or "").partition(":")
        return item_type, item_id
