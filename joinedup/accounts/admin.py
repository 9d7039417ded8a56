from typing import Any

from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django_otp.plugins.otp_totp.models import TOTPDevice

from joinedup.web.admin_site import AdministratorAdmin, site

from .models import User


@admin.register(User, site=site)
class UserAdmin(AdministratorAdmin, DjangoUserAdmin):  # type: ignore[misc]
    list_display = ["username", "first_name", "last_name", "agency", "team", "is_active"]
    list_filter = ["agency", "roles", "is_active"]
    filter_horizontal = ["roles"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email")}),
        ("Agency and roles", {"fields": ("agency", "team", "roles", "is_active")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"fields": ("username", "password1", "password2")}),
        ("Agency and roles", {"fields": ("agency", "team", "roles")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        # The new password and its audit row are written together, or neither is.
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)


@admin.register(AccessAttempt, site=site)
class SignInLockoutAdmin(AdministratorAdmin):
    """Failed sign-ins per username; deleting a row unlocks that username."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    search_fields = ["username"]
    readonly_fields = fields = ("username", "ip_address", "user_agent", "failures_since_start", "attempt_time")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(TOTPDevice, site=site)
class AuthenticatorAppAdmin(AdministratorAdmin):
    """Staff members' authenticator apps; deleting one makes its owner set up a new app at next sign-in."""

    list_display = ["user", "name", "confirmed", "created_at"]
    search_fields = ["user__username"]
    readonly_fields = fields = ("user", "name", "confirmed", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
