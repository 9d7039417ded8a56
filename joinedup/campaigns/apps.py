from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    """Awareness campaigns: what was done, where and for whom, and its reach beside the hotspots."""

    name = "joinedup.campaigns"
    label = "campaigns"
    verbose_name = "Awareness campaigns"
