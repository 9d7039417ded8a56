from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from joinedup.web.admin_site import AdministratorAdmin, site

from .models import RetentionRule


@admin.register(RetentionRule, site=site)
class RetentionRuleAdmin(AdministratorAdmin):
    """The partnership's retention periods, one per record type: the review list (/rights/retention/) follows
    them at once."""

    list_display = ["record_type", "years", "counted_from", "updated_at"]
    fields = ["record_type", "years", "counted_from", "basis"]

    def save_model(self, request: HttpRequest, obj: RetentionRule, form: Any, change: bool) -> None:
        obj.updated_at = timezone.now()
        super().save_model(request, obj, form, change)
