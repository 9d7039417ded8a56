"""A practitioner keeps a child's record up to date through the "Change" pages and sees it on the record."""

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.live_stack import LiveStack

pytestmark = pytest.mark.browser

# A child the social care practitioner's agency is involved with, whose key worker is someone else.
FIND_CHILD = (
    "import json;"
    "from joinedup.accounts.models import User as U;"
    "from joinedup.children.models import Child as C;"
    "u = U.objects.get(username='practitioner-social-care');"
    "c = C.objects.filter(involvements__agency=u.agency, involvements__ended_at__isnull=True,"
    " joined_into__isnull=True).exclude(key_worker=u).first();"
    "print(json.dumps({'id': str(c.pk), 'worker': u.get_full_name() or u.username, 'agency': u.agency.name}))"
)


def test_a_practitioner_changes_the_key_worker_and_placement_and_sees_them_on_the_record(page: Page, stack: LiveStack):
    child = json.loads(stack.manage("shell", "--no-imports", "-c", FIND_CHILD).strip().splitlines()[-1])
    sign_in(page, stack, "practitioner-social-care")
    page.goto(f"{stack.base_url}/children/{child['id']}/")

    page.get_by_role("link", name="Change key worker").click()
    expect(page.get_by_role("heading", name="Key worker")).to_be_visible()
    page.get_by_label("Key worker", exact=True).select_option(label=f"{child['worker']}, {child['agency']}")
    page.get_by_label("The child chose this key worker").check()
    page.get_by_label("Why are you making this change?").fill("Asked for by the child at our last visit")
    page.get_by_role("button", name="Save").click()
    key_worker = page.locator('[data-detail="key_worker"]')
    expect(key_worker).to_contain_text(f"{child['worker']} ({child['agency']})")
    expect(key_worker).to_contain_text("chose their key worker")

    page.get_by_role("link", name="Change looked-after status and placement").click()
    page.get_by_label("Looked after by the local authority").check()
    page.get_by_label("Legal status").select_option("C2")
    page.get_by_label("Placement type").select_option("U4")
    page.get_by_label("Where the child lives").fill("With the Ashby family, long-term foster carers")
    page.get_by_label("Carer's agency").select_option(label=child["agency"])
    page.get_by_label("Placement started", exact=True).fill("2026-03-01")
    page.get_by_label("Why are you making this change?").fill("Full care order made at court")
    page.get_by_role("button", name="Save").click()

    placement = page.locator('[data-detail="looked_after"]')
    expect(placement).to_contain_text("Legal status: C2: full care order")
    expect(placement).to_contain_text("U4: foster placement with another carer, long term")
    expect(placement).to_contain_text("Lives at: With the Ashby family, long-term foster carers")
    expect(placement).to_contain_text("Placement started 1 March 2026")
    history = page.locator("#history")
    expect(history).to_contain_text("Full care order made at court")
    expect(history).to_contain_text("Asked for by the child at our last visit")
