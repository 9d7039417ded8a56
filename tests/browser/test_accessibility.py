"""Real Chromium, per role: every page is reachable from the menu or a link, and axe-core finds no WCAG 2.2 AA
violation on any page (issue 15).

Each role signs in to the demo area and follows the links from its home page (see _crawl: every route first,
then more records of each, every child's record, within ``MAX_PAGES``; a GET form that only asks for a choice,
such as a partnership leader's reason for opening a child's record, is sent with its first choice). Two things
are checked:

- **Reachable.** Every page the permission matrix gives the role (a GET route answering 200) is reached by
  following links, unless ``NOT_LINKED`` says why it is not meant to be. A page about one record (a route with
  arguments) counts as reached when any record's page of that route is. It is expected only where the demo area
  holds a record the role may open it for: the test opens the record pages it saw linked (the episode under an
  episode's "found" step) and tries the page for those records. A record it opens for fails the test where the
  role never reached that record's page, or where no page offered the page to any role; otherwise the page is
  left out, with the reason computed (no such record linked for the role; or the record's pages, opened, offer
  it only to another role or in a state no record the role sees is in) and printed, not listed by hand.
- **Accessible.** axe-core (the copy shipped with axe-playwright-python) runs on each route once, for the first
  role that reaches it, with the WCAG 2.0, 2.1 and 2.2 A and AA rules; no violation is allowed.

joinedup/web/tests/test_every_route_is_linked.py checks the same for every record, whatever the demo holds, by
reading the templates and views.
"""

import heapq
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlencode, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import NoReverseMatch, Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
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
# Routes that give a file, not a page, whatever their address looks like.
DOWNLOAD_ROUTES = ("download", "-csv", "-photo")
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
    "mapping:period-networks": "a fragment the networks table reloads while a period's networks are worked out",
    "mapping:neighbours": "the network view's JSON, fetched as a node is expanded",
    "mapping:child-panel": "a fragment the map loads as a child's point is chosen, not a page of its own",
    "jobs:progress": "a fragment the job's page reloads while the job runs, not a page of its own",
    "linkage:candidates": "a fragment under the Record a child form, reloaded as the details are typed",
    "linkage:connect": "asked for from the candidates fragment's button (a form), not a page of its own",
    "training:coverage-list": "the list behind a count of the coverage table, linked from each count above 0",
    "missing:alerts": "reached from the menu's alerts badge; administrators have no alerts (no need to know)",
    "community:report-public": "the public reporting page, given to the community (posters, the council's site)",
    "community:report-thanks": "shown after a report is sent, and only then",
    "community:report": "a business's own reporting link, given to the business (a poster, a card)",
    "voice:speak": "the child's speaking-out link, given to the child (checked in test_voice_browser.py)",
    "voice:speak-sent": "the page a child sees after sending through their link (checked in test_voice_browser.py)",
}
MAX_PAGES = 700
# Records a route is opened for when its pages show nothing new (see _crawl).
OPENED_UNLESS_NEW = 2
# Records of a kind tried, for a page about one record that the crawl did not reach.
MAX_TRIED = 30


