from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

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
