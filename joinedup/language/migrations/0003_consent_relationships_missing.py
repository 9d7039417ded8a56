"""More phrases for the partnership's list: consent in other words, a "relationship" with an adult, and the
criminalising words for a child who goes missing from care. The gaps were found by trying the check as a
practitioner writes: nothing was said about "consenting" or "in a relationship with a 25 year old".

The data is written out here, not imported, so that this migration stays as it was when it ran.
"""

from django.db import migrations

CONSENT = (
    "A child cannot consent to their own abuse or exploitation. Grooming, coercion, fear and the power "
    "the exploiter holds take away free consent; a child under 16 cannot consent to sexual activity in law, "
    "and one under 13 never can."
)
RELATIONSHIP = (
    "An adult who abuses a child is not in a relationship with them: the word suggests something consensual "
    "between equals and hides the abuse and the power the adult holds. Name the adult as an adult of concern."
)
WILLING = (
    "Describes the child as choosing what is done to them. A child who is groomed, threatened or in debt to "
    "the people exploiting them is not acting freely."
)
MISSING = (
    "Words from criminal justice that make a child who goes missing sound like an offender. Children go "
    "missing because something is wrong, and often because adults are exploiting them."
)
# Consent to a referral, to sharing information or to a medical examination is a different matter.
_NOT_ABUSE = (
    r"(?!\s+to\s+(?:\w+\s+)?(?:referral|information|shar\w*|assessment|medical|treatment|examination|interview"
    r"|visit|plan|support|help|photograph))"
)

SEED = [
    # (phrase, is_regex, suggestion, why)
    (
        r"consent(?:ing|s)" + _NOT_ABUSE,
        True,
        "describe what happened and the power imbalance: the child was groomed, coerced or controlled and "
        "could not freely consent",
        CONSENT,
    ),
    (
        r"(?:gave\s+(?:her\s+|his\s+)?consent|agreed)\s+to\s+(?:sex|sexual\s+\w+|have\s+sex|sleep\s+with)",
        True,
        "describe what happened and the power imbalance: the child was groomed, coerced or controlled and "
        "could not freely consent",
        CONSENT,
    ),
    (
        r"(?:in\s+a\s+)?relationship\s+with\s+(?:an?\s+|the\s+)?(?:(?:1[89]|[2-9]\d)[\s-]*(?:years?|yrs?)[\s-]*old"
        r"|older\s+\w+|adult\s+\w+|grown\s+\w+)",
        True,
        "is being abused by (name the adult of concern)",
        RELATIONSHIP,
    ),
    (
        r"(?:her|his|their)\s+(?:older\s+)?(?:partner|lover)(?:\s*,)?\s+(?:who\s+is\s+|aged\s+)?(?:1[89]|[2-9]\d)\b",
        True,
        "the adult of concern (name them) who is abusing the child",
        RELATIONSHIP,
    ),
    ("willing participant", False, "the child was groomed, coerced or controlled", WILLING),
    ("went willingly", False, "was taken by (name the adults); describe the grooming or coercion", WILLING),
    ("sex worker", False, "child who is being sexually exploited (say who is exploiting them)", WILLING),
    ("absconded", False, "went missing (from home or care)", MISSING),
    ("absconding", False, "going missing (from home or care)", MISSING),
    ("absconder", False, "child who goes missing", MISSING),
]


def seed(apps, schema_editor):
    PhraseGuidance = apps.get_model("language", "PhraseGuidance")
    for phrase, is_regex, suggestion, why in SEED:
        PhraseGuidance.objects.update_or_create(
            phrase=phrase, defaults={"is_regex": is_regex, "suggestion": suggestion, "why": why, "active": True}
        )


def unseed(apps, schema_editor):
    PhraseGuidance = apps.get_model("language", "PhraseGuidance")
    PhraseGuidance.objects.filter(phrase__in=[row[0] for row in SEED]).delete()


class Migration(migrations.Migration):
    dependencies = [("language", "0002_seed_guidance")]

    operations = [migrations.RunPython(seed, unseed)]
