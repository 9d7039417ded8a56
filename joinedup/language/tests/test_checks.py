"""The appropriate-language check finds each victim-blaming phrase in the seeded list, and raises no false alarm.

"boyfriend" and "runner" are flagged wherever they appear: the check cannot tell an adult who exploits a
child from a boy of her own age, or a drugs runner from an athlete. The suggestion says so, and the
practitioner ignores it where it does not apply; saving is never blocked. So the neutral sentences below
leave those words out.
"""

import importlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from joinedup.language.checks import Phrase, language_check
from joinedup.language.models import PhraseGuidance

SEED = importlib.import_module("joinedup.language.migrations.0002_seed_guidance").SEED
SEEDED = [Phrase(phrase=p, is_regex=r, suggestion=s, why=w) for p, r, s, w in SEED]
PLAIN = [p.phrase for p in SEEDED if not p.is_regex]

# For each seeded phrase: a sentence a practitioner might write, and the words to put in it.
EXAMPLES: dict[str, tuple[str, str]] = {
    "child prostitute": ("Police log describes Amira as a {} known to officers in the town centre.", ""),
    "child prostitutes": ("Intelligence report says the flat is used by {} from the estate.", ""),
    "child prostitution": ("Referral states this is a case of {} rather than abuse.", ""),
    "prostituting": ("Staff believe she is {} herself for cigarettes and alcohol.", ""),
    "selling sex": ("Neighbour reported that she is {} at the petrol station at night.", ""),
    "exchanging sex for": ("She is thought to be {} somewhere to stay and cannabis.", ""),
    "putting themselves at risk": ("Both young people are {} by going to parties at the flat.", ""),
    "putting herself at risk": ("Mia keeps {} by getting into cars with men she does not know.", ""),
    "putting himself at risk": ("Jay is {} by travelling to Margate with older boys.", ""),
    "put themselves at risk": ("The children have {} again by going missing overnight.", ""),
    "put herself at risk": ("Carer says she has {} by meeting people she met online.", ""),
    "put himself at risk": ("He has {} by carrying a knife.", ""),
    SEED[12][0]: ("Placement reports that she {} every weekend.", "puts herself at risk"),
    "boyfriend": ("She was collected from school by her 24-year-old {} in a black Audi.", ""),
    "sugar daddy": ("Friends say she has a {} who buys her clothes.", ""),
    SEED[15][0]: ("Officer noted that she {} to going to the house with the men.", "consented"),
    "consensual": ("Police recorded the incident as {} as she did not object.", ""),
    "risky behaviour": ("School are concerned about her {} at weekends.", ""),
    "risk-taking behaviour": ("Referral cites ongoing {} and poor choices.", ""),
    "lifestyle choice": ("Mum feels this is a {} and that she will grow out of it.", ""),
    "they are choosing to": ("Staff feel {} stay out and will not engage.", ""),
    SEED[21][0]: ("Social worker notes that {} go back to the address.", "she is choosing to"),
    "promiscuous": ("Health records describe her as {} since the age of 13.", ""),
    "sexually active": ("GP notes record that the 13-year-old is {} with a 22-year-old man.", ""),
    "sexually available": ("Intelligence suggests she is seen as {} by men at the shisha lounge.", ""),
    "engaging in sexual activity": ("She was found {} with two adults in a car park.", ""),
    "association with older males": ("Concerns centre on her {} in the town centre.", ""),
    "associating with older males": ("She has been {} who hang around the takeaway.", ""),
    "streetwise": ("He is very {} and knows how to look after himself.", ""),
    "mules": ("Police believe the brothers are being used as {} between London and Hastings.", ""),
    "drug mule": ("He was described in court as a {}.", ""),
    "runner": ("He is working as a {} for the Ace line.", ""),
    "runners": ("Boys from the estate are acting as {} for the line.", ""),
    "recruiting other children": ("There is intelligence that she is {} from her school.", ""),
}

NEUTRAL = [
    "The adult of concern gave her a phone.",
    "She said she felt scared.",
    "Attendance has dropped.",
    "Risk assessment completed.",
    "Jordan is being sexually exploited by adults of concern.",
    "He is being criminally exploited to carry drugs to another town.",
    "She was groomed and could not freely consent.",
    "The adults who exploit her took her to a flat in Hastings.",
    "Mum consented to the referral.",
    "Aisha consented to information sharing with the police.",
    "He gave consent to share his information with the youth offending team.",
    "She went missing from her placement at 22:30 and returned at 06:00.",
    "Return home interview offered within 72 hours.",
    "He told me he owes money and is frightened of what will happen.",
    "She has new clothes and a phone that nobody at home bought for her.",
    "Police served a child abduction warning notice on the adult.",
    "Her key worker visited after school and they went for a walk.",
    "She wants to be a nurse when she leaves school.",
    "He enjoys football and plays for a local team.",
    "There are concerns that she is being controlled by older adults.",
    "The child is at risk of exploitation from adults at the flat.",
    "Sexual health nurse offered advice and a follow-up appointment.",
    "Mum is worried and wants help to keep her safe.",
    "He was found in a car with two adults not known to the family.",
    "Her friend from school is also being targeted.",
    "The young person disclosed that she had been raped.",
    "He was arrested with drugs on him; he is a victim of trafficking and was referred to the NRM.",
    "Strategy meeting held; MACE referral made.",
    "She is choosing her GCSE options this term.",
    "She was running late for school.",
    "He said the risk to him comes from the men at the flat.",
    "Seen with older males near the station; she said she was frightened of them.",
]


def _as_written(words: str, index: int) -> str:
    """The words in another case, with a line break and extra spaces between the first two words."""
    cased = [str.upper, str.title, lambda w: "".join(c.upper() if i % 2 else c for i, c in enumerate(w))][index % 3]
    return cased(words).replace(" ", " \n  ", 1)


