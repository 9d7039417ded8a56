import os
import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.live_stack import LiveStack, live_stack

CHROMIUM = os.environ.get("JOINEDUP_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
# Flags for a closed network: no background calls home from the browser.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def stack() -> Iterator[LiveStack]:
    with live_stack() as running:
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `make setup` (installs Debian's chromium) first.")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    yield page
    context.close()


def sign_in(page: Page, stack: LiveStack, username: str) -> None:
    page.goto(f"{stack.base_url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("joinedup-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{stack.base_url}/")
