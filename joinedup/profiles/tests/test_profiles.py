"""The local problem profile: built in the worker, restricted and sanitised, small numbers suppressed, the
sanitised version checked for personal data, read and downloaded by those allowed, audited."""

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from joinedup.assessments.models import Band, Catalogue, RiskAssessment
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.children.models import Relative
from joinedup.jobs.models import JobStatus
from joinedup.profiles import services
from joinedup.profiles.check import find_personal_data, pdf_page_count, pdf_text, personal_data_terms
from joinedup.profiles.models import ProblemProfile, ProfileSchedule, ProfileStatus, ProfileVersion
from joinedup.profiles.suppression import FEWER_THAN, HIDDEN, SUPPRESS_BELOW, breakdown

from .factories import area_make

pytestmark = pytest.mark.django_db

HEADINGS = [
    "Local problem profile",
    "Children at risk",
    "Trends",
    "Hotspots",
    "Networks",
    "What children tell us",
    "The partnership's goals",
    "MACE actions and their progress",
    "The coordinator's analysis",
]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).lower()


def _build(area, *, versions: str = "both", analysis: str = "") -> dict[str, ProblemProfile]:
    start, end = services.this_quarter()
    made = services.profile_generate_request(
        user=area.coordinator, start=start, end=end, versions=versions, analysis=analysis, queue=False
    )
    return {profile.version: services.profile_build(profile) for profile in made}


def test_a_count_from_1_to_4_is_shown_as_fewer_than_5_and_a_lone_one_cannot_be_worked_out_from_the_total():
    assert SUPPRESS_BELOW == 5
    table = breakdown("By sex", [("Female", 3), ("Male", 12), ("Other", 0), ("Not known", 7)], suppress=True)
    texts = {cell.label: cell.text for cell in table.cells}
    assert texts == {"Female": FEWER_THAN, "Male": "12", "Other": "0", "Not known": HIDDEN}
    assert table.total == "22"
    # Nothing hidden where nothing is small; every cell hidden where the total is small.
    assert [c.text for c in breakdown("t", [("a", 5), ("b", 9)], suppress=True).cells] == ["5", "9"]
    small = breakdown("t", [("a", 1), ("b", 2), ("c", 0)], suppress=True)
    assert [c.text for c in small.cells] == [FEWER_THAN, FEWER_THAN, "0"] and small.total == FEWER_THAN
    # The restricted version shows the counts as they are.
    assert [c.text for c in breakdown("t", [("a", 3), ("b", 9)], suppress=False).cells] == ["3", "9"]


def test_the_sanitised_profile_suppresses_small_numbers_and_the_restricted_one_shows_them():
    area = area_make(children=3)
    built = _build(area)
    sanitised, restricted = built["sanitised"], built["restricted"]
    assert sanitised.status == restricted.status == ProfileStatus.PUBLISHED
    assert re.search(r"found risk\):\s*<strong>fewer than 5</strong>", sanitised.html)
    assert re.search(r"found risk\):\s*<strong>3</strong>", restricted.html)


def test_the_restricted_version_lists_adults_of_concern_and_the_sanitised_one_does_not():
    area = area_make()
    built = _build(area)
    assert "Lucan Threlkeld" in built["restricted"].html
    assert "Adults of concern</h2>" in built["restricted"].html
    assert "Lucan Threlkeld" not in built["sanitised"].html
    assert "Adults of concern</h2>" not in built["sanitised"].html
    assert "Threlkeld" not in pdf_text(bytes(built["sanitised"].pdf))


def test_the_pdf_renders_with_its_pages_and_headings():
    built = _build(area_make(), versions="sanitised")
    pdf = bytes(built["sanitised"].pdf)
    assert pdf.startswith(b"%PDF")
    assert pdf_page_count(pdf) > 0
    text = _flat(pdf_text(pdf))
    for heading in HEADINGS:
        assert heading.lower() in text, heading


def test_the_check_refuses_a_sanitised_profile_that_names_a_child_and_stores_nothing_to_download(client, sign_in):
    area = area_make()
    child = area.children[1]
    built = _build(area, versions="sanitised", analysis=f"We worry most about {child.given_name} {child.family_name}.")
    profile = built["sanitised"]
    assert profile.status == ProfileStatus.FAILED
    assert "a child's name" in profile.failure and child.family_name not in profile.failure
    assert profile.html == "" and bytes(profile.pdf) == b"" and not profile.is_published
    assert profile.job is not None and profile.job.status == JobStatus.FAILED
    sign_in(area.leader)
    assert client.get(reverse("profiles:download", args=[profile.pk])).status_code == 404
    page = client.get(reverse("profiles:detail", args=[profile.pk]))
    assert (
        page.status_code == 200
        and b"was not published" in page.content
        and child.family_name.encode() not in page.content
    )


