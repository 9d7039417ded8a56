"""Writes about registered businesses and community reports: each checks the policy, writes and records the audit
event in one transaction.

A report arrives without anyone signed in (``community_report_receive``): it is stored exactly as submitted, with
the business whose link was used and the time it arrived, and its audit row keeps no address, browser or link
(the audit origin is replaced for that row, so the token in the page's address is not written down).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from joinedup.access import policy
from joinedup.accounts.models import RoleCode, User
from joinedup.agencies.models import Agency
from joinedup.audit.context import AuditOrigin, reset_origin, set_origin
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child
from joinedup.concerns.models import Concern
from joinedup.concerns.services import concern_record
from joinedup.deadlines import community_report_triage_due, london_day_ends
from joinedup.places.models import Place, PlaceKind
from joinedup.tasks.models import TaskKind
from joinedup.tasks.services import task_close_for, task_open
from joinedup.throttle.tokens import token_hash, token_new
from joinedup.training.models import TraineeKind
from joinedup.training.services import trainee_create

from .models import (
    GENERAL,
    Business,
    BusinessKind,
    BusinessStaff,
    CloseReason,
    CommunityReport,
    ReportStatus,
    WarningSign,
)

WHAT_HAPPENED_MAX = 2000


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- Businesses -------------------------------------------------------------------------------------------------


def business_register(
    *,
    user: User,
    name: str,
    kind: str,
    place: Place,
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    last_visit_on: date | None = None,
) -> Business:
    """Register a business at its place; its reports are triaged by the registering coordinator's agency."""
    _require(policy.can_manage_businesses(user))
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Enter the business's name."})
    if kind not in BusinessKind.values:
        raise ValidationError({"kind": "Choose the kind of business."})
    if place.kind == PlaceKind.PRIVATE_ADDRESS:
        raise ValidationError({"place": "A business cannot be at a private address: choose its premises."})
    if last_visit_on is not None and last_visit_on > timezone.localdate():
        raise ValidationError({"last_visit_on": "The date of the last visit must be today or in the past."})
    if user.agency is None:
        raise PermissionDenied
    with transaction.atomic():
        business = Business.objects.create(
            name=name,
            kind=kind,
            place=place,
            agency=user.agency,
            contact_name=contact_name.strip(),
            contact_phone=contact_phone.strip(),
            contact_email=contact_email.strip(),
            last_visit_on=last_visit_on,
            created_by=user,
        )
        audit_record(
            actor=user,
            kind=AuditKind.BUSINESS_REGISTERED,
            object_type="business",
            object_id=str(business.pk),
            payload={"kind": kind, "place": str(place.pk)},
        )
    return business


def business_visit_record(*, user: User, business: Business, visited_on: date) -> Business:
    """The partnership visited the business on this day (the latest visit is the one shown)."""
    _require(policy.can_manage_businesses(user))
    if visited_on > timezone.localdate():
        raise ValidationError({"visited_on": "The date of the visit must be today or in the past."})
    with transaction.atomic():
        business.last_visit_on = visited_on
        business.save(update_fields=["last_visit_on"])
        audit_record(
            actor=user,
            kind=AuditKind.BUSINESS_CHANGED,
            object_type="business",
            object_id=str(business.pk),
            payload={"last_visit_on": visited_on.isoformat()},
        )
    return business


def business_staff_add(*, user: User, business: Business, full_name: str, job_title: str = "") -> BusinessStaff:
    """A member of the business's staff the partnership trains: recorded as a trainee of the training app (who has
    no account), so their courses are its attendance records."""
    _require(policy.can_manage_businesses(user))
    with transaction.atomic():
        trainee = trainee_create(user=user, full_name=full_name, body=f"{business.name}, staff", kind=TraineeKind.OTHER)
        staff = BusinessStaff.objects.create(business=business, trainee=trainee, job_title=job_title.strip())
        audit_record(
            actor=user,
            kind=AuditKind.BUSINESS_CHANGED,
            object_type="business",
            object_id=str(business.pk),
            payload={"staff_added": trainee.pk},
        )
    return staff


def reporting_token_issue(*, user: User, business: Business) -> str:
    """A new reporting link for the business: the token is returned once (to be shown to the coordinator and
    passed to the business) and only its hash is kept. Any earlier link stops working."""
    _require(policy.can_manage_businesses(user))
    token = token_new()
    with transaction.atomic():
        reissued = bool(business.token_hash)
        business.token_hash = token_hash(token)
        business.token_issued_at = timezone.now()
        business.token_revoked_at = None
        business.save(update_fields=["token_hash", "token_issued_at", "token_revoked_at"])
        audit_record(
            actor=user,
            kind=AuditKind.REPORTING_LINK_ISSUED,
            object_type="business",
            object_id=str(business.pk),
            payload={"reissued": reissued},
        )
    return token


def reporting_token_revoke(*, user: User, business: Business) -> Business:
    """The business's reporting link stops working at once (reports already sent are kept)."""
    _require(policy.can_manage_businesses(user))
    if not business.reporting_open:
        raise ValidationError("This business has no reporting link in use.")
    with transaction.atomic():
        business.token_revoked_at = timezone.now()
        business.save(update_fields=["token_revoked_at"])
        audit_record(
            actor=user, kind=AuditKind.REPORTING_LINK_REVOKED, object_type="business", object_id=str(business.pk)
        )
    return business


# --- Reports from the community ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    """What the reporting page's form accepted."""

    signs: list[WarningSign]
    what_happened: str
    happened_at: datetime
    where: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    contact_email: str = ""


