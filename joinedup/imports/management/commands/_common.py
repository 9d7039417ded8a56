from django.core.management.base import CommandError

from joinedup.accounts.models import User
from joinedup.imports.models import ImportBatch


def user_named(username: str) -> User:
    user = User.objects.select_related("agency").filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active user is called {username}.")
    return user


def batch_report(batch: ImportBatch) -> str:
    counts = ", ".join(f"{name} {value}" for name, value in batch.counts().items())
    lines = [f"Imported {batch.file_name}: {counts}."]
    if batch.unhandled:
        kept = ", ".join(f"{count} {kind}" for kind, count in sorted(batch.unhandled.items()))
        lines.append(f"Kept, not acted on yet: {kept}.")
    for row in batch.rejected_rows.all():
        column = f", column {row.column}" if row.column else ""
        lines.append(f"Kept aside: {row.file_name} row {row.row_number}{column}: {row.reason}")
    return "\n".join(lines)