@pytest.mark.parametrize(
    ("leak", "kind"),
    [
        ("Born 09/03/2011.", "date of birth"),
        ("Lives at WB4 3XY.", "postcode"),
        ("Ring 07700 900 461.", "phone number"),
        ("Id WBLA700002.", "identifier"),
        ("Known as Lucky Threlkeld.", "an adult of concern's name"),
    ],
)
def test_the_check_finds_each_kind_of_personal_data_whatever_its_spacing(leak, kind):
    area = area_make()
    Relative.objects.create(
        child=area.children[2], kind="parent", name="A parent", phone="07700900461", recorded_by_agency=area.agency
    )
    findings = find_personal_data(personal_data_terms(), f"The quarter was busy. {leak}", where="the HTML")
    assert any(kind in finding.kind for finding in findings), findings


def test_the_check_lets_a_postcode_sector_and_ordinary_counts_through():
    area_make()
    text = "Hotspot in WB4 3, 12 children; 2011 was a long time ago; March 2011 too."
    assert find_personal_data(personal_data_terms(), text, where="the HTML") == []


def test_a_leader_reads_and_downloads_both_versions_and_the_restricted_download_audits_each_child_named(
    client, sign_in
):
    area = area_make()
    # The restricted version names the children at high risk: make one so.
    child = area.children[0]
    RiskAssessment.objects.create(
        child=child,
        catalogue=Catalogue.objects.get(is_current=True),
        owning_agency=child.owning_agency,
        assessor=area.coordinator,
        completed_at=timezone.now() - dt.timedelta(minutes=5),
        band=Band.HIGH,
        scored_band=Band.HIGH,
    )
    built = _build(area)
    restricted = built["restricted"]
    assert restricted.named_child_ids() == [area.children[0].pk]
    sign_in(area.leader)
    listing = client.get(reverse("profiles:list"))
    assert listing.status_code == 200 and b"Generate a profile" not in listing.content
    for profile in built.values():
        page = client.get(reverse("profiles:detail", args=[profile.pk]), {"purpose": "oversight"})
        assert page.status_code == 200 and b"Download the PDF" in page.content
        response = client.get(reverse("profiles:download", args=[profile.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content == bytes(profile.pdf) and response.content.startswith(b"%PDF")
    exported = AuditEvent.objects.filter(actor=area.leader, kind=AuditKind.CHILD_EXPORTED)
    assert list(exported.values_list("child_id", flat=True)) == [area.children[0].pk]
    listed = AuditEvent.objects.filter(actor=area.leader, kind=AuditKind.CHILD_LISTED)
    assert list(listed.values_list("child_id", flat=True)) == [area.children[0].pk]
    downloads = AuditEvent.objects.filter(actor=area.leader, kind=AuditKind.PROFILE_DOWNLOADED)
    assert sorted(downloads.values_list("object_id", flat=True)) == sorted(str(p.pk) for p in built.values())


def test_those_without_the_right_are_refused(client, sign_in):
    area = area_make()
    built = _build(area)
    for user in (area.manager, area.practitioner):
        client.logout()
        sign_in(user)
        assert client.get(reverse("profiles:list")).status_code == 403
        for profile in built.values():
            assert client.get(reverse("profiles:download", args=[profile.pk])).status_code == 403
    client.logout()
    sign_in(area.leader)
    start, end = services.this_quarter()
    refused = client.post(reverse("profiles:list"), {"start": start, "end": end, "versions": "both"})
    assert refused.status_code == 403
    assert ProblemProfile.objects.count() == 2


def test_the_coordinator_generates_a_profile_in_the_worker_and_the_page_shows_its_progress(client, sign_in):
    area = area_make()
    sign_in(area.coordinator)
    form = client.get(reverse("profiles:list"))
    start, end = services.this_quarter()
    assert f'value="{start.isoformat()}"'.encode() in form.content
    response = client.post(reverse("profiles:list"), {"start": start, "end": end, "versions": "both", "analysis": ""})
    assert response.status_code == 302
    profiles = ProblemProfile.objects.all()
    assert sorted(profiles.values_list("version", flat=True)) == [ProfileVersion.RESTRICTED, ProfileVersion.SANITISED]
    assert all(p.status == ProfileStatus.QUEUED and p.html == "" for p in profiles)
    page = client.get(response["Location"])
    assert b"job-progress" in page.content
    for profile in profiles:
        assert profile.job_id is not None
        assert services.profile_build_run(job_id=profile.job_id).is_published


def test_profiles_due_queues_the_last_quarter_once_for_each_schedule():
    area = area_make()
    ProfileSchedule.objects.create(owner=area.coordinator)
    queued = services.profiles_due_enqueue(today=dt.date(2026, 11, 20))
    assert [(p.period_start, p.period_end) for p in queued] == [(dt.date(2026, 7, 1), dt.date(2026, 9, 30))] * 2
    assert {p.version for p in queued} == {ProfileVersion.RESTRICTED, ProfileVersion.SANITISED}
    assert services.profiles_due_enqueue(today=dt.date(2026, 11, 21)) == []
    # A new quarter makes the one just ended due.
    assert len(services.profiles_due_enqueue(today=dt.date(2027, 1, 2))) == 2


def test_the_profiles_due_command_queues_what_is_due_today_once(capsys):
    area = area_make()
    ProfileSchedule.objects.create(owner=area.coordinator, versions="sanitised")
    call_command("profiles_due")
    call_command("profiles_due")
    start, end = services.quarter_of(services.this_quarter()[0] - dt.timedelta(days=1))
    assert list(ProblemProfile.objects.values_list("period_start", "period_end", "version")) == [
        (start, end, ProfileVersion.SANITISED)
    ]
    out = capsys.readouterr().out
    assert "1 profiles queued." in out and "0 profiles queued." in out


def test_this_quarter_is_the_calendar_quarter_in_london():
    assert services.quarter_of(dt.date(2026, 12, 5)) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31))
    assert services.quarter_of(dt.date(2026, 1, 1)) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert services.quarter_of(dt.date(2026, 6, 30)) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))


