"""Writes about the partnership's agencies: each validates, writes and audits in one transaction."""

from django.core.exceptions import ValidationError
from django.db import transaction

from joinedup.accounts.models import User
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record

from .models import Agency, AgencyKind


def agency_create(*, code: str, name: str, kind: str, actor: User | None = None) -> Agency:
    """Register a partner agency (e.g. on a first install without the demo, before its staff are added).

    ``actor`` None is the operator at the command line, who the audit row names by its reason."""
    code = code.strip().upper()
    name = name.strip()
    if not code or len(code) > 12 or not code.replace("-", "").isalnum():
        raise ValidationError({"code": "The code is 1 to 12 letters or digits, e.g. POL."})
    if not name:
        raise ValidationError({"name": "Give the agency's name."})
    if kind not in AgencyKind.values:
        raise ValidationError({"kind": f"The kind is one of {', '.join(AgencyKind.values)}."})
    if Agency.objects.filter(code__iexact=code).exists():
        raise ValidationError({"code": f"An agency with the code {code} already exists."})
    if Agency.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": f"An agency called {name} already exists."})
    with transaction.atomic():
        agency = Agency.objects.create(code=code, name=name, kind=kind)
        audit_record(
            actor=actor,
            kind=AuditKind.ADMIN_CHANGE,
            object_type="agency",
            object_id=str(agency.pk),
            reason=f"Registered agency {code}",
            payload={"code": code, "name": name, "kind": kind},
        )
    return agency
