from django.contrib import admin

from joinedup.web.admin_site import AdministratorAdmin, site

from .models import Agency, Team


class TeamInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Team
    extra = 0

    def has_view_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return True

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(Agency, site=site)
class AgencyAdmin(AdministratorAdmin):
    list_display = ["name", "code", "kind"]
    search_fields = ["name", "code"]
    inlines = [TeamInline]


@admin.register(Team, site=site)
class TeamAdmin(AdministratorAdmin):
    list_display = ["name", "agency", "is_duty_team"]
    list_filter = ["agency"]
    search_fields = ["name"]
