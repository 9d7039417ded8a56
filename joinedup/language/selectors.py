from django.db.models import QuerySet

from .models import PhraseGuidance


def phrase_guidance_active() -> QuerySet[PhraseGuidance]:
    """The phrases the language check looks for now. Not case data: any signed-in user may read them."""
    return PhraseGuidance.objects.filter(active=True).order_by("phrase")