def _triage_agency(business: Business | None) -> Agency | None:
    """Whose work the report is: the business's agency; for the public page, the agency of the partnership's
    (first) coordinator."""
    if business is not None:
        return business.agency
    coordinator = (
        User.objects.filter(is_active=True, roles__code=RoleCode.COORDINATOR, agency__isnull=False)
        .select_related("agency")
        .order_by("pk")
        .first()
    )
    return coordinator.agency if coordinator is not None else None


def community_report_receive(
    *, business: Business | None, submitted: Submitted, now: datetime | None = None
) -> CommunityReport:
    """Store a report as submitted, from a business's link (``business``) or the public page (None), and put it in
    the coordinator's triage queue (a task on the work list, due one working day after it arrived). ``now``: when
    it arrived (the demo area's reports were sent over the last days)."""
    allowed = {GENERAL} if business is None else {business.kind}
    if any(sign.applies_to not in allowed or not sign.is_active for sign in submitted.signs):
        raise ValidationError({"signs": "Choose warning signs from the list."})
    what = submitted.what_happened.strip()
    if not what:
        raise ValidationError({"what_happened": "Enter what you saw or heard."})
    if len(what) > WHAT_HAPPENED_MAX:
        raise ValidationError({"what_happened": f"What happened must be {WHAT_HAPPENED_MAX:,} characters or fewer."})
    now = now or timezone.now()
    if submitted.happened_at > now:
        raise ValidationError({"happened_at": "The time must be now or in the past."})
    # No address, browser or page address (which carries the token) in the audit row: only what was submitted.
    token = set_origin(AuditOrigin(path=reverse("community:report-public")))
    try:
        with transaction.atomic():
            report = CommunityReport.objects.create(
                business=business,
                what_happened=what,
                happened_at=submitted.happened_at,
                where=submitted.where.strip(),
                contact_name=submitted.contact_name.strip(),
                contact_phone=submitted.contact_phone.strip(),
                contact_email=submitted.contact_email.strip(),
                received_at=now,
            )
            report.signs.set(submitted.signs)
            audit_record(
                actor=None,
                kind=AuditKind.COMMUNITY_REPORT_RECEIVED,
                object_type="community_report",
                object_id=str(report.pk),
                payload={"business": str(business.pk) if business else None},
            )
            agency = _triage_agency(business)
            if agency is not None:
                task_open(
                    actor=None,
                    kind=TaskKind.COMMUNITY_REPORT,
                    source_id=str(report.pk),
                    title=f"Triage a community report from {business.name if business else 'the public page'}",
                    link=reverse("community:report-detail", kwargs={"report_id": report.pk}),
                    due_at=london_day_ends(community_report_triage_due(now)),
                    owner_agency=agency,
                )
    finally:
        reset_origin(token)
    return report


def _open_report(report: CommunityReport) -> CommunityReport:
    live = CommunityReport.objects.select_for_update().get(pk=report.pk)
    if live.status != ReportStatus.OPEN:
        raise ValidationError("This report has already been triaged.")
    return live


def community_report_to_concern(
    *, user: User, report: CommunityReport, child: Child, category: str, what_happened: str
) -> Concern:
    """Turn the report into a concern about the child, at the business's place, recorded through the concerns
    app (its own policy and audit row); the report keeps the link to the concern and leaves the queue."""
    _require(policy.can_triage_community_reports(user))
    with transaction.atomic():
        report = _open_report(report)
        place = report.business.place if report.business_id and report.business else None
        concern = concern_record(
            user=user,
            child=child,
            category=category,
            occurred_at=report.happened_at,
            what_happened=what_happened,
            from_community=True,
            place_name=place.name if place else report.where[:200],
            place_postcode=place.postcode if place else "",
            place=place,
        )
        report.status = ReportStatus.CONCERN
        report.concern = concern
        report.triaged_by, report.triaged_at = user, timezone.now()
        report.save(update_fields=["status", "concern", "triaged_by", "triaged_at"])
        audit_record(
            actor=user,
            kind=AuditKind.COMMUNITY_REPORT_TRIAGED,
            child_id=child.pk,
            object_type="community_report",
            object_id=str(report.pk),
            payload={"outcome": "concern", "concern": str(concern.pk)},
        )
        task_close_for(actor=user, kind=TaskKind.COMMUNITY_REPORT, source_id=str(report.pk))
    return concern


def community_report_close(*, user: User, report: CommunityReport, reason: str, note: str = "") -> CommunityReport:
    """Close the report without a concern, with the reason."""
    _require(policy.can_triage_community_reports(user))
    if reason not in CloseReason.values:
        raise ValidationError({"reason": "Choose why the report is closed."})
    if reason == CloseReason.OTHER and not note.strip():
        raise ValidationError({"note": "Say why the report is closed."})
    with transaction.atomic():
        report = _open_report(report)
        report.status = ReportStatus.CLOSED
        report.close_reason, report.close_note = reason, note.strip()
        report.triaged_by, report.triaged_at = user, timezone.now()
        report.save(update_fields=["status", "close_reason", "close_note", "triaged_by", "triaged_at"])
        audit_record(
            actor=user,
            kind=AuditKind.COMMUNITY_REPORT_TRIAGED,
            object_type="community_report",
            object_id=str(report.pk),
            payload={"outcome": "closed", "reason": reason},
        )
        task_close_for(actor=user, kind=TaskKind.COMMUNITY_REPORT, source_id=str(report.pk))
    return report
