"""Keyboard-only journeys (issue 15): reporting a child missing and recording the return home interview, with
no mouse: every control is reached with Tab, chosen with Enter or Space, and filled by typing."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.live_stack import LiveStack

pytestmark = pytest.mark.browser

LONDON = ZoneInfo("Europe/London")
FIND_CHILD = (
    "import json;"
    "from joinedup.access.policy import children_visible_to as v;"
    "from joinedup.accounts.models import User as U;"
    "c = v(U.objects.get(username='practitioner-police')).exclude(missing_episodes__returned_at__isnull=True)"
    ".order_by('family_name').last();"
    "print(json.dumps({'id': str(c.pk), 'name': c.full_name}))"
)
# What the focused element is called: its label, its accessible name, or its text.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return "";
  const label = e.labels && e.labels.length ? e.labels[0].innerText : "";
  return (label || e.getAttribute("aria-label") || e.innerText || e.value || "").trim();
}"""


def tab_to(page: Page, name: str, *, limit: int = 250) -> None:
    """Press Tab until the focused control is the one named; fail if Tab never reaches it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if name in page.evaluate(FOCUSED):
            return
    raise AssertionError(f"Tab never reached {name!r}")


def type_when(page: Page, label: str, moment: datetime) -> None:
    """A date and time typed into the focused field as a person would, segment by segment, in UK time. Debian's
    Chromium lays the field out month, day, year, then hour (12-hour), minutes and AM/PM, whatever the page's
    language; Tab moves between the segments."""
    tab_to(page, label)
    local = moment.astimezone(LONDON)
    hour = local.hour % 12 or 12
    for segment in (f"{local:%m}", f"{local:%d}", f"{local:%Y}"):
        page.keyboard.type(segment)
    page.keyboard.press("Tab")
    page.keyboard.type(f"{hour:02d}{local:%M}")
    page.keyboard.type("AM" if local.hour < 12 else "PM")
    assert page.evaluate("() => document.activeElement.value") == f"{local:%Y-%m-%dT%H:%M}"


def fill(page: Page, label: str, text: str) -> None:
    tab_to(page, label)
    page.keyboard.type(text)


def press(page: Page, name: str, key: str = "Enter") -> None:
    """Reach the named link or button with Tab and press it; Enter follows a link or sends a form (and the next
    page is waited for), Space ticks a box."""
    tab_to(page, name)
    if key == "Enter":
        with page.expect_navigation():
            page.keyboard.press(key)
    else:
        page.keyboard.press(key)


def test_reporting_missing_and_the_return_interview_with_the_keyboard_alone(browser: Browser, stack: LiveStack):
    child = json.loads(stack.manage("shell", "--no-imports", "-c", FIND_CHILD).strip().splitlines()[-1])
    context = browser.new_context(timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(20_000)
    now = datetime.now(tz=ZoneInfo("UTC")).replace(second=0, microsecond=0)

    page.goto(f"{stack.base_url}/sign-in/")
    fill(page, "Username", "practitioner-police")
    fill(page, "Password", "joinedup-demo")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    page.goto(f"{stack.base_url}/children/{child['id']}/")
    press(page, "Report missing")
    type_when(page, "When the child was last seen", now - timedelta(hours=6))
    type_when(page, "When it was reported (if not now)", now - timedelta(hours=5))
    fill(page, "Who reported it", "Carer at the placement")
    fill(page, "Where the child was last seen", "Wealdbridge bus station")
    tab_to(page, "Risk grade")
    page.keyboard.type("High")
    assert page.evaluate("() => document.activeElement.value") == "high"
    fill(page, "Reasons for the risk grade", "Seen with an adult of concern; phone switched off.")
    press(page, "Report missing")
    expect(page.get_by_role("heading", name="Missing Open")).to_be_visible()

    press(page, "Record found")
    type_when(page, "When the child was found", now - timedelta(hours=3))
    fill(page, "Where the child was found", "The retail park car park")
    press(page, "Save")
    press(page, "Record return")
    type_when(page, "When the child returned", now - timedelta(hours=2))
    press(page, "Save")
    expect(page.get_by_role("heading", name="Missing Returned")).to_be_visible()

    press(page, "Record the offer")
    type_when(page, "When the interview was offered", now - timedelta(hours=1))
    tab_to(page, "The child's answer")
    page.keyboard.type("Accepted")
    press(page, "Save")
    press(page, "Record the interview")
    type_when(page, "When the interview took place", now - timedelta(minutes=30))
    fill(page, "What the child said, in their own words", "I went to see my mates and got a lift back.")
    press(page, "Pull: to see family or friends", key="Space")
    assert page.evaluate("() => document.activeElement.checked") is True
    press(page, "Save")

    expect(page.get_by_text("I went to see my mates and got a lift back.")).to_be_visible()
    expect(page.locator("#interview-due")).to_contain_text("On time")
    context.close()
