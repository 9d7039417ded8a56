"""Real Chromium: a partnership leader lands on the oversight figures, drills from the late return interviews to
the children behind them, and gives a purpose before a named child's record opens."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.live_stack import LiveStack

pytestmark = pytest.mark.browser

LATE = (
    "from joinedup.oversight import figures; from joinedup.accounts.models import User;"
    "leader = User.objects.get(username='leader');"
    "print(figures.BY_KEY['interviews-late'].rows(leader, figures.default_filters()).count())"
)


def test_a_leader_drills_from_late_return_interviews_to_the_children_behind_them(page: Page, stack: LiveStack):
    late = int(stack.manage("shell", "--no-imports", "-c", LATE).split()[-1])
    assert 0 < late <= 50, "the demo area should have a page of late return interviews"
    page.goto(f"{stack.base_url}/sign-in/")
    page.get_by_label("Username").fill("leader")
    page.get_by_label("Password").fill("joinedup-demo")
    page.get_by_role("button", name="Sign in").click()
    # A partnership leader's home is the oversight dashboard.
    page.wait_for_url(f"{stack.base_url}/oversight/")
    expect(page.get_by_role("heading", name="Oversight", exact=True)).to_be_visible()
    expect(page.locator('[data-figure="interviews-late"]')).to_have_text(f"{late} return interviews")
    page.get_by_role("link", name="See the list of return interviews late").click()
    expect(page.get_by_role("heading", name="Return interviews late")).to_be_visible()
    rows = page.locator('table[data-figure="interviews-late"] tbody tr')
    expect(rows).to_have_count(late)
    first = rows.first.get_by_role("link")
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", name="Why are you opening this child's record?")).to_be_visible()
    expect(page.get_by_text(name)).to_have_count(0)
    page.get_by_label("Case audit").check()
    page.get_by_role("button", name="Open the record").click()
    expect(page.get_by_role("heading", name=re.compile(re.escape(name)))).to_be_visible()
