"""Every page about one record (a route with arguments that some role opens by GET) is linked from some page.

The browser crawl in tests/browser/test_accessibility.py follows links from each role's home page, but only
reaches the records the demo area holds. This guard reads the code instead: each such route must be named by a
``{% url %}`` tag in a template, or by ``reverse``/``reverse_lazy``/``redirect``/``resolve_url`` (or a mapping of
fields to their change pages) in application code outside its own view, so some page leads to it. A new page about
one record with no link fails here, unless ``NOT_LINKED`` says why no link is meant to lead to it.
"""

import inspect
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from joinedup.web.tests.test_permission_matrix import MATRIX

ROOT = Path(settings.BASE_DIR)
# Files, not pages: downloads, exports and photos.
DOWNLOAD_ENDINGS = (".csv", ".pdf", ".zip", ".json", "download/", "photo/")
# Pages about one record that no link is meant to lead to, each with the reason.
NOT_LINKED: dict[str, str] = {
    "community:report": "a business's own reporting link, given to the business (a poster, a card), not linked",
}
TEMPLATE_URL = re.compile(r"""\{%\s*url\s+['"]([\w:-]+)['"]""")
CODE_NAME = re.compile(r"""(?:(?:reverse|reverse_lazy|redirect|resolve_url)\(\s*|:\s*)f?['"]([a-z]+:[\w-]+)['"]""")


def _routes(
    resolver: URLResolver | None = None, prefix: str = "", route: str = ""
) -> Iterator[tuple[str, str, Callable]]:
    """Every named route: its name, its address pattern and its view."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _routes(pattern, namespace, route + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{prefix}{pattern.name}", route + str(pattern.pattern), pattern.callback


def _record_pages() -> dict[str, Callable]:
    """Routes with arguments that the permission matrix opens by GET to some role: pages about one record."""
    pages = {}
    for name, pattern, view in _routes():
        row = MATRIX.get(name)
        if (
            row is None
            or row.method != "get"
            or row.api_call is not None
            or "<" not in pattern
            or name.startswith(("admin:", "api:"))
            or pattern.endswith(DOWNLOAD_ENDINGS)
            or name.endswith(("download", "-csv", "-photo"))
        ):
            continue
        if any(code == 200 for cell in row.cells.values() for code in cell):
            pages[name] = view
    return pages


def _view_source(view: Callable) -> tuple[Path, range]:
    """The file and lines of a route's own view (its class, for a class-based view)."""
    target = inspect.unwrap(getattr(view, "view_class", view))
    lines, first = inspect.getsourcelines(target)
    return Path(inspect.getsourcefile(target) or ""), range(first, first + len(lines))


def _template_names() -> set[str]:
    names: set[str] = set()
    for folder in (ROOT / "templates", ROOT / "joinedup"):
        for template in folder.rglob("*.html"):
            names.update(TEMPLATE_URL.findall(template.read_text(encoding="utf-8")))
    return names


def _code_references() -> dict[str, list[tuple[Path, int]]]:
    """Route names written in application code (not tests, not migrations), with where each is written."""
    found: dict[str, list[tuple[Path, int]]] = {}
    for source in (ROOT / "joinedup").rglob("*.py"):
        if "tests" in source.parts or "migrations" in source.parts:
            continue
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
            for name in CODE_NAME.findall(line):
                found.setdefault(name, []).append((source.resolve(), number))
    return found


def _unlinked(exceptions: dict[str, str] = NOT_LINKED) -> list[str]:
    in_templates = _template_names()
    in_code = _code_references()
    missing = []
    for name, view in sorted(_record_pages().items()):
        if name in exceptions or name in in_templates:
            continue
        own_file, own_lines = _view_source(view)
        # The route's own view sending the user back to itself after a form is sent leads nobody there.
        elsewhere = [
            (path, line) for path, line in in_code.get(name, []) if path != own_file.resolve() or line not in own_lines
        ]
        if not elsewhere:
            missing.append(name)
    return missing


def test_every_page_about_one_record_is_linked_from_some_page() -> None:
    assert _unlinked() == [], (
        "pages about one record that no template or view links to: add a link on the page that leads to each "
        "(the record's page or its list), or a reason in NOT_LINKED"
    )


def test_the_guard_finds_the_pages_it_checks() -> None:
    pages = _record_pages()
    # Pages known to be about one record are checked, files and API operations are not.
    assert {"children:detail", "missing:episode", "plans:detail", "linkage:person"} <= set(pages)
    assert not {"jobs:download", "oversight:figure-csv", "api:child", "admin:accounts_user_change"} & set(pages)


def test_a_page_named_only_by_its_own_redirect_counts_as_unlinked(monkeypatch: pytest.MonkeyPatch) -> None:
    # A route named only inside its own view (the redirect after its form is sent) is not linked from anywhere.
    guard = sys.modules[__name__]
    name = "linkage:person"
    view = _record_pages()[name]
    own_file, own_lines = _view_source(view)
    monkeypatch.setattr(guard, "_template_names", lambda: set())
    monkeypatch.setattr(guard, "_code_references", lambda: {name: [(own_file.resolve(), own_lines[0])]})
    assert name in guard._unlinked()


def test_every_exception_is_a_page_the_guard_checks_and_is_still_unlinked() -> None:
    # An exception for a page that has since been given a link, or that is gone, is taken out.
    assert sorted(set(NOT_LINKED) - set(_record_pages())) == []
    assert sorted(set(_unlinked(exceptions={})) ^ set(NOT_LINKED)) == []
