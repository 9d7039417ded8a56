"""A profile's HTML (the report itself, shown in the site's page) and its PDF (WeasyPrint, fetching nothing)."""

import logging
from typing import Any, NoReturn

from django.template.loader import render_to_string

from .content import ProfileContent


def _no_fetching(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    # Made from the template alone: nothing in the profile may make the renderer fetch a URL or a file.
    raise ValueError(f"Not fetched: {url[:80]}")


def profile_html(content: ProfileContent) -> str:
    return render_to_string("profiles/_report.html", {"content": content})


def profile_document(body: str) -> str:
    """The whole HTML document the PDF is made from: the report with its print styles."""
    return render_to_string("profiles/pdf.html", {"body": body})


def profile_pdf(body: str) -> bytes:
    from weasyprint import HTML

    # Its page-by-page progress is not the worker's news: the job's progress says where the build is.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

    pdf = HTML(string=profile_document(body), url_fetcher=_no_fetching).write_pdf()
    assert pdf is not None  # noqa: S101 - write_pdf without a target returns the bytes
    return bytes(pdf)
