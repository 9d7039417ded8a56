"""The coordinator opens the network view from a node of the example extract and expands it one step."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.live_stack import LiveStack

pytestmark = pytest.mark.browser

EXAMPLE = Path(__file__).resolve().parents[2] / "joinedup" / "imports" / "tests" / "agency-extract-example"


def test_the_network_view_expands_a_node_one_step_at_a_time(page: Page, stack: LiveStack):
    stack.manage("import_extract", str(EXAMPLE / "police"), str(EXAMPLE / "social-care"), "--as", "coordinator")
    stack.manage("refresh_mapping")
    sign_in(page, stack, "coordinator")
    page.goto(f"{stack.base_url}/mapping/network/?q=YX19")
    page.get_by_role("link", name="YX19KLM").click()
    diagram = page.locator("#network")
    expect(diagram).to_have_attribute("data-node-count", "1")
    expect(page.locator("[data-refreshed-at]")).to_be_visible()

    page.get_by_role("button", name="Expand YX19KLM").click()

    # The car was at the hotel and the takeaway, with two children and the adult driving it.
    expect(page.get_by_role("button", name="Expanded")).to_be_visible()
    count = int(diagram.get_attribute("data-node-count") or 0)
    assert count >= 4
    expect(page.locator("#network-nodes tr")).to_have_count(count)
    expect(page.locator("#network-nodes")).to_contain_text("Station Hotel")