def _route(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def _patterns(resolver: URLResolver | None = None, prefix: str = "", route: str = "") -> Iterator[tuple[str, str]]:
    """Every named route and its address pattern."""
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from _patterns(pattern, namespace, route + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{prefix}{pattern.name}", route + str(pattern.pattern)


PATTERNS = dict(_patterns())
BY_PATTERN = {pattern.rstrip("/"): name for name, pattern in PATTERNS.items()}


def _record_route(name: str) -> str:
    """The page of the record a route is about: the route whose address stops at its last argument (the episode
    for an episode's "found" step); the route itself where there is none."""
    pattern = PATTERNS[name]
    return BY_PATTERN.get(pattern[: pattern.rfind(">") + 1], name)


@dataclass
class Crawl:
    reached: set[str] = field(default_factory=set)
    # Every address linked from a page reached, by route, whether or not it was opened.
    linked: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    violations: dict[str, list[str]] = field(default_factory=dict)
    pages: int = 0
    # Whether every address linked was opened (False: MAX_PAGES stopped it first).
    finished: bool = False


class _Links(HTMLParser):
    """The links of a page: its ``a href``s, and each GET form that only asks for a choice (a partnership
    leader's reason for opening a child's record), sent with its first choice."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.hrefs: list[str] = []
        self.form: dict[str, str] | None = None
        self.action = ""
        self.asks_more = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "a" and found.get("href"):
            self.hrefs.append(found["href"])
        elif tag == "form" and found.get("method", "get").lower() == "get":
            self.form, self.action, self.asks_more = {}, found.get("action") or self.path.split("?")[0], False
        elif self.form is not None and tag in ("input", "select", "textarea"):
            kind = found.get("type", "text")
            if kind == "radio":
                self.form.setdefault(found.get("name", ""), found.get("value", ""))
            elif kind not in ("hidden", "submit"):
                self.asks_more = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.form is not None:
            if self.form and not self.asks_more:
                self.hrefs.append(f"{self.action}?{urlencode(self.form)}")
            self.form = None


def _links(path: str, html: str) -> list[str]:
    links = _Links(path)
    links.feed(html)
    return links.hrefs


def _open(page: Page, stack: LiveStack, axe: Axe, path: str, checked: set[str], crawl: Crawl) -> list[str]:
    """Open one address as the signed-in role: the links on it, after axe has run on it if its route is new.

    A route axe has checked is fetched without drawing the page (the same request, with the role's session), so
    the crawl can open many records' pages in the time."""
    base = stack.base_url
    if _route(urlsplit(path).path) in checked:
        response = page.request.get(base + path)
        landed = urlsplit(response.url).path
        if response.status != 200 or not response.headers.get("content-type", "").startswith("text/html"):
            return []
        if _route(landed) in checked:
            crawl.reached.add(_route(landed) or "")
            return _links(path, response.text())
    drawn = page.goto(base + path)
    if drawn is None or drawn.status != 200:
        return []
    landed = urlsplit(page.url).path
    route = _route(landed)
    if route is None:
        return []
    crawl.reached.add(route)
    if route not in checked:
        checked.add(route)
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
        found = [
            f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(n['target'][0] for n in v['nodes'][:3])}"
            for v in results.response["violations"]
        ]
        if found:
            crawl.violations[f"{route} {landed}"] = found
    return _links(path, page.content())


def _hub(name: str) -> bool:
    """A child's record: what it links to (the child's episodes, plans, discussions) differs child by child."""
    return name == "children:detail"


def _follow(crawl: Crawl, base: str, hrefs: list[str]) -> list[tuple[str, str]]:
    """The addresses worth opening among the links of a page, with their route; each is noted in crawl.linked."""
    found = []
    for href in hrefs:
        target = urldefrag(href)[0]
        if not target or target.startswith(("mailto:", "tel:", "javascript:")):
            continue
        parts = urlsplit(target)
        if parts.netloc and base.split("//", 1)[1] != parts.netloc:
            continue
        link_path = parts.path if parts.path.startswith("/") else None
        if link_path is None or link_path.startswith(NOT_FOLLOWED) or link_path.endswith(DOWNLOADS):
            continue
        target_route = _route(link_path)
        if target_route is None:
            continue
        crawl.linked[target_route].add(link_path)
        found.append((link_path + (f"?{parts.query}" if parts.query else ""), target_route))
    return found


def _crawl(page: Page, stack: LiveStack, axe: Axe, checked: set[str]) -> Crawl:
    """The routes reached from the home page, the links seen, and the axe violations of routes not yet checked.

    The next address opened is one of the route opened the fewest times so far (a route never opened first), so
    the crawl reaches every route first, then the pages under a second record, a third, and so on. A route whose
    pages have shown no link to a route not seen before is opened for ``OPENED_UNLESS_NEW`` records only; a
    child's own pages, and a route whose pages did show something new, for every record. Of the addresses that
    differ only in their query (a list's filters and pages), only the first of a path is opened."""
    base = stack.base_url
    crawl = Crawl()
    opened: dict[str, int] = defaultdict(int)
    productive: set[str] = set()
    queue: list[tuple[int, int, str, str]] = [(0, 0, "/", "web:home")]
    queued: set[str] = {"/"}
    order = 0
    while queue and crawl.pages < MAX_PAGES:
        times, _, path, link_route = heapq.heappop(queue)
        if times < opened[link_route] and not _hub(link_route):  # opened since: wait behind the routes opened less
            order += 1
            heapq.heappush(queue, (opened[link_route], order, path, link_route))
            continue
        if opened[link_route] >= OPENED_UNLESS_NEW and link_route not in productive and not _hub(link_route):
            continue
        opened[link_route] += 1
        crawl.pages += 1
        known = set(crawl.linked)
        for full, target_route in _follow(crawl, base, _open(page, stack, axe, path, checked, crawl)):
            if target_route not in known:
                productive.add(link_route)
            if full in queued or (
                "?" in full
                and full.split("?", 1)[0] in queued
                and target_route in opened
                and _takes_no_arguments(target_route)
            ):
                continue
            queued.update({full, full.split("?", 1)[0]})
            order += 1
            heapq.heappush(queue, (0 if _hub(target_route) else opened[target_route], order, full, target_route))
    crawl.finished = not queue
    return crawl


def _reach_through_records(page: Page, stack: LiveStack, axe: Axe, name: str, checked: set[str], crawl: Crawl) -> bool:
    """For a page about one record that the crawl did not reach (an episode's "found" step, a child's message):
    open the pages it saw linked that may lead to it: the record's own page (the episode), or the pages of the
    same part of the service about the same kind of record (the child's speaking-out page), and the page if one
    of them links to it. Whether it was reached."""
    record_route = _record_route(name)
    first_argument = re.findall(r"<(?:\w+:)?(\w+)>", PATTERNS[name])[0]
    if record_route != name:
        parents = [record_route]
    else:
        parents = [
            other
            for other in crawl.linked
            if other != name
            and other.split(":")[0] == name.split(":")[0]
            and f"{first_argument}>" in PATTERNS.get(other, "")
        ]
    paths = sorted(path for parent in parents for path in crawl.linked[parent])
    for path in paths[:MAX_TRIED]:
        for full, target_route in _follow(crawl, stack.base_url, _open(page, stack, axe, path, checked, crawl)):
            if target_route == name:
                _open(page, stack, axe, full, checked, crawl)
                if name in crawl.reached:
                    return True
    return False


def _takes_no_arguments(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def _pages_for(role: str) -> set[str]:
    """GET pages (not files, not the API, not Django's administration) the permission matrix opens to the role
    for some record: its own agency's, one shared with it, or any."""
    return {
        name
        for name, row in MATRIX.items()
        if row.method == "get"
        and row.api_call is None
        and any(cell == 200 for cell in row.cells.get(role, (0, 0, 0)))
        and not name.startswith(("admin:", "api:"))  # Django's own administration pages, reached from its index
        and not name.endswith(DOWNLOAD_ROUTES)
        and not PATTERNS[name].endswith(DOWNLOADS)  # a file, not a page
        and name not in NOT_LINKED
    }


def _first_record_that_opens(
    page: Page, stack: LiveStack, name: str, crawl: Crawl, linked_anywhere: set[str]
) -> tuple[str | None, str]:
    """An address of the route, for a record linked in the crawl, that opens for the signed-in role; or None and
    why the demo area holds no such record for the role. ``linked_anywhere``: the routes some role's crawl saw a
    link to, on any page."""
    record_route = _record_route(name)
    tried: list[str] = []
    for path in sorted(crawl.linked.get(name, set()) | crawl.linked.get(record_route, set())):
        kwargs = resolve(path).kwargs
        try:
            address = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        if address in tried:
            continue
        tried.append(address)
        response = page.request.get(stack.base_url + address, max_redirects=0)
        if response.status == 200:
            if record_route != name and record_route in crawl.reached and name in linked_anywhere:
                # The record's pages were opened and none offers the page, though some page offers it to some role:
                # the record's pages offer it only in a state (the coordinator, or an agency not yet involved, opens
                # an involvement) no record of the demo area is in for this role.
                return None, (
                    f"opens at {address}, but none of the {record_route} pages this role opened links to it: they "
                    "offer it to another role, or in a state no record the role sees is in"
                )
            return address, ""
        if len(tried) >= MAX_TRIED:
            break
    within = "" if crawl.finished else f" (the crawl stopped at MAX_PAGES, {MAX_PAGES})"
    if not tried:
        return None, f"no page this role opened links to a {record_route} page{within}"
    return None, f"none of the {len(tried)} {record_route} records linked for this role opens it{within}"


def _sign_in(page: Page, stack: LiveStack, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{stack.base_url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("joinedup-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def test_every_page_is_reachable_by_each_role_and_axe_finds_no_violation(page: Page, stack: LiveStack) -> None:
    axe = Axe()
    checked: set[str] = set()
    unreachable: dict[str, list[str]] = {}
    violations: dict[str, list[str]] = {}
    left_out: dict[str, dict[str, str]] = {}
    crawls: dict[str, Crawl] = {}
    for role, username in ACCOUNTS.items():
        _sign_in(page, stack, username)
        crawl = crawls[username] = _crawl(page, stack, axe, checked)
        violations.update(crawl.violations)
        for name in sorted(_pages_for(role) - crawl.reached):
            if not _takes_no_arguments(name):
                _reach_through_records(page, stack, axe, name, checked, crawl)
    # Each role again, knowing what every role's crawl saw linked.
    linked_anywhere = {name for crawl in crawls.values() for name in crawl.linked}
    for role, username in ACCOUNTS.items():
        crawl = crawls[username]
        _sign_in(page, stack, username)
        missing = []
        for name in sorted(_pages_for(role) - crawl.reached):
            if _takes_no_arguments(name):
                missing.append(name)
                continue
            address, reason = _first_record_that_opens(page, stack, name, crawl, linked_anywhere)
            if address is not None:
                missing.append(f"{name} (opens at {address})")
            else:
                left_out.setdefault(username, {})[name] = reason
        print(
            f"{username}: {crawl.pages} pages opened, {len(crawl.reached)} routes reached, all links: {crawl.finished}",
            flush=True,
        )
        for name, reason in sorted(left_out.get(username, {}).items()):
            print(f"  left out {name}: {reason}", flush=True)
        if missing:
            unreachable[username] = missing
    assert violations == {}, "axe-core found violations:\n" + "\n".join(
        f"{where}: {v}" for where, found in violations.items() for v in found
    )
    assert unreachable == {}, "pages the role may open that no link it can follow leads to:\n" + "\n".join(
        f"{username}: {name}" for username, names in unreachable.items() for name in names
    )
