"""Speaking out from a phone: a key worker issues a child's link, the child sends a message from a phone-sized
screen, the page shows nothing of the record, and the message is an urgent task on the key worker's work list."""

import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import sign_in
from tests.live_stack import LiveStack

pytestmark = pytest.mark.browser
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def _violations(page: Page) -> list[str]:
    """axe-core's WCAG 2.2 AA violations on the page (the child's pages are not in the crawl: no link leads there)."""
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_AA}})
    return [f"{v['id']}: {v['help']}" for v in results.response["violations"]]


# A child the practitioner's agency works with, and who their messages go to (their key worker, if that person may
# take work about the child, else the practitioner who issues the link).
FIND_CHILD = (
    "import json;"
    "from joinedup.accounts.models import User as U;"
    "from joinedup.children.models import Child as C;"
    "from joinedup.access import policy;"
    "u = U.objects.get(username='practitioner-social-care');"
    "c = C.objects.filter(involvements__agency=u.agency, involvements__ended_at__isnull=True,"
    " joined_into__isnull=True).first();"
    "k = c.key_worker;"
    "owner = k if k is not None and policy.can_own_work(k) and policy.can_view_child(k, c) else u;"
    "print(json.dumps({'id': str(c.pk), 'given': c.given_name, 'family': c.family_name,"
    " 'owner': owner.username, 'worker': owner.get_full_name()}))"
)
TASKS = (
    "import json;"
    "from joinedup.tasks.models import Task;"
    "print(json.dumps([[t.owner.username, t.urgent, t.title] for t in"
    " Task.objects.filter(kind='child_message', child_id='{child}', completed_at__isnull=True)"
    ".select_related('owner')]))"
)


def _tasks(stack: LiveStack, child_id: str) -> list[list[object]]:
    return json.loads(stack.manage("shell", "--no-imports", "-c", TASKS.format(child=child_id)).splitlines()[-1])


def test_a_child_sends_their_key_worker_a_message_from_a_phone(page: Page, browser: Browser, stack: LiveStack):
    child = json.loads(stack.manage("shell", "--no-imports", "-c", FIND_CHILD).strip().splitlines()[-1])
    expected = [child["owner"], True, f"Message from {child['given']}: asks you to get in touch"]
    before = _tasks(stack, child["id"])
    sign_in(page, stack, "practitioner-social-care")
    page.goto(f"{stack.base_url}/children/{child['id']}/speaking-out/")
    page.get_by_role("button", name="Issue a new link").click()
    link = page.locator("#issued-link").inner_text().strip()
    assert "/speak/" in link
    assert _violations(page) == []
    page.goto(f"{stack.base_url}/children/{child['id']}/childs-say/")
    assert _violations(page) == []

    phone = browser.new_context(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)
    try:
        child_page = phone.new_page()
        child_page.goto(link)
        expect(child_page.get_by_role("heading", name="Talk to your worker")).to_be_visible()
        # Mobile-first: nothing wider than the phone's screen.
        assert child_page.evaluate("document.documentElement.scrollWidth") <= 375
        assert _violations(child_page) == []
        child_page.get_by_role("button", name="Send").click()  # nothing chosen: said plainly, nothing sent
        expect(child_page.get_by_text("Choose what you want to do").first).to_be_visible()
        assert _violations(child_page) == []
        child_page.get_by_label("Ask them to contact you").check()
        child_page.get_by_label("Your message").fill("Someone I don't know keeps messaging me. Can you call?")
        child_page.get_by_label("I need help. Please get in touch with me soon.").check()
        child_page.get_by_label("When is a good time to contact you? (optional)").fill("After school")
        child_page.get_by_role("button", name="Send").click()
        expect(child_page.get_by_role("heading", name="Sent")).to_be_visible()
        assert _violations(child_page) == []
        shown = child_page.content()
        for private in (child["given"], child["family"], child["worker"], "keeps messaging me"):
            assert private not in shown, private
    finally:
        phone.close()

    after = _tasks(stack, child["id"])
    assert after.count(expected) == before.count(expected) + 1

    # The key worker reads it on the child's messages page.
    page.goto(f"{stack.base_url}/children/{child['id']}/speaking-out/")
    expect(page.get_by_text("Asked for help").first).to_be_visible()
    page.get_by_role("row").filter(has_text="Asked for help").filter(has_text="Not yet").get_by_role(
        "link"
    ).first.click()
    expect(page.locator("#message-text")).to_contain_text("keeps messaging me")
    assert _violations(page) == []
    page.get_by_role("button", name="Mark as read").click()
    after_read = _tasks(stack, child["id"])
    assert after_read.count(expected) == before.count(expected)
