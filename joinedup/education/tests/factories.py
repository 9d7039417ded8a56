"""Education records and checks, straight into the database (bypassing the services' checks)."""

import datetime as dt

from django.utils import timezone

from joinedup.accounts.models import RoleCode, User
from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.models import Agency, AgencyKind
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.children.models import Child
from joinedup.deadlines import london_date
from joinedup.education.models import CheckKind, CheckResult, CmeCheck, CmeReason, EducationRecord, RecordKind


def education_agency(code: str = "EDU") -> Agency:
    return AgencyFactory.create(code=code, kind=AgencyKind.EDUCATION)


def school_staff(agency: Agency, *roles: str) -> User:
    return UserFactory.create(agency=agency, roles=list(roles) or [RoleCode.PRACTITIONER])


def education_record_make(
    *,
    child: Child,
    kind: str = RecordKind.MISSING_EDUCATION,
    days_ago: int = 10,
    recorded_by: User | None = None,
    **fields: object,
) -> EducationRecord:
    agency = recorded_by.agency if recorded_by is not None and recorded_by.agency else child.owning_agency
    values: dict[str, object] = {
        "reason": CmeReason.OFF_ROLL if kind == RecordKind.MISSING_EDUCATION else "",
        "last_known_address": "1 Synthetic Street" if kind == RecordKind.MISSING_EDUCATION else "",
        **fields,
    }
    return EducationRecord.objects.create(
        child=child,
        kind=kind,
        owning_agency=agency,
        school="Synthetic Academy",
        starts_on=london_date(timezone.now()) - dt.timedelta(days=days_ago),
        recorded_by=recorded_by or UserFactory.create(agency=agency),
        recorded_at=timezone.now(),
        **values,  # type: ignore[arg-type]
    )


def cme_check_make(*, record: EducationRecord, by: User | None = None, **fields: object) -> CmeCheck:
    values: dict[str, object] = {"kind": CheckKind.FAMILY, "result": CheckResult.NO_TRACE, **fields}
    return CmeCheck.objects.create(
        record=record,
        checked_on=record.starts_on,
        checked_by=by or record.recorded_by,
        recorded_at=timezone.now(),
        **values,  # type: ignore[arg-type]
    )
