import factory
from factory.django import DjangoModelFactory

from joinedup.language.models import PhraseGuidance


class PhraseGuidanceFactory(DjangoModelFactory[PhraseGuidance]):
    class Meta:
        model = PhraseGuidance

    phrase = factory.Sequence(lambda n: f"synthetic phrase {n}")
    why = "It blames the child."
    suggestion = "a child-centred alternative"
