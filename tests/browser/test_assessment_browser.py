"""A practitioner completes a multi-agency risk assessment with the child's and family's views."""

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
    "c = v(U.objects.get(username='practitioner-police')).filter(risk_assessments__isnull=True).first();"
    "print(json.dumps({'id': str(c.pk), 'name': c.full_name}))"
)


def test_a_practitioner_completes_an_assessment_that_reaches_the_band_its_indicators_score(
    page: Page, stack: LiveStack
):
    child = json.loads(stack.manage("shell", "--no-imports", "-c", FIND_CHILD).strip().splitlines()[-1])
    sign_in(page, stack, "practitioner-police")
    page.goto(f"{stack.base_url}/children/{child['id']}/")
    page.get_by_role("button", name="Start a risk assessment").click()
    expect(page.get_by_role("heading", name="Exploitation risk assessment")).to_be_visible()

    page.get_by_role("checkbox", name="Seen with adults of concern").check()
    page.get_by_label("Evidence for “Seen with adults of concern”").fill(
        "Seen twice this month with the adult known as Dee."
    )
    page.get_by_role("checkbox", name="Found in places linked to exploitation").check()
    page.get_by_role("checkbox", name="Missing from home or care").check()
    page.get_by_role("button", name="Complete the assessment").click()
    expect(page.get_by_text("Enter the child's views, in their own words").first).to_be_visible()

    page.get_by_label("The child's views, in their own words").fill("I don't want to go back to that flat.")
    page.get_by_label("The family's or carer's views").fill("Her carer wants her to feel safe at home.")
    page.get_by_label("The child's day-to-day experiences").fill("School three days a week; football on Saturdays.")
    page.get_by_label("Wider needs and experiences outside the home").fill("Spends evenings at the retail park.")
    page.get_by_role("button", name="Complete the assessment").click()

    expect(page.locator("#band")).to_have_text("Medium")
    expect(page.get_by_text("Score 15")).to_be_visible()
    expect(page.get_by_role("cell", name="Seen twice this month with the adult known as Dee.")).to_be_visible()
    page.get_by_role("link", name=child["name"]).click()
    expect(page.get_by_text("Latest assessment:")).to_contain_text("Medium")
