from joinedup.web.admin_site import AdministratorAdmin, site

from .models import WarningSign


class WarningSignAdmin(AdministratorAdmin):
    """The warning signs listed on the reporting pages, by kind of business (and the public page's)."""

    list_display = ("text", "applies_to", "order", "is_active")
    list_filter = ("applies_to", "is_active")
    ordering = ("applies_to", "order")


site.register(WarningSign, WarningSignAdmin)
