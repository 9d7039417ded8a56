"""Real Chromium, per role: every page is reachable from the menu or a link, and axe-core finds no WCAG 2.2 AA
violation on any page (issue 15).

Each role signs in to the demo area and follows every link from its home page (breadth first, one page for each
route: a child's record stands for every child's record). Two things are checked:

- **Reachable.** Every page the permission matrix gives the role (a GET route answering 200 for its own
  agency's records) is reached by following links, unless ``NOT_LINKED`` says why it is not meant to be.
- **Accessible.** axe-core (the copy shipped with axe-playwright-python) runs on each route once, for the first
  role that reaches it, with the WCAG 2.0, 2.1 and 2.2 A and AA rules; no violation is allowed.
"""

from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import NoReverseMatch, Resolver404, resolve, reverse
from playwright.sync_api import Page

from joinedup.accounts.models import RoleCode
from joinedup.web.tests.test_permission_matrix import MATRIX
from tests.live_stack import LiveStack

pytestmark = pytest.mark.browser

# One demo account for each role (README: Demo accounts).
ACCOUNTS = {
    RoleCode.COORDINATOR: "coordinator",
    RoleCode.MANAGER: "manager",
    RoleCode.PRACTITIONER: "practitioner-social-care",  # the matrix's agency: children's social care
    RoleCode.LEADER: "leader",
    RoleCode.ADMINISTRATOR: "admin",
}
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# Links not followed: they change something, leave the pages (files, the administration's own pages), or
# sign out.
NOT_FOLLOWED = ("/sign-out/", "/admin/", "/static/", "/api/", "/media/")
DOWNLOADS = (".csv", ".pdf", ".zip", ".json", "/download/", "/photo/")
# Pages a role may open that no link is meant to lead to, each with the reason.
NOT_LINKED: dict[str, str] = {
    "accounts:sign-in": "the sign-in page: a signed-in user is not sent back to it",
    "accounts:two-factor": "the second sign-in step, reached only while signing in",
    "web:favicon": "asked for by the browser, not by a link",
    "language:check": "called by the page as the practitioner writes (POST), not a page",
    "api-index": "the REST API, for agency systems (docs/api.md), not for people",
    "api:api-root": "the REST API, for agency systems (docs/api.md), not for people",
    "api:openapi-json": "the REST API's schema, for agency systems (docs/api.md)",
    "missing:alerts-badge": "a fragment the menu reloads, not a page",
    "mapping:hotspot-list": "a fragment the hotspot page reloads as the period changes",
    "mapping:neighbours": "the network view's JSON, fetched as a node is expanded",
    "linkage:candidates": "a fragment under the Record a child form, reloaded as the details are typed",
    "linkage:connect": "asked for from the candidates fragment's button (a form), not a page of its own",
    "training:coverage-list": "the list behind a count of the coverage table, linked from each count above 0",
    "missing:alerts": "reached from the menu's alerts badge; administrators have no alerts (no need to know)",
    "community:report-public": "the public reporting page, given to the community (posters, the council's site)",
    "community:report-thanks": "shown after a report is sent, and only then",
    "voice:speak-sent": "the page a child sees after sending through their link (checked in test_voice_browser.py)",
}
MAX_PAGES = 400


def _route(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _crawl(page: Page, stack: LiveStack, axe: Axe, checked: set[str]) -> tuple[set[str], dict[str, list[str]]]:
    """The routes reached from the home page, and the axe violations of routes not yet checked."""
    base = stack.base_url
    seen_routes: set[str] = set()
    violations: dict[str, list[str]] = {}
    queue = deque(["/"])
    visited_paths: set[str] = set()
    # One address of each route waits in the queue at a time (another is queued only if that one does not open),
    # so the crawl reaches every route within MAX_PAGES however many records link to the same kind of page.
    queued_routes: set[str] = set()
    while queue and len(visited_paths) < MAX_PAGES:
        path = queue.popleft()
        if path in visited_paths:
            continue
        visited_paths.add(path)
        response = page.goto(base + path)
        if response is None or response.status != 200:
            queued_routes.discard(_route(urlsplit(path).path) or "")
            continue
        landed = urlsplit(page.url).path
        route = _route(landed)
        if route is None:
            continue
        seen_routes.add(route)
        if route not in checked:
            checked.add(route)
            results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
            found = [
                f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(n['target'][0] for n in v['nodes'][:3])}"
                for v in results.response["violations"]
            ]
            if found:
                violations[f"{route} {landed}"] = found
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
            target = urldefrag(href)[0]
            if not target or target.startswith(("mailto:", "tel:", "javascript:")):
                continue
            parts = urlsplit(target)
            if parts.netloc and base.split("//", 1)[1] != parts.netloc:
                continue
            link_path = parts.path if parts.path.startswith("/") else None
            if link_path is None or link_path.startswith(NOT_FOLLOWED) or link_path.endswith(DOWNLOADS):
                continue
            link_route = _route(link_path)
            if link_route is None or link_route in seen_routes or link_route in queued_routes:
                continue
            full = link_path + (f"?{parts.query}" if parts.query else "")
            if full not in visited_paths:
                queue.append(full)
                queued_routes.add(link_route)
    return seen_routes, violations


def _takes_no_arguments(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def _expected_routes(role: str) -> set[str]:
    """GET pages the permission matrix opens to the role (200 for its own agency's records) that are not about
    one record: those are reached from the record's page, whichever record the demo has, and a crawl of one
    record of each kind cannot hold every link of every record."""
    return {
        name
        for name, row in MATRIX.items()
        if row.method == "get"
        and row.api_call is None
        and row.cells.get(role, (0, 0, 0))[0] == 200
        and not name.startswith("admin:")  # Django's own administration pages, reached from its index
        and _takes_no_arguments(name)
        and not reverse(name).endswith(DOWNLOADS)  # a file, not a page
    }


def test_every_page_is_reachable_by_each_role_and_axe_finds_no_violation(page: Page, stack: LiveStack) -> None:
    axe = Axe()
    checked: set[str] = set()
    unreachable: dict[str, list[str]] = {}
    violations: dict[str, list[str]] = {}
    for role, username in ACCOUNTS.items():
        page.context.clear_cookies()
        page.goto(f"{stack.base_url}/sign-in/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill("joinedup-demo")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        reached, found = _crawl(page, stack, axe, checked)
        violations.update(found)
        missing = sorted(_expected_routes(role) - reached - set(NOT_LINKED))
        if missing:
            unreachable[username] = missing
    assert violations == {}, "axe-core found violations:\n" + "\n".join(
        f"{where}: {v}" for where, found in violations.items() for v in found
    )
    assert unreachable == {}, f"pages no link leads to, by account: {unreachable}"