# --- A leader gives a purpose before the restricted profile is shown ------------------------------------------


def _restricted_naming_a_child(area) -> ProblemProfile:
    child = area.children[0]
    RiskAssessment.objects.create(
        child=child,
        catalogue=Catalogue.objects.get(is_current=True),
        owning_agency=child.owning_agency,
        assessor=area.coordinator,
        completed_at=timezone.now() - dt.timedelta(minutes=5),
        band=Band.HIGH,
        scored_band=Band.HIGH,
    )
    restricted = _build(area, versions="restricted")["restricted"]
    assert restricted.named_child_ids() == [child.pk]
    return restricted


def _reads_of(user) -> list[str]:
    kinds = [AuditKind.PROFILE_VIEWED, AuditKind.PROFILE_DOWNLOADED, AuditKind.CHILD_LISTED, AuditKind.CHILD_EXPORTED]
    return list(AuditEvent.objects.filter(actor=user, kind__in=kinds).values_list("kind", flat=True))


def test_a_leader_is_asked_why_before_the_restricted_profile_shows_and_nothing_is_shown_or_audited_as_read(
    client, sign_in
):
    area = area_make()
    restricted = _restricted_naming_a_child(area)
    sign_in(area.leader)
    for name in ("profiles:detail", "profiles:download"):
        for query in ({}, {"purpose": "curiosity"}):
            page = client.get(reverse(name, args=[restricted.pk]), query)
            assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
            assert b"Why are you reading the restricted profile?" in page.content
            assert (b"Choose why you are reading" in page.content) == bool(query)
            assert b"Marigold0" not in page.content and b"Download the PDF" not in page.content
    assert _reads_of(area.leader) == []


def test_with_a_purpose_the_leader_reads_and_downloads_the_restricted_profile_and_every_audit_row_keeps_it(
    client, sign_in
):
    area = area_make()
    restricted = _restricted_naming_a_child(area)
    sign_in(area.leader)
    page = client.get(reverse("profiles:detail", args=[restricted.pk]), {"purpose": "case_audit"})
    assert page.status_code == 200 and b"Marigold0 Quenby0" in page.content
    # Kept for this profile for the session: the download does not ask again.
    pdf = client.get(reverse("profiles:download", args=[restricted.pk]))
    assert pdf.status_code == 200 and pdf.content == bytes(restricted.pdf)
    rows = AuditEvent.objects.filter(actor=area.leader).exclude(kind=AuditKind.SIGNED_IN)
    read = {row.kind: row for row in rows}
    assert set(read) >= {
        AuditKind.PROFILE_VIEWED,
        AuditKind.CHILD_LISTED,
        AuditKind.PROFILE_DOWNLOADED,
        AuditKind.CHILD_EXPORTED,
    }
    for kind in (AuditKind.PROFILE_VIEWED, AuditKind.PROFILE_DOWNLOADED):
        assert read[kind].payload["purpose"] == "case_audit"
        assert read[kind].reason.endswith("for case audit")
    for kind in (AuditKind.CHILD_LISTED, AuditKind.CHILD_EXPORTED):
        assert read[kind].child_id == area.children[0].pk
        assert read[kind].reason.endswith("for case audit")


def test_the_sanitised_profile_and_the_coordinator_are_not_asked_and_the_service_refuses_a_leader_without_a_purpose(
    client, sign_in
):
    area = area_make()
    restricted = _restricted_naming_a_child(area)
    sanitised = _build(area, versions="sanitised")["sanitised"]
    sign_in(area.leader)
    page = client.get(reverse("profiles:detail", args=[sanitised.pk]))
    assert page.status_code == 200 and b"Download the PDF" in page.content
    viewed = AuditEvent.objects.get(actor=area.leader, kind=AuditKind.PROFILE_VIEWED)
    assert "purpose" not in viewed.payload
    with pytest.raises(PermissionDenied):
        services.profile_viewed_record(user=area.leader, profile=restricted)
    assert _reads_of(area.leader) == [AuditKind.PROFILE_VIEWED]
    client.logout()
    sign_in(area.coordinator)
    page = client.get(reverse("profiles:detail", args=[restricted.pk]))
    assert page.status_code == 200 and b"Marigold0 Quenby0" in page.content
    listed = AuditEvent.objects.get(actor=area.coordinator, kind=AuditKind.CHILD_LISTED)
    assert listed.child_id == area.children[0].pk and listed.reason.endswith(") read")