def test_every_seeded_phrase_has_an_example_sentence():
    assert set(EXAMPLES) == {p.phrase for p in SEEDED}


def test_the_migration_seeds_the_list_in_the_database(db):
    assert set(PhraseGuidance.objects.filter(active=True).values_list("phrase", flat=True)) >= set(EXAMPLES)


@pytest.mark.parametrize("phrase", list(EXAMPLES))
def test_the_check_finds_each_seeded_phrase_in_a_practitioners_sentence(db, phrase: str):
    template, words = EXAMPLES[phrase]
    written = _as_written(words or phrase, list(EXAMPLES).index(phrase))
    text = template.format(written)

    findings = language_check(text)

    assert [f.phrase for f in findings if f.matched == written] == [phrase], findings
    finding = next(f for f in findings if f.phrase == phrase)
    assert text[finding.start : finding.end] == written
    assert finding.suggestion
    assert finding.why


@pytest.mark.parametrize("sentence", NEUTRAL)
def test_no_false_alarm_in_a_neutral_child_centred_sentence(db, sentence: str):
    assert language_check(sentence) == []


def test_there_are_at_least_25_neutral_sentences():
    assert len(set(NEUTRAL)) >= 25


def test_boyfriend_is_flagged_wherever_it_appears_and_the_suggestion_says_when_to_ignore_it():
    findings = language_check("Her mother's boyfriend collected her.", SEEDED)
    assert [f.matched for f in findings] == ["boyfriend"]
    assert findings[0].suggestion == "adult of concern / the adult who is exploiting them"
    assert "ignore this suggestion" in findings[0].why


def test_matching_is_whole_words_only():
    phrases = [Phrase("runner", "x"), Phrase("child prostitute", "y"), Phrase("boyfriend", "z")]
    assert language_check("A frontrunner; the runners; child prostitutes; runner_1", phrases) == []
    assert [f.matched for f in language_check("(runner) child  prostitute.", phrases)] == [
        "runner",
        "child  prostitute",
    ]
    # A hyphen separates words, so "ex-boyfriend" is flagged (and so, a rare false alarm, is "runner-up").
    assert [f.matched for f in language_check("her ex-boyfriend, the runner-up", phrases)] == ["boyfriend", "runner"]


def test_a_hyphen_may_be_written_as_a_space_and_an_apostrophe_curly():
    phrases = [Phrase("risk-taking behaviour", "x"), Phrase("she's choosing to", "y")]
    text = "Risk taking\nbehaviour; she\u2019s choosing to"
    assert [f.phrase for f in language_check(text, phrases)] == ["risk-taking behaviour", "she's choosing to"]


def test_a_regular_expression_phrase_matches_case_insensitively_as_whole_words():
    phrases = [Phrase(r"puts\s+(?:herself|himself)\s+at\s+risk", "x", is_regex=True)]
    assert [f.matched for f in language_check("She PUTS herself\nat risk.", phrases)] == ["PUTS herself\nat risk"]
    assert language_check("She puts herself at risky places.", phrases) == []


def test_consent_to_a_referral_or_to_sharing_is_not_flagged_but_consent_to_abuse_is():
    assert language_check("Mum consented to the referral and consented to sharing.", SEEDED) == []
    assert [f.matched for f in language_check("She consented to go with them.", SEEDED)] == ["consented"]


def test_an_invalid_pattern_is_skipped_rather_than_stopping_the_practitioner():
    phrases = [Phrase("(unclosed", "x", is_regex=True), Phrase("streetwise", "y")]
    assert [f.phrase for f in language_check("Streetwise (unclosed", phrases)] == ["streetwise"]


def test_a_finding_inside_a_longer_one_is_reported_once_under_the_longer():
    phrases = [Phrase("drug mule", "longer"), Phrase("mule", "shorter")]
    assert [f.suggestion for f in language_check("a drug mule, a mule", phrases)] == ["longer", "shorter"]


def test_an_inactive_phrase_is_not_looked_for(db):
    PhraseGuidance.objects.filter(phrase="streetwise").update(active=False)
    assert language_check("He is streetwise.") == []


_PHRASE_LETTERS = {c for p in SEEDED for c in p.phrase.lower() if c.isalpha()}


def _shares_no_letter_with_a_phrase(c: str) -> bool:
    # Case-insensitive matching also folds some other letters (the long s, the Kelvin sign) onto a-z.
    return not any(x in _PHRASE_LETTERS for form in (c, c.lower(), c.upper(), c.casefold()) for x in form.lower())


@given(st.text(alphabet=st.characters(codec="utf-8").filter(_shares_no_letter_with_a_phrase), max_size=300))
def test_text_with_no_letter_of_any_phrase_never_yields_a_finding(text: str):
    assert language_check(text, SEEDED) == []


@given(
    st.lists(
        st.one_of(
            st.text(max_size=20),
            st.tuples(st.sampled_from(PLAIN), st.sampled_from([" ", "\n", "  \r\n\t"])).map(
                lambda t: t[1].join(t[0].split())
            ),
        ),
        max_size=8,
    ).map(" ".join)
)
def test_each_finding_slices_back_to_its_matched_text(text: str):
    findings = language_check(text, SEEDED)
    for finding in findings:
        assert text[finding.start : finding.end] == finding.matched
        assert re.sub(r"\s+", " ", finding.matched).lower().replace("-", " ") in {
            p.lower().replace("-", " ") for p in PLAIN
        } or any(p.is_regex for p in SEEDED if p.phrase == finding.phrase)
    assert [f.start for f in findings] == sorted(f.start for f in findings)
