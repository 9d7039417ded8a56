"""Real Chromium on a phone-sized screen: someone at the Station Hotel sends a report through the hotel's reporting
link, without signing in; the coordinator turns it into a concern about a child at that hotel."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.browser.conftest import sign_in
from tests.live_stack import LiveStack

pytestmark = pytest.mark.browser
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.2 AA violations (the reporting pages are not in the crawl: no page links to them)."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"]]


PHONE: ViewportSize = {"width": 375, "height": 667}
ISSUE_LINK = (
    "from joinedup.accounts.models import User;"
    "from joinedup.community.models import Business;"
    "from joinedup.community.services import reporting_token_issue;"
    "print(reporting_token_issue(user=User.objects.get(username='coordinator'),"
    " business=Business.objects.get(name='Station Hotel')))"
)
A_CHILD = (
    "from joinedup.children.models import Child;"
    "c = Child.objects.filter(joined_into__isnull=True).order_by('family_name', 'given_name').first();"
    "print(c.given_name, c.family_name)"
)
WHAT = "Room 12 booked for cash at 11pm; a girl of about 14 with no luggage went up with two men."


def test_a_hotel_report_sent_from_a_phone_becomes_a_concern_at_the_hotel(
    browser: Browser, page: Page, stack: LiveStack
):
    token = stack.manage("shell", "--no-imports", "-c", ISSUE_LINK).split()[-1]
    given, family = stack.manage("shell", "--no-imports", "-c", A_CHILD).split()[-2:]

    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        reporter = phone.new_page()
        reporter.goto(f"{stack.base_url}/report/{token}/")
        expect(reporter.get_by_role("heading", name="Report a worry at Station Hotel")).to_be_visible()
        # Mobile-first: nothing runs off the side of a 375-pixel screen.
        assert reporter.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert _violations(reporter) == []
        # A report with nothing in it is refused with the GOV.UK error summary, and it too is accessible.
        reporter.get_by_role("button", name="Send the report").click()
        expect(reporter.get_by_text("There is a problem")).to_be_visible()
        assert _violations(reporter) == []
        # The hotel's warning signs, and not another kind's.
        expect(reporter.get_by_label("Rooms booked for cash or by walk-ins")).to_be_visible()
        expect(reporter.get_by_text("An adult paying the fare")).to_have_count(0)
        reporter.get_by_label("Rooms booked for cash or by walk-ins").check()
        reporter.get_by_label("Guests with no luggage").check()
        reporter.get_by_label("What happened?").fill(WHAT)
        reporter.get_by_label("When did it happen?").fill(
            f"{dt.datetime.now(dt.UTC).date() - dt.timedelta(days=2)}T12:00"
        )
        reporter.get_by_role("button", name="Send the report").click()
        expect(reporter.get_by_role("heading", name="Report sent")).to_be_visible()
        assert _violations(reporter) == []
        # Nothing of the report (or of any other) is shown back.
        body = reporter.locator("body").inner_text()
        assert "Room 12" not in body and "Station Hotel" not in body and token not in reporter.url
        reporter.goto(f"{stack.base_url}/report/")
        expect(reporter.get_by_role("heading", name="Report a worry about a child")).to_be_visible()
        assert _violations(reporter) == []
    finally:
        phone.close()

    sign_in(page, stack, "coordinator")
    page.get_by_role("link", name="Community reports").first.click()
    expect(page.get_by_role("heading", name="Community reports")).to_be_visible()
    assert _violations(page) == []
    # The newest of the hotel's reports is the one just sent: open it from the queue.
    rows = page.locator("[data-queue] tbody tr", has_text="Station Hotel")
    rows.last.get_by_role("link").click()
    expect(page.locator("[data-report]")).to_contain_text(WHAT)
    assert _violations(page) == []
    page.get_by_label("Find the child by name").fill(family)
    page.get_by_role("button", name="Find").click()
    page.get_by_label(f"{given} {family}", exact=False).first.check()
    page.get_by_label("Kind of concern").select_option("11A")
    page.get_by_role("button", name="Record the concern").click()
    expect(page.locator("[data-report]")).to_contain_text("Turned into a concern")
    expect(page.locator("[data-report]")).to_contain_text("at Station Hotel")
    # The coordinator's business pages pass axe-core too.
    page.locator("[data-report]").get_by_role("link", name="Station Hotel").click()
    expect(page.get_by_role("heading", name="Station Hotel")).to_be_visible()
    expect(page.locator("[data-staff]")).to_contain_text("Morgan Innkeeper")
    assert _violations(page) == []
    page.get_by_role("link", name="Back to the registered businesses").click()
    expect(page.locator("[data-businesses]")).to_contain_text("Wealdbridge Private Hire")
    assert _violations(page) == []
    page.get_by_role("link", name="Register a business").click()
    assert _violations(page) == []
