"""Files the pages hand over for downloading."""

import csv
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse

from joinedup.spreadsheet import cell_safe


def csv_download(name: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> HttpResponse:
    """A CSV file ``name``.csv with its header and rows, every cell made safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([cell_safe(value) for value in row] for row in rows)
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response
