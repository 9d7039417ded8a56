"""Real headless Chromium against a running joinedup (web server and worker in their own processes)."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.live_stack import LiveStack

pytestmark = pytest.mark.browser


def test_a_practitioner_signs_in_and_reaches_a_childs_record(page: Page, stack: LiveStack):
    sign_in(page, stack, "practitioner-social-care")
    expect(page.get_by_text("Two-factor sign-in is switched off in these demo settings")).to_be_visible()
    page.get_by_role("link", name="Children", exact=True).first.click()
    expect(page.get_by_role("heading", name="Children")).to_be_visible()
    first = page.locator("table.govuk-table tbody tr td a").first
    name = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.get_by_role("heading", name="Chronology")).to_be_visible()
    expect(page.get_by_text("Children's Social Care").first).to_be_visible()


def test_a_practitioner_adds_to_a_childs_chronology(page: Page, stack: LiveStack):
    sign_in(page, stack, "practitioner-police")
    page.goto(f"{stack.base_url}/children/")
    page.locator("table.govuk-table tbody tr td a").first.click()
    page.get_by_role("link", name="Add to the chronology").click()
    page.get_by_label("When it happened").fill("2026-11-20T16:30")
    page.get_by_label("Category").select_option("information")
    page.get_by_label("Summary").fill("Seen at the bus station with two adults of concern; taken home safely.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Seen at the bus station with two adults of concern")).to_be_visible()
    expect(page.get_by_role("cell", name="20 November 2026 at 4:30pm")).to_be_visible()


def test_the_coordinator_watches_an_export_run_in_the_worker_and_downloads_it(page: Page, stack: LiveStack):
    sign_in(page, stack, "coordinator")
    page.get_by_role("button", name="Export the children list (CSV)").click()
    expect(page.get_by_role("heading", name="Export of the children list")).to_be_visible()
    # The page polls for progress; the real worker process finishes the job.
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "done", timeout=30_000)
    total = int(
        stack.manage(
            "shell",
            "--no-imports",
            "-c",
            "from joinedup.children.models import Child;print(Child.objects.filter(joined_into__isnull=True).count())",
        ).split()[-1]
    )
    expect(page.get_by_text(f"{total} of {total} done (100%)")).to_be_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"Download children-.*\.csv")).click()
    content = download_info.value.path().read_text(encoding="utf-8").splitlines()
    assert content[0].startswith("child_id,given_name,family_name")
    assert len(content) == total + 1


def test_a_child_the_school_has_no_need_to_know_about_is_not_found(page: Page, stack: LiveStack):
    hidden = stack.manage(
        "shell",
        "-c",
        "from joinedup.access.policy import children_visible_to as v;"
        "from joinedup.accounts.models import User as U;"
        "from joinedup.children.models import Child as C;"
        "print(C.objects.filter(joined_into__isnull=True)"
        ".exclude(pk__in=v(U.objects.get(username='practitioner-school')).values('pk')).first().pk)",
        "--no-imports",
    ).strip()
    sign_in(page, stack, "practitioner-school")
    page.goto(f"{stack.base_url}/children/{hidden}/")
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    sign_in(page, stack, "coordinator")
    page.goto(f"{stack.base_url}/children/{hidden}/")
    expect(page.get_by_role("heading", name="Chronology")).to_be_visible()
