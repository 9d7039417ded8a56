"""Correcting a kept-aside row: importing it again, with the values a person corrected, as a batch of its own."""

import json
from collections.abc import Callable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from joinedup.accounts.models import User

from . import permissions
from .extract import PEOPLE_FILE, _event_row, _ExtractContext, _person_row
from .models import ImportBatch, ImportKind, RejectedRow
from .parsers import RawRow
from .rows import _apply_row, _batch_start, _finish, _Run, _sha256
from .ssda903 import _ssda903_row


def rejected_row_reimport(*, user: User, rejected: RejectedRow, values: Mapping[str, str]) -> ImportBatch:
    """Import one kept-aside row again with corrected values, as a batch of its own.

    If it goes in, the row is marked resolved; if not, the new batch keeps it aside with the new reason.
    """
    original = rejected.batch
    if not permissions.can_view_batch(user, original) or not permissions.can_import(user):
        raise PermissionDenied
    if rejected.is_resolved:
        raise ValidationError("This row has already been imported.")
    values = {column: str(values.get(column, "")) for column in rejected.raw if column != "(extra cells)"}
    row = RawRow(number=rejected.row_number, values=values)
    content = json.dumps(values, sort_keys=True).encode()
    name = f"{rejected.file_name} row {rejected.row_number} (corrected)"
    with transaction.atomic():
        batch = _batch_start(user=user, kind=original.kind, name=name, sha256=_sha256(content), agency=original.agency)
        run = _Run(batch=batch, user=user)
        if original.kind == ImportKind.SSDA903_MISSING:
            if user.agency is None:
                raise PermissionDenied
            apply: Callable[[RawRow], str] = lambda r: _ssda903_row(run, r)  # noqa: E731
        else:
            ctx = _ExtractContext(run, register_agencies=False)
            ctx.file_name = rejected.file_name
            is_people = rejected.file_name.replace("\\", "/").rsplit("/", 1)[-1].lower() == PEOPLE_FILE
            apply = (lambda r: _person_row(ctx, r)) if is_people else (lambda r: _event_row(ctx, r))
        outcome = _apply_row(run, rejected.file_name, row, apply)
        if outcome is not None:
            rejected.resolved_at = timezone.now()
            rejected.resolved_by_batch = batch
            rejected.raw = values
            rejected.save(update_fields=["resolved_at", "resolved_by_batch", "raw"])
        return _finish(run, 1)
