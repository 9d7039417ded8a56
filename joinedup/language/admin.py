from django.contrib import admin

from joinedup.web.admin_site import AdministratorAdmin, site

from .models import PhraseGuidance


@admin.register(PhraseGuidance, site=site)
class PhraseGuidanceAdmin(AdministratorAdmin):
    """The partnership's list of victim-blaming phrases and their child-centred alternatives."""

    list_display = ["phrase", "suggestion", "is_regex", "active"]
    list_filter = ["active", "is_regex"]
    search_fields = ["phrase", "suggestion", "why"]
    fields = ["phrase", "is_regex", "why", "suggestion", "active"]
