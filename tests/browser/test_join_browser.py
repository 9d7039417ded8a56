"""The coordinator joins two agencies' records of one child in the review queue, sees one child, and undoes it."""

import json
import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.live_stack import LiveStack

pytestmark = pytest.mark.browser

# A pair the demo plants in the review queue: social care's record and the school's sparse one of one child.
FIND_PAIR = (
    "import json;"
    "from joinedup.linkage.models import ReviewItem as R;"
    "i = R.objects.filter(status='open', record_a__agency__code='CSC', record_b__agency__code='EDU')"
    ".select_related('record_a', 'record_b').first() or R.objects.filter(status='open')"
    ".select_related('record_a', 'record_b').first();"
    "a, b = i.record_a, i.record_b;"
    "print(json.dumps({'item': i.pk, 'given': a.data['given_name'], 'family': a.data['family_name'],"
    " 'children': [str(a.child_id), str(b.child_id)],"
    " 'joined_name': b.data['given_name'] + ' ' + b.data['family_name']}))"
)


def _count(page: Page, stack: LiveStack, query: str) -> int:
    page.goto(f"{stack.base_url}/children/?q={query}")
    caption = page.locator("caption").first.inner_text()
    match = re.match(r"(\d+) child", caption)
    assert match, caption
    return int(match.group(1))


def test_the_coordinator_joins_a_pair_sees_one_child_and_undoes_it(page: Page, stack: LiveStack):
    pair = json.loads(stack.manage("shell", "--no-imports", "-c", FIND_PAIR).strip().splitlines()[-1])
    query = f"{pair['given']} {pair['family'][:-1]}"
    sign_in(page, stack, "coordinator")
    before = _count(page, stack, query)
    assert before >= 2

    page.goto(f"{stack.base_url}/linkage/review/{pair['item']}/")
    page.get_by_label("Match: the same person").check()
    page.get_by_label("Why").fill("Same child: same school, the family name mistyped by one letter")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("The decision is recorded.")).to_be_visible()

    assert _count(page, stack, query) == before - 1
    # Either record's old link leads to the one child, whose page holds both agencies' records and the undo.
    page.goto(f"{stack.base_url}/children/{pair['children'][1]}/")
    expect(page.locator("#agency-records")).to_contain_text("Children's Social Care")
    expect(page.locator("#agency-records")).to_contain_text("Education")
    undo = re.compile(f"Undo: not the same child.*{re.escape(pair['joined_name'])}")
    page.locator("#joins").get_by_role("link", name=undo).click()
    page.get_by_label("Why is this record not the same person?").fill("Two different children after all")
    page.get_by_role("button", name="Separate the records").click()
    expect(page.get_by_text("The records are separated again")).to_be_visible()

    assert _count(page, stack, query) == before
