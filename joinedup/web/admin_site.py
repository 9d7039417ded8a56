"""The administration pages: agencies, teams and staff accounts, for administrators only.

Children's information is not registered here: administrators have no need to know it.
"""

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from joinedup.access import policy
from joinedup.audit.models import AuditKind
from joinedup.audit.services import audit_record


class JoinedupAdminSite(admin.AdminSite):
    site_header = "joinedup administration"
    site_title = "joinedup administration"
    index_title = "Agencies, teams and staff"

    def has_permission(self, request: HttpRequest) -> bool:
        user: Any = request.user
        if not policy.can_administer(user):
            return False
        return not settings.JOINEDUP_OTP_REQUIRED or user.is_verified()

    # Headings in plain words for the libraries' apps (their own names are codes: "AXES", "OTP_TOTP").
    APP_HEADINGS = {"axes": "Sign-in attempts and lockouts", "otp_totp": "Two-factor sign-in devices"}

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
        apps = super().get_app_list(request, app_label)
        for app in apps:
            app["name"] = self.APP_HEADINGS.get(app["app_label"], app["name"])
        return apps

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # One sign-in page for the whole platform, with its lockout and second factor.
        return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.GET.get('next', reverse('admin:index'))}")


class AdministratorAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Administrators manage these models; every change lands in the audit trail."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return policy.can_administer(request.user)  # type: ignore[arg-type]

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return policy.can_administer(request.user)  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return policy.can_administer(request.user)  # type: ignore[arg-type]

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return policy.can_administer(request.user)  # type: ignore[arg-type]

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return policy.can_administer(request.user)  # type: ignore[arg-type]

    def _audit(self, request: HttpRequest, obj: Model, action: str, detail: Any) -> None:
        audit_record(
            actor=request.user,  # type: ignore[arg-type]
            kind=AuditKind.ADMIN_CHANGE,
            object_type=obj._meta.label_lower,
            object_id=str(obj.pk),
            payload={"action": action, "detail": str(detail)},
        )

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> LogEntry:
        self._audit(request, obj, "added", message)
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> LogEntry:
        self._audit(request, obj, "changed", message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            self._audit(request, obj, "deleted", obj)
        return super().log_deletions(request, queryset)


site = JoinedupAdminSite(name="admin")
