from django.contrib.auth import login
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.agencies.models import Agency, Team
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record

from .middleware import LAST_SEEN_AT, SIGNED_IN_AT
from .models import Role, RoleCode, User


def user_sign_in(*, request: HttpRequest, user: User) -> None:
    """Start a session after a correct password, stamping it for the idle and absolute timeouts."""
    with transaction.atomic():
        login(request, user)
        now = timezone.now().isoformat()
        request.session[SIGNED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now
        audit_record(actor=user, kind=AuditKind.SIGNED_IN)


def sign_in_failure_record(*, username: str) -> None:
    """The same record whether or not the username exists, as the page's answer is the same."""
    audit_record(actor=None, kind=AuditKind.SIGN_IN_FAILED, payload={"username": username[:150]})


def user_sign_out_record(*, user: User) -> None:
    audit_record(actor=user, kind=AuditKind.SIGNED_OUT)


def two_factor_verify(*, request: HttpRequest, user: User, token: str) -> bool:
    """Check a code from the user's confirmed authenticator app; mark the session verified if right."""
    for device in TOTPDevice.objects.devices_for_user(user, confirmed=True):
        if device.verify_token(token.strip()):
            otp_login(request, device)
            return True
    return False


def two_factor_enrol(*, request: HttpRequest, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm a new authenticator app with its first code."""
    if device.user_id != user.pk or device.confirmed or not device.verify_token(token.strip()):
        return False
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        audit_record(actor=user, kind=AuditKind.TWO_FACTOR_ENROLLED)
    return True


def user_create(
    *,
    username: str,
    password: str | None,
    agency: Agency | None,
    roles: list[str],
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    team: Team | None = None,
) -> User:
    """Create a member of staff with their roles (administrators also use the administration pages).

    ``password=None`` makes an account that cannot sign in (an agency system's, for the API)."""
    with transaction.atomic():
        user = User(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=email,
            agency=agency,
            team=team,
        )
        user.clean()  # a team of the person's own agency
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save()
        user.roles.set([Role.objects.get_or_create(code=RoleCode(code))[0] for code in roles])
    return user


SYSTEM_PREFIX = "system."


def system_actor(*, operator: str) -> User:
    """The platform acting at the command line for ``operator`` (the signed-in operating-system user), so the
    audit trail names who ran it. A coordinator of the lead agency (children's social care, else the first
    agency registered) that cannot sign in: it has no usable password."""
    from joinedup.agencies.models import AgencyKind

    operator = (operator or "unknown").strip()[:100]
    username = f"{SYSTEM_PREFIX}{operator}"
    user = User.objects.filter(username=username).first()
    if user is not None:
        return user
    agency = (
        Agency.objects.filter(kind=AgencyKind.CHILDRENS_SOCIAL_CARE).order_by("pk").first()
        or Agency.objects.order_by("pk").first()
    )
    if agency is None:
        raise ValueError("No agency is registered yet: register one first (manage.py agency_add).")
    with transaction.atomic():
        user = User(username=username, first_name="Command line", last_name=f"({operator})", agency=agency)
        user.set_unusable_password()
        user.save()
        user.roles.set([Role.objects.get_or_create(code=RoleCode.COORDINATOR)[0]])
    return user
