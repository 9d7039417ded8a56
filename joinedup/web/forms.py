"""Helpers shared by every app's pages."""

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.forms import Form


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
