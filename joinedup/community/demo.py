"""The demo area's registered businesses and community reports.

The Station Hotel, a taxi firm and the kebab house on Mill Lane are registered by the demo coordinator, each with
its reporting link issued (only the hash is kept: the coordinator issues a new link from the business's page to see
one), staff trained on the partnership's course for businesses and a last visit. Five reports wait in the triage
queue, sent over the last days through the links and the public page, through the same services as the pages.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from joinedup.accounts.models import User
from joinedup.audit.context import AuditOrigin, reset_origin, set_origin
from joinedup.places.models import Place, PlaceKind
from joinedup.training.models import Course, Topic
from joinedup.training.services import attendance_record, course_create

from . import services
from .models import GENERAL, Business, BusinessKind, WarningSign

BUSINESS_COURSE = "Spotting exploitation at work: hotels, taxis and takeaways"

# name, kind, (place name, place kind, postcode, address), contact, staff (name, job, months ago trained or None)
BUSINESSES: list[tuple[str, str, tuple[str, str, str, str], tuple[str, str], list[tuple[str, str, int | None]]]] = [
    (
        "Station Hotel",
        BusinessKind.HOTEL,
        ("Station Hotel", PlaceKind.HOTEL, "WB1 1AA", "2 Station Approach, Wealdbridge"),
        ("Morgan Innkeeper", "01632 960 101"),
        [("Morgan Innkeeper", "Manager", 4), ("Casey Reception", "Night receptionist", 14), ("Jamie Porter", "", None)],
    ),
    (
        "Wealdbridge Private Hire",
        BusinessKind.TAXI_FIRM,
        ("Wealdbridge Private Hire", PlaceKind.OTHER, "WB2 4TX", "9 Market Street, Wealdbridge"),
        ("Lee Dispatcher", "01632 960 202"),
        [("Lee Dispatcher", "Dispatcher", 2), ("Robin Driver", "Driver", 7)],
    ),
    (
        "Mill Lane Kebab House",
        BusinessKind.TAKEAWAY,
        ("Kebab house on Mill Lane", PlaceKind.TAKEAWAY, "WB3 2MQ", "41 Mill Lane, Wealdbridge"),
        ("Sami Owner", "01632 960 303"),
        [("Sami Owner", "Owner", None)],
    ),
]

# business index or None for the public page, hours ago sent, signs (by position in the kind's list), text, where
REPORTS: list[tuple[int | None, int, list[int], str, str]] = [
    (
        0,
        50,
        [0, 2, 3],
        "Room 12 was booked for cash by a man in his forties. Two girls who looked about 14 went up to the room "
        "after 11pm and other men visited during the night.",
        "",
    ),
    (
        0,
        20,
        [1, 6],
        "A young person with no luggage was brought in by an older man who asked for a room by the "
        "fire exit. She seemed frightened and did not speak.",
        "",
    ),
    (
        1,
        30,
        [0, 1],
        "Booked twice this week from the same number to take a boy, maybe 15, from the Parkside estate "
        "to the Station Hotel late at night; the adult paid cash.",
        "",
    ),
    (
        2,
        8,
        [0, 2],
        "Staff have been giving food to a group of school-age girls who are then taken upstairs by two "
        "adults. It happens most evenings after 9pm.",
        "",
    ),
    (
        None,
        4,
        [0, 1],
        "A girl in school uniform got into a different car outside the bus station three times this "
        "week. The drivers were adults.",
        "Wealdbridge bus station",
    ),
]


@dataclass
class CommunitySummary:
    businesses: int = 0
    reports: int = 0


def _place(name: str, kind: str, postcode: str, address: str, user: User) -> Place:
    found = Place.objects.filter(name__iexact=name, postcode=postcode).first()
    return found or Place.objects.create(name=name, kind=kind, postcode=postcode, address=address, created_by=user)


def demo_community_generate(*, users: dict[str, User]) -> CommunitySummary:
    coordinator = users["coordinator"]
    today = timezone.localdate()
    now = timezone.now()
    summary = CommunitySummary()
    course = Course.objects.filter(name=BUSINESS_COURSE).first() or course_create(
        user=coordinator,
        name=BUSINESS_COURSE,
        topic=Topic.EXPLOITATION_AWARENESS,
        validity_months=12,
        description="For staff of hotels, taxi firms, takeaways, licensed premises and shops (Operation Makesafe).",
    )
    made: list[Business] = []
    for name, kind, (place_name, place_kind, postcode, address), (contact, phone), staff in BUSINESSES:
        place = _place(place_name, place_kind, postcode, address, coordinator)
        business = services.business_register(
            user=coordinator,
            name=name,
            kind=kind,
            place=place,
            contact_name=contact,
            contact_phone=phone,
            last_visit_on=today - timedelta(days=30 + 20 * len(made)),
        )
        services.reporting_token_issue(user=coordinator, business=business)
        for full_name, job, months_ago in staff:
            member = services.business_staff_add(
                user=coordinator, business=business, full_name=full_name, job_title=job
            )
            if months_ago is not None:
                attendance_record(
                    user=coordinator,
                    course=course,
                    attended_on=today - timedelta(days=30 * months_ago),
                    today=today,
                    trainee=member.trainee,
                )
        made.append(business)
        summary.businesses += 1
    token = set_origin(AuditOrigin(path="manage.py demo_area"))
    try:
        for index, hours_ago, signs, text, where in REPORTS:
            sender = made[index] if index is not None else None
            listed = list(WarningSign.objects.filter(applies_to=sender.kind if sender else GENERAL, is_active=True))
            sent_at = now - timedelta(hours=hours_ago)
            services.community_report_receive(
                business=sender,
                submitted=services.Submitted(
                    signs=[listed[i] for i in signs if i < len(listed)],
                    what_happened=text,
                    happened_at=sent_at - timedelta(hours=3),
                    where=where,
                ),
                now=sent_at,
            )
            summary.reports += 1
    finally:
        reset_origin(token)
    return summary
