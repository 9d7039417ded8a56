"""Version 1 of the risk model, in the spirit of published screening tools (e.g. SERAF).

Vulnerabilities weigh 1, moderate indicators 3, significant indicators 6. Bands
follow one published scheme: 0-5 no concerns identified, 6-10 low, 11-15
medium, 16 and over high. Reviews: high 30 days, medium 60, low and none 90.
"""

from django.db import migrations

INDICATORS = [
    ("V1", "vulnerability", "Looked after or recently left care", "The child is looked after, or left care in the last year.", 365),
    ("V2", "vulnerability", "Not in education", "Excluded, on a reduced timetable or not attending school.", 180),
    ("V3", "vulnerability", "Past abuse or neglect", "The child has experienced abuse or neglect at any time.", 3650),
    ("V4", "vulnerability", "Learning disability or special needs", "A learning disability or special educational needs.", 3650),
    ("V5", "vulnerability", "Family conflict or breakdown", "Conflict at home, or the family has broken down.", 365),
    ("V6", "vulnerability", "Substance misuse in the family", "Parents or carers misuse alcohol or drugs.", 365),
    ("V7", "vulnerability", "Isolated from peers", "Few friends of their own age; lonely or bullied.", 180),
    ("M1", "moderate", "Missing from home or care", "Has gone missing, or been away from placement, in the window.", 90),
    ("M2", "moderate", "Unexplained gifts or money", "New phone, clothes, money or credit the child cannot explain.", 90),
    ("M3", "moderate", "Older friends or associates", "Spends time with people much older than them.", 90),
    ("M4", "moderate", "Change in behaviour or appearance", "A marked change in mood, dress or behaviour.", 90),
    ("M5", "moderate", "Alcohol or drugs", "The child is being given alcohol or drugs.", 90),
    ("M6", "moderate", "Sexual health concerns", "Repeat sexually transmitted infections, pregnancy or termination.", 180),
    ("M7", "moderate", "Exposed to risk online", "Contact online with unknown adults, or images being shared.", 90),
    ("S1", "significant", "Seen with adults of concern", "Seen with, or picked up by, adults known to exploit children.", 90),
    ("S2", "significant", "Found in places linked to exploitation", "Found at hotels, addresses or places linked to exploitation.", 90),
    ("S3", "significant", "Disclosure of exploitation", "The child, or someone else, has said the child is exploited.", 180),
    ("S4", "significant", "Carrying drugs or money for others", "Found with drugs, weapons or money held for others.", 90),
    ("S5", "significant", "Physical injury without explanation", "Injuries the child will not or cannot explain.", 90),
    ("S6", "significant", "Travelling far from home", "Found in other towns, or with travel tickets they cannot explain.", 90),
]
WEIGHTS = {"vulnerability": 1, "moderate": 3, "significant": 6}


def seed(apps, schema_editor):
    Catalogue = apps.get_model("assessments", "Catalogue")
    Indicator = apps.get_model("assessments", "Indicator")
    catalogue = Catalogue.objects.create(
        version=1,
        name="Wealdbridge partnership exploitation risk model",
        is_current=True,
        thresholds={"none": 0, "low": 6, "medium": 11, "high": 16},
        review_days={"none": 90, "low": 90, "medium": 60, "high": 30},
    )
    for code, kind, text, definition, window in INDICATORS:
        Indicator.objects.create(
            catalogue=catalogue, code=code, kind=kind, text=text, definition=definition,
            weight=WEIGHTS[kind], window_days=window,
        )


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
