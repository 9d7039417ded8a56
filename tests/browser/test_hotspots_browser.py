"""The hotspot map works offline (no tile layer) under the CSP, and the period slider reloads the list."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.live_stack import LiveStack

pytestmark = pytest.mark.browser


def test_the_coordinator_sees_the_planted_hotspots_on_the_map_and_moves_back_a_period(page: Page, stack: LiveStack):
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, stack, "coordinator")
    page.get_by_role("link", name="Map", exact=True).click()
    expect(page.get_by_role("heading", name="Hotspots and change over time")).to_be_visible()
    page.get_by_label("Length of the period").select_option("91")
    expect(page.locator("#hotspot-list")).to_contain_text("Station Hotel")
    # Drawn by Leaflet from the list, with no tile layer (offline): at least one point on the map.
    expect(page.locator("#hotspot-map")).to_have_attribute("data-points", re.compile(r"^[1-9][0-9]*$"))
    period = page.locator("#hotspot-list h2").first.inner_text()

    expect(page.locator("#hotspot-back-value")).to_have_text("The latest period")
    page.locator("#hotspot-back").fill("1")
    expect(page.locator("#hotspot-back-value")).to_have_text("1 period back")  # the slider shows its value
    expect(page.locator("#hotspot-list h2").first).not_to_have_text(period)
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
