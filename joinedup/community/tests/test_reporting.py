"""The reporting pages, used without signing in: a business's link end to end (valid, revoked, unknown,
rate-limited, oversized, malformed), the public page's tighter limits, CSRF on an anonymous form, and that nothing
is shown back and only what was submitted is stored."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.community import selectors, services, views
from joinedup.community.models import CommunityReport, WarningSign
from joinedup.tasks.models import Task, TaskKind

from .factories import business_make, coordinator_make, report_make

pytestmark = pytest.mark.django_db

WHAT = "A man booked room 12 for cash; two girls of about 14 went up after 11pm."


def _when(hours_ago: float = 3) -> str:
    return timezone.localtime(timezone.now() - timedelta(hours=hours_ago)).strftime("%Y-%m-%dT%H:%M")


def _body(chosen: list[WarningSign], **changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "signs": [sign.pk for sign in chosen],
        "what_happened": WHAT,
        "happened_at": _when(),
        "contact_name": "",
        "contact_phone": "",
        "contact_email": "",
    }
    body.update(changes)
    return body


@pytest.fixture
def hotel():
    business = business_make()
    token = services.reporting_token_issue(user=business.created_by, business=business)
    return business, token


def _url(token: str) -> str:
    return reverse("community:report", kwargs={"token": token})


def test_a_hotel_link_shows_the_hotel_signs_and_a_report_is_stored_as_submitted(client: Client, hotel):
    business, token = hotel
    page = client.get(_url(token))
    assert page.status_code == 200
    html = page.content.decode()
    hotel_signs = list(WarningSign.objects.filter(applies_to="hotel", is_active=True))
    assert all(sign.text.replace("'", "&#x27;") in html for sign in hotel_signs)
    taxi_sign = WarningSign.objects.filter(applies_to="taxi_firm").first()
    assert taxi_sign is not None and taxi_sign.text not in html

    chosen = hotel_signs[:2]
    response = client.post(_url(token), _body(chosen, contact_phone="01632 960 001"))
    assert response.status_code == 302 and response["Location"] == reverse("community:report-thanks")
    report = CommunityReport.objects.get()
    assert report.business == business
    assert report.what_happened == WHAT
    assert sorted(s.pk for s in report.signs.all()) == sorted(s.pk for s in chosen)
    assert (report.contact_name, report.contact_phone, report.contact_email, report.where) == (
        "",
        "01632 960 001",
        "",
        "",
    )
    # The coordinator's agency is given the triage as a task due by the end of the next working day.
    task = Task.objects.get(kind=TaskKind.COMMUNITY_REPORT, source_id=str(report.pk))
    assert task.agency_id == business.agency_id and task.completed_at is None and task.due_at is not None
    # The audit row says a report came; it keeps neither the address it came from nor the link (the token).
    event = AuditEvent.objects.get(kind=AuditKind.COMMUNITY_REPORT_RECEIVED)
    assert event.actor is None and not event.ip_address and not event.user_agent
    assert token not in event.path and token not in str(event.payload)


def test_the_thank_you_page_shows_nothing_back(client: Client, hotel):
    business, token = hotel
    earlier = report_make(business=business, text="An earlier report about room 7 and a white van")
    response = client.post(_url(token), _body([], contact_name="Casey Reception"), follow=True)
    html = response.content.decode()
    assert response.status_code == 200 and "Report sent" in html
    for shown in (WHAT[:30], "Casey Reception", earlier.what_happened, business.name, token):
        assert shown not in html
    # The reporting page itself shows no earlier report either.
    page = client.get(_url(token)).content.decode()
    assert earlier.what_happened not in page and WHAT not in page


def test_a_revoked_link_answers_like_an_unknown_one_and_stores_nothing(client: Client, hotel):
    business, token = hotel
    services.reporting_token_revoke(user=business.created_by, business=business)
    revoked_get = client.get(_url(token))
    unknown_get = client.get(_url("x" * 43))
    revoked_post = client.post(_url(token), _body([]))
    assert revoked_get.status_code == unknown_get.status_code == revoked_post.status_code == 404

    def unmasked(content: bytes) -> bytes:
        return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", content)

    assert unmasked(revoked_get.content) == unmasked(unknown_get.content)
    assert business.name.encode() not in revoked_get.content
    assert not CommunityReport.objects.exists()


def test_a_new_link_replaces_the_old_one(client: Client, hotel):
    business, old = hotel
    new = services.reporting_token_issue(user=business.created_by, business=business)
    assert client.get(_url(old)).status_code == 404
    assert client.get(_url(new)).status_code == 200


def test_a_malformed_link_is_not_looked_up(client: Client, django_assert_num_queries):
    for token in ("short", "a" * 200, "has spaces in it but is long enough to pass.."):
        with django_assert_num_queries(0):
            assert selectors.business_for_token(token) is None
        assert client.get(_url(token)).status_code == 404


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"what_happened": ""}, "Enter what you saw or heard."),
        ({"what_happened": "x" * 2001}, "2,000 characters"),
        ({"happened_at": "not a date"}, "Enter a real date and time."),
        ({"happened_at": _when(-48)}, "The time must be now or in the past."),
        ({"signs": ["abc"]}, "Choose warning signs from the list."),
        ({"contact_email": "not-an-email"}, "Enter an email address like name@example.com."),
        ({"contact_phone": "call me maybe"}, "Enter a phone number"),
        ({"what_happened": '=HYPERLINK("http://example.com")'}, "spreadsheet formula"),
    ],
)
def test_malformed_answers_are_refused_with_a_clear_message_and_nothing_stored(
    client: Client, hotel, changes: dict[str, object], message: str
):
    _, token = hotel
    response = client.post(_url(token), _body([], **changes))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert not CommunityReport.objects.exists() and not Task.objects.exists()


def test_a_sign_listed_for_another_kind_of_business_is_refused(client: Client, hotel):
    _, token = hotel
    taxi_sign = WarningSign.objects.filter(applies_to="taxi_firm").first()
    assert taxi_sign is not None
    response = client.post(_url(token), _body([taxi_sign]))
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not CommunityReport.objects.exists()


def test_an_oversized_body_is_refused_with_a_clear_page_and_nothing_stored(client: Client, hotel):
    _, token = hotel
    response = client.post(_url(token), _body([], contact_name="x" * (views.MAX_BODY_BYTES + 10)))
    assert response.status_code == 413
    assert "The report is too long" in response.content.decode()
    assert not CommunityReport.objects.exists()


def test_a_link_is_rate_limited_per_address_and_per_token(client: Client, hotel):
    _, token = hotel
    per_address, _ = views.TOKEN_ADDRESS_LIMIT
    answers = [client.post(_url(token), _body([])).status_code for _ in range(per_address + 1)]
    assert answers == [302] * per_address + [429]
    assert CommunityReport.objects.count() == per_address
    assert "Too many reports" in client.post(_url(token), _body([])).content.decode()
    # From other addresses the link still works, until its own limit for the day.
    per_token, _ = views.TOKEN_LIMIT
    sent = per_address + 2  # both refused tries counted too
    statuses = [
        Client(REMOTE_ADDR=f"198.51.100.{n}").post(_url(token), _body([])).status_code
        for n in range(per_token - sent + 1)
    ]
    assert statuses[:-1] == [302] * (per_token - sent) and statuses[-1] == 429


def test_the_public_page_has_tighter_limits_and_asks_where(client: Client):
    coordinator_make()
    general = list(WarningSign.objects.filter(applies_to="general")[:1])
    url = reverse("community:report-public")
    assert "Where did it happen?" in client.get(url).content.decode()
    limit, _ = views.PUBLIC_ADDRESS_LIMIT
    assert limit < views.TOKEN_ADDRESS_LIMIT[0]
    answers = [client.post(url, _body(general, where="Bus station")).status_code for _ in range(limit + 1)]
    assert answers == [302] * limit + [429]
    report = CommunityReport.objects.filter(business__isnull=True).first()
    assert report is not None and report.where == "Bus station"
    # The public page's reports go to the partnership's coordinator's agency.
    assert Task.objects.filter(kind=TaskKind.COMMUNITY_REPORT, source_id=str(report.pk)).exists()
    # A hotel's sign is not one of the public page's.
    hotel_sign = WarningSign.objects.filter(applies_to="hotel").first()
    assert hotel_sign is not None
    other = Client(REMOTE_ADDR="203.0.113.9")
    refused = other.post(url, _body([hotel_sign], where="Park"))
    assert refused.status_code == 200 and "There is a problem" in refused.content.decode()


def test_the_anonymous_form_carries_a_working_csrf_token(hotel):
    _, token = hotel
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(_url(token), _body([])).status_code == 403
    page = browser.get(_url(token)).content.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf is not None
    response = browser.post(_url(token), {**_body([]), "csrfmiddlewaretoken": csrf.group(1)})
    assert response.status_code == 302
    assert CommunityReport.objects.count() == 1


def test_a_session_signed_in_with_a_password_only_still_reaches_the_reporting_pages(
    client: Client, sign_in, hotel, settings
):
    settings.JOINEDUP_OTP_REQUIRED = True
    _, token = hotel
    sign_in(coordinator_make())
    assert client.get(reverse("community:queue")).status_code == 302  # everything else waits for the second step
    assert client.get(_url(token)).status_code == 200
    assert client.get(reverse("community:report-public")).status_code == 200
