"""The networks table follows the slider to a period no refresh stored: the page says they are being worked out,
the running worker stores them, and the table appears without the page being opened again."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.live_stack import LiveStack

pytestmark = pytest.mark.browser


def test_the_networks_of_an_earlier_period_appear_once_the_worker_has_worked_them_out(page: Page, stack: LiveStack):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, stack, "coordinator")
    page.get_by_role("link", name="Map", exact=True).click()
    page.get_by_label("Length of the period").select_option("91")
    expect(page.locator("#network-table")).to_be_visible()  # the latest period: stored by the refresh
    heading = page.locator("#network-heading")
    latest = heading.inner_text()
    page.locator("#hotspot-back").fill("1")
    expect(page.locator("#hotspot-back-value")).to_have_text("1 period back")
    expect(heading).not_to_have_text(latest)  # the fragment of the earlier period is in
    networks = page.locator("#period-networks")
    # Either still being worked out (with its progress) or, with a quick worker, already there: never computed
    # in the request, and never the latest period's table left standing.
    expect(networks.locator("#networks-working, #network-table").first).to_be_visible()
    expect(networks.locator("#network-table")).to_be_visible(timeout=60_000)
    expect(networks).to_contain_text("Network 1")
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
