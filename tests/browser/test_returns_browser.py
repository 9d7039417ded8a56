"""Real Chromium: a coordinator builds the SSDA903 missing return in the worker, watches it finish and downloads it."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.live_stack import LiveStack

pytestmark = pytest.mark.browser

EXPECTED = (
    "from joinedup.missing.models import MissingEpisode as E;"
    "print(E.objects.filter(child__looked_after=True, child__joined_into__isnull=True)"
    ".exclude(child__la_child_id='').count())"
)


def test_the_coordinator_builds_a_return_in_the_worker_and_downloads_it_when_ready(page: Page, stack: LiveStack):
    episodes = int(stack.manage("shell", "--no-imports", "-c", EXPECTED).split()[-1])
    assert episodes > 0, "the demo area should have looked-after children who have been missing"
    sign_in(page, stack, "coordinator")
    page.goto(f"{stack.base_url}/imports/returns/")
    page.get_by_role("button", name="Build the SSDA903 missing table").click()
    expect(page.get_by_role("heading", name="SSDA903 missing table")).to_be_visible()
    # The page polls for progress; the real worker process builds the file, and the page reloads when it is done.
    expect(page.locator("#job-progress [data-status]")).to_have_attribute("data-status", "done", timeout=30_000)
    expect(page.locator("#job-bar")).to_have_attribute("value", "100")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"Download ssda903-missing-\d{8}\.csv")).click()
    download = download_info.value
    assert re.fullmatch(r"ssda903-missing-\d{8}\.csv", download.suggested_filename)
    lines = download.path().read_text(encoding="utf-8").splitlines()
    assert lines[0] == "CHILD,DOB,MISSING,MIS_START,MIS_END"
    assert len(lines) == episodes + 1
    # The Returns page keeps the file for downloading again.
    page.goto(f"{stack.base_url}/imports/returns/")
    expect(page.get_by_role("link", name=f"Download {download.suggested_filename}")).to_be_visible()
