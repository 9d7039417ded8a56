"""As a practitioner writes a chronology entry, a victim-blaming phrase brings a suggestion beside the box."""

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.live_stack import LiveStack

pytestmark = pytest.mark.browser

FIND_CHILD = (
    "import json;"
    "from joinedup.access.policy import children_visible_to as v;"
    "from joinedup.accounts.models import User as U;"
    "c = v(U.objects.get(username='practitioner-police')).filter(owning_agency__code='POL').first()"
    " or v(U.objects.get(username='practitioner-police')).first();"
    "print(json.dumps({'id': str(c.pk)}))"
)


def test_a_victim_blaming_phrase_brings_a_suggestion_and_saving_still_works(page: Page, stack: LiveStack):
    child = json.loads(stack.manage("shell", "--no-imports", "-c", FIND_CHILD).strip().splitlines()[-1])
    sign_in(page, stack, "practitioner-police")
    page.goto(f"{stack.base_url}/children/{child['id']}/chronology/new/")
    summary = page.get_by_label("Summary")
    summary.press_sequentially("Seen at the flat. She is putting herself\nat risk.", delay=5)

    findings = page.locator("#id_summary-language .govuk-inset-text")
    expect(findings).to_contain_text("is at risk from (name the adults or the situation)")
    expect(findings).to_contain_text("you can still save")

    summary.fill("Seen at the flat with an adult of concern; she said she was scared.")
    summary.press("End")
    summary.press_sequentially(" ")
    expect(findings).to_have_count(0)
