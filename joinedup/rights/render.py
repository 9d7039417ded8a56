"""A subject access export's files: the JSON as built, a ZIP of that JSON with a CSV per section, and the PDF."""

import csv
import io
import json
import zipfile
from typing import Any, NoReturn

from django.template.loader import render_to_string

from joinedup.spreadsheet import cell_safe

from .document import SubjectAccessDocument


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    # The PDF is made from the template alone: nothing in a child's record may make the renderer fetch a URL or file.
    raise ValueError(f"Not fetched: {url[:80]}")


def export_pdf(document: SubjectAccessDocument) -> bytes:
    """The document as a PDF (WeasyPrint, from templates/rights/export_pdf.html), marks highlighted and labelled."""
    from weasyprint import HTML

    html = render_to_string("rights/export_pdf.html", {"document": document})
    pdf = HTML(string=html, url_fetcher=_no_fetching).write_pdf()
    assert pdf is not None  # noqa: S101 - write_pdf without a target returns the bytes
    return bytes(pdf)


def _section_csv(section: dict[str, Any]) -> str:
    columns: list[str] = []
    for item in section["items"]:
        for shown in [*item["dates"], *item["fields"]]:
            if shown["name"] not in columns:
                columns.append(shown["name"])
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["item_id", "agency", *columns, "marked_for_redaction", "entered_in_error", "corrections"])
    for item in section["items"]:
        values = {shown["name"]: shown for shown in [*item["dates"], *item["fields"]]}
        marked = [f"{name}: {shown['mark']}" for name, shown in values.items() if shown["mark"]]
        row = [
            item["id"],
            item["agency"],
            *[values[name]["value"] if name in values else "" for name in columns],
            "; ".join(marked),
            "yes" if item["entered_in_error"] else "",
            json.dumps(item["corrections"], ensure_ascii=False) if item["corrections"] else "",
        ]
        writer.writerow([cell_safe(cell) for cell in row])
    return buffer.getvalue()


def export_zip(json_text: str, *, stem: str) -> bytes:
    """The JSON as built, and one CSV per section that holds anything (formula text neutralised)."""
    document = json.loads(json_text)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}/{stem}.json", json_text)
        for number, section in enumerate(document["sections"], start=1):
            if section["items"]:
                archive.writestr(f"{stem}/{number:02d}-{section['key']}.csv", _section_csv(section))
    return buffer.getvalue()
