"""The maps draw Wealdbridge's streets offline, under the content security policy: every request outside the
app is refused, and the base map (served by the app as GeoJSON) still draws streets with their names. The
campaigns' reach page shows the Station Hotel's area as high risk and little reached, on that map and in its
table."""

import re

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import sign_in
from tests.live_stack import LiveStack

pytestmark = pytest.mark.browser


def _offline(page: Page, stack: LiveStack) -> tuple[list[str], list[str]]:
    """Refuse every request that leaves the app; collect those refused and the page's errors."""
    outside: list[str] = []
    errors: list[str] = []

    def route(route: Route) -> None:
        if route.request.url.startswith(stack.base_url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return outside, errors


def _streets_drawn(page: Page, map_id: str) -> None:
    element = page.locator(f"#{map_id}")
    expect(element).to_have_attribute("data-basemap-features", re.compile(r"^[1-9][0-9]+$"))
    assert element.get_attribute("data-basemap-error") is None
    # Drawn as SVG paths in the base map's own pane, under the points, with the streets' names as text.
    expect(element.locator(".leaflet-basemap-pane svg path").first).to_be_attached()
    assert element.locator(".leaflet-basemap-pane svg path").count() > 20
    expect(element.locator(".joinedup-basemap-label", has_text="Station Road")).to_be_visible()
    expect(element.locator(".joinedup-basemap-label", has_text="Station").first).to_be_visible()


def test_the_hotspot_map_draws_the_streets_offline_with_its_layers(page: Page, stack: LiveStack):
    outside, errors = _offline(page, stack)
    sign_in(page, stack, "coordinator")
    page.goto(f"{stack.base_url}/mapping/hotspots/?days=91")
    _streets_drawn(page, "hotspot-map")
    hotspots = page.locator("#hotspot-map")
    expect(hotspots).to_have_attribute("data-points-hotspot-points", re.compile(r"^[1-9][0-9]*$"))
    expect(hotspots).to_have_attribute("data-points-campaign-points", re.compile(r"^[1-9][0-9]*$"))
    # The layers can be switched on and off by name; the tables under the map list the same data.
    expect(page.locator(".leaflet-control-layers", has_text="Campaigns")).to_be_visible()
    expect(page.locator("#campaign-points-table")).to_contain_text("Night-time economy training")
    expect(page.locator("#network-table")).to_be_visible()

    # The period chosen goes into the address, to share.
    page.locator("#hotspot-back").fill("1")
    expect(page).to_have_url(re.compile(r"days=91&back=1"))
    assert outside == [], outside
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors
    assert errors == [], errors


def test_the_reach_page_shows_the_hotels_area_as_high_risk_and_little_reached(page: Page, stack: LiveStack):
    outside, errors = _offline(page, stack)
    sign_in(page, stack, "coordinator")
    page.get_by_role("link", name="Campaigns", exact=True).click()
    page.get_by_role("link", name=re.compile("Reach beside risk")).click()
    _streets_drawn(page, "reach-map")
    row = page.locator('#reach-table tr[data-sector="WB1 1"]')
    expect(row).to_have_attribute("data-flagged", "true")
    expect(row).to_contain_text("Station Hotel")
    expect(row).to_contain_text("High risk, little reached")
    expect(page.locator("#reach-map")).to_have_attribute("data-points-reach-areas", re.compile(r"^[1-9][0-9]*$"))
    assert outside == [], outside
    assert errors == [], errors


def test_the_network_view_puts_the_places_drawn_on_the_street_map(page: Page, stack: LiveStack):
    outside, errors = _offline(page, stack)
    sign_in(page, stack, "coordinator")
    page.goto(f"{stack.base_url}/mapping/network/?q=Station+Hotel")
    page.get_by_role("link", name=re.compile("Station Hotel")).first.click()
    _streets_drawn(page, "network-map")
    expect(page.locator("#network-map")).to_have_attribute("data-points", "1")
    expect(page.locator("#network-nodes tr")).to_have_count(1)
    page.locator("#network-nodes button[data-expand]").first.click()
    expect(page.locator("#network-links tr").first).to_be_attached()
    assert int(page.locator("#network-link-count").inner_text()) >= 1
    assert outside == [], outside
    assert errors == [], errors
