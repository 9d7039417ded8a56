from django.apps import AppConfig


class CommunityConfig(AppConfig):
    """Registered businesses (hotels, taxi firms, takeaways, licensed premises, shops) and the reports the
    community sends through their reporting links or the public page, triaged by the coordinator."""

    name = "joinedup.community"
    label = "community"
