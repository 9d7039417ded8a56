"""A child reported missing, the alert reaching the key worker without a refresh, and the return interview."""

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import sign_in
from tests.live_stack import LiveStack

pytestmark = pytest.mark.browser

FIND_CHILD = (
    "import json;"
    "from joinedup.access.policy import children_visible_to as v;"
    "from joinedup.accounts.models import User as U;"
    "c = v(U.objects.get(username='practitioner-police')).exclude(missing_episodes__returned_at__isnull=True)"
    ".exclude(key_worker__username='practitioner-police').filter(key_worker__isnull=False).first();"
    "print(json.dumps({'id': str(c.pk), 'name': c.full_name, 'key_worker': c.key_worker.username}))"
)


def _local(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("Europe/London")).strftime("%Y-%m-%dT%H:%M")


def test_a_child_reported_missing_alerts_the_key_worker_and_the_return_interview_is_on_time(
    browser: Browser, page: Page, stack: LiveStack
):
    child = json.loads(stack.manage("shell", "--no-imports", "-c", FIND_CHILD).strip().splitlines()[-1])
    key_worker_context = browser.new_context()
    key_worker = key_worker_context.new_page()
    sign_in(key_worker, stack, child["key_worker"])
    badge = key_worker.locator("#alerts-badge")
    before = (
        int(badge.locator("[data-unread]").get_attribute("data-unread") or 0)
        if badge.locator("[data-unread]").count()
        else 0
    )

    now = datetime.now(tz=ZoneInfo("UTC"))
    sign_in(page, stack, "practitioner-police")
    page.goto(f"{stack.base_url}/children/{child['id']}/")
    page.get_by_role("link", name="Report missing").click()
    page.get_by_label("When the child was last seen").fill(_local(now - timedelta(hours=6)))
    page.get_by_label("When it was reported (if not now)").fill(_local(now - timedelta(hours=5)))
    page.get_by_label("Who reported it").fill("Carer at the placement")
    page.get_by_label("Where the child was last seen").fill("Wealdbridge bus station")
    page.get_by_label("Risk grade", exact=True).select_option("high")
    page.get_by_label("Reasons for the risk grade").fill("Seen with an adult of concern; phone switched off.")
    page.get_by_role("button", name="Report missing").click()
    expect(page.get_by_role("heading", name="Missing Open")).to_be_visible()

    # The key worker's page, untouched since before the report, shows the new alert by itself.
    expect(key_worker.locator("#alerts-badge [data-unread]")).to_have_attribute(
        "data-unread", str(before + 1), timeout=15_000
    )
    key_worker.locator("#alerts-badge").click()
    newest = key_worker.locator("main li").first
    expect(newest).to_contain_text("New")
    expect(newest).to_contain_text(f"{child['name']} has been reported missing (risk: high)")
    key_worker_context.close()

    page.get_by_role("link", name="Record found").click()
    page.get_by_label("When the child was found").fill(_local(now - timedelta(hours=3)))
    page.get_by_label("Where the child was found").fill("The retail park car park")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Record return").click()
    page.get_by_label("When the child returned").fill(_local(now - timedelta(hours=2)))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="Missing Returned")).to_be_visible()

    page.get_by_role("link", name="Record the offer").click()
    page.get_by_label("When the interview was offered").fill(_local(now - timedelta(hours=1)))
    page.get_by_label("The child's answer").select_option("accepted")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Record the interview").click()
    page.get_by_label("When the interview took place").fill(_local(now - timedelta(minutes=30)))
    page.get_by_label("What the child said, in their own words").fill("I went to see my mates and got a lift back.")
    page.get_by_label("Pull: to see family or friends").check()
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("I went to see my mates and got a lift back.")).to_be_visible()
    expect(page.locator("#interview-due")).to_contain_text("On time")
