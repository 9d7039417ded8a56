"""The starting list of phrases, from "Appropriate language: child sexual and/or criminal exploitation.
Guidance for professionals" (The Children's Society, Victim Support and the National Police Chiefs'
Council, 2019, updated 2022). A partnership edits the list afterwards in the administration pages.

The data is written out here, not imported, so that this migration stays as it was when it ran.
"""

from django.db import migrations

CHOICE = (
    "Exploitation is not a choice. A child who is groomed, threatened, controlled or in debt to "
    "the people exploiting them is not choosing freely, and is not to blame."
)
CONSENT = (
    "A child cannot consent to their own abuse or exploitation. Grooming, coercion, fear and the power "
    "the exploiter holds take away free consent; a child under 16 cannot consent to sexual activity in law, "
    "and one under 13 never can."
)
PROSTITUTION = (
    "A child cannot be a prostitute. These words suggest the child chose this, and hide that adults are "
    "sexually abusing them; the law stopped using them in 2015."
)
AT_RISK = (
    "Makes the child responsible for the harm other people do to them, and suggests they could stop it. "
    "The risk comes from the adults who exploit them."
)
CARRYING = (
    "Describes the child as a willing courier, or an object, rather than a victim of criminal exploitation "
    "and of trafficking."
)

SEED = [
    # (phrase, is_regex, suggestion, why)
    ("child prostitute", False, "child who is being sexually exploited (say who is exploiting them)", PROSTITUTION),
    ("child prostitutes", False, "children who are being sexually exploited", PROSTITUTION),
    ("child prostitution", False, "child sexual exploitation; child sexual abuse", PROSTITUTION),
    ("prostituting", False, "is being sexually exploited by (name the adults, if known)", PROSTITUTION),
    (
        "selling sex",
        False,
        "is being sexually exploited: adults are paying to abuse a child",
        "Suggests a transaction the child chose; adults who pay to abuse a child are abusers.",
    ),
    (
        "exchanging sex for",
        False,
        "is being sexually exploited: adults give the child (drugs, money, a place to stay) in order to abuse them",
        "Suggests a fair exchange freely made. A child given things for sex is being abused by those who give them.",
    ),
    ("putting themselves at risk", False, "is at risk from (name the adults or the situation)", AT_RISK),
    ("putting herself at risk", False, "is at risk from (name the adults or the situation)", AT_RISK),
    ("putting himself at risk", False, "is at risk from (name the adults or the situation)", AT_RISK),
    ("put themselves at risk", False, "is at risk from (name the adults or the situation)", AT_RISK),
    ("put herself at risk", False, "is at risk from (name the adults or the situation)", AT_RISK),
    ("put himself at risk", False, "is at risk from (name the adults or the situation)", AT_RISK),
    (
        r"(?:puts|placing|places|placed)\s+(?:themselves|herself|himself)\s+at\s+risk",
        True,
        "is at risk from (name the adults or the situation)",
        AT_RISK,
    ),
    (
        "boyfriend",
        False,
        "adult of concern / the adult who is exploiting them",
        "An adult who abuses a child is not their boyfriend: the word suggests a consensual relationship between "
        "equals and hides the abuse and the power the adult holds. If this is not about an adult who poses a risk "
        "to the child (for example, a boy of the child's own age and no concern), ignore this suggestion.",
    ),
    (
        "sugar daddy",
        False,
        "adult of concern who is sexually exploiting the child",
        "Presents an adult who abuses a child as a generous partner, and the abuse as the child's choice.",
    ),
    (
        # Consent to a referral, to sharing information or to a medical examination is a different matter.
        r"consented(?!\s+to\s+(?:the\s+|a\s+|this\s+|an\s+)?(?:referral|information|share|sharing|assessment"
        r"|medical|treatment|examination|interview|visit|plan|photograph))",
        True,
        "describe what happened and the power imbalance: the child was groomed, coerced or controlled and "
        "could not freely consent",
        CONSENT,
    ),
    ("consensual", False, "the child was abused; describe the grooming or coercion", CONSENT),
    (
        "risky behaviour",
        False,
        "describe what is happening and who poses the risk: the child is being exploited, or is at risk of "
        "exploitation, by (name them)",
        "Puts the blame on the child's actions instead of on the adults who exploit them.",
    ),
    (
        "risk-taking behaviour",
        False,
        "describe what is happening and who poses the risk: the child is being exploited, or is at risk of "
        "exploitation, by (name them)",
        "Puts the blame on the child's actions instead of on the adults who exploit them.",
    ),
    ("lifestyle choice", False, "the child is being exploited; describe how they are groomed or controlled", CHOICE),
    ("they are choosing to", False, "the child is being coerced or controlled into", CHOICE),
    (
        r"(?:she|he)\s+is\s+choosing\s+to|(?:she|he)['\u2019]s\s+choosing\s+to|they['\u2019]re\s+choosing\s+to",
        True,
        "the child is being coerced or controlled into",
        CHOICE,
    ),
    (
        "promiscuous",
        False,
        "the child is being sexually abused or exploited (say by whom)",
        "A judgement of the child's morals that blames them for the sexual abuse they suffer.",
    ),
    (
        "sexually active",
        False,
        "the child is being sexually abused or exploited",
        "Of a child who is being exploited, describes abuse as the child's own sexual activity. In a health "
        "assessment of a relationship between peers with no concern, ignore this suggestion.",
    ),
    (
        "sexually available",
        False,
        "the child is being sexually exploited; adults are abusing them",
        "Suggests the child offers themselves, and hides the adults who abuse them.",
    ),
    (
        "engaging in sexual activity",
        False,
        "is being sexually abused (raped, if they are under 13 or could not consent)",
        "Used of abuse, describes the child as a willing participant.",
    ),
    (
        "association with older males",
        False,
        "is being targeted by adults of concern who pose a risk of exploitation (name them, if known)",
        "Describes the adults' abuse as the child's choice of company, and hides that these adults pose a risk.",
    ),
    (
        "associating with older males",
        False,
        "is being targeted by adults of concern who pose a risk of exploitation (name them, if known)",
        "Describes the adults' abuse as the child's choice of company, and hides that these adults pose a risk.",
    ),
    (
        "streetwise",
        False,
        "the child has been exposed to harm and exploitation, and still needs protecting",
        "Suggests the child can look after themselves; children who seem streetwise are often the most exposed "
        "to harm.",
    ),
    ("mules", False, "children who are being criminally exploited to carry drugs (victims of trafficking)", CARRYING),
    ("drug mule", False, "child who is being criminally exploited to carry drugs (a victim of trafficking)", CARRYING),
    (
        "runner",
        False,
        "child who is being criminally exploited to carry drugs or money",
        CARRYING + " Ignore this if it is about running for sport.",
    ),
    (
        "runners",
        False,
        "children who are being criminally exploited to carry drugs or money",
        CARRYING + " Ignore this if it is about running for sport.",
    ),
    (
        "recruiting other children",
        False,
        "is being made to introduce other children to the people exploiting them; is a victim of exploitation",
        "Makes the child the offender. Children are often made to bring in others, under threat, by the adults "
        "who exploit them.",
    ),
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
    dependencies = [("language", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
