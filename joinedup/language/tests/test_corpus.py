"""The language check against a corpus: sentences a practitioner might write that should be flagged, and
sentences that should not (issue 15: consent in other words, a "relationship" with an adult, "boyfriend" for
an adult of concern, criminalising words for a child who goes missing). The list checked is the one the
migrations seed into the database, as the practitioner's check reads it.
"""

import importlib

import pytest

from joinedup.language.checks import language_check

SEED_0003 = importlib.import_module("joinedup.language.migrations.0003_consent_relationships_missing").SEED

SHOULD_FLAG = [
    # consent, in other words than "consented"
    "Officer noted she was consenting to going to the flat with the men.",
    "He says she consents and that nobody forced her.",
    "She told the nurse she agreed to sex with him.",
    "Police recorded that she gave consent to sexual activity in the car.",
    # a "relationship" with an adult
    "She is in a relationship with a 25 year old.",
    "Mum believes she is in a relationship with a 25-year-old from the takeaway.",
    "She says she is in a relationship with an older man she met online.",
    "Reported to be in a relationship with an adult male who picks her up from school.",
    "Friends say she has been in a relationship with a grown man since the summer.",
    "She is staying with her partner, aged 23, at his flat.",
    "Her older partner who is 31 buys her phone credit.",
    # "boyfriend" for an adult of concern (flagged wherever it appears; the suggestion says when to ignore it)
    "She was collected by her boyfriend, who is 27, in a black car.",
    "The adult of concern is described by the child as her boyfriend.",
    # choice and willingness
    "He was a willing participant in the robbery the older boys planned.",
    "She went willingly with the men to Hastings.",
    "Police log describes her as a sex worker.",
    # a child who goes missing
    "She absconded from her placement at 23:00.",
    "He has a history of absconding from care.",
    "Known absconder; placement asked for a tag.",
    # the phrases seeded before, still found
    "Mia keeps putting herself at risk by getting into cars.",
    "Police recorded the incident as consensual.",
    "He is very streetwise.",
]

SHOULD_NOT_FLAG = [
    "Mum consents to the referral to the exploitation team.",
    "She consents to sharing her information with the police.",
    "He is consenting to the medical examination.",
    "She agreed to the plan and to a visit next week.",
    "Her 25 year old sister collects her from school.",
    "She is in a relationship with a boy in her year at school.",
    "Mum's partner, aged 40, has been living at the home since June.",
    "The relationship with her foster carer is warm and she feels safe.",
    "She went missing from her placement at 22:30 and returned at 06:00.",
    "He is being sexually exploited by adults of concern; she could not freely consent.",
    "She wants to be a nurse and is working hard for her exams.",
    "The adults who exploit her gave her a phone and drugs.",
    "He has been going missing from care and is frightened of the men at the flat.",
    "The adult of concern, aged 24, was arrested and charged.",
    "She told us she felt scared when the man picked her up.",
]


@pytest.mark.django_db
@pytest.mark.parametrize("sentence", SHOULD_FLAG)
def test_the_check_flags_each_sentence_that_blames_or_criminalises_a_child(sentence: str) -> None:
    assert language_check(sentence), sentence


@pytest.mark.django_db
@pytest.mark.parametrize("sentence", SHOULD_NOT_FLAG)
def test_the_check_raises_no_false_alarm_on_a_child_centred_sentence(sentence: str) -> None:
    assert language_check(sentence) == [], [f.matched for f in language_check(sentence)]


@pytest.mark.django_db
@pytest.mark.parametrize("phrase", [row[0] for row in SEED_0003])
def test_every_phrase_the_migration_adds_is_in_the_database_and_flags_a_corpus_sentence(phrase: str) -> None:
    from joinedup.language.models import PhraseGuidance

    assert PhraseGuidance.objects.filter(phrase=phrase, active=True).exists()
    assert any(f.phrase == phrase for sentence in SHOULD_FLAG for f in language_check(sentence)), phrase


def test_every_template_textarea_is_checked_as_the_practitioner_writes() -> None:
    """A hand-written textarea in a template must carry the check, as every form's textarea does through
    _field.html: the override reason of an assessment went unchecked."""
    from pathlib import Path

    from django.conf import settings

    unchecked = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        html = template.read_text()
        textareas = html.count("<textarea")
        checks = html.count("{% url 'language:check' %}")
        if textareas > checks:
            unchecked.append(f"{template.name}: {textareas} textareas, {checks} checked")
    assert unchecked == []
