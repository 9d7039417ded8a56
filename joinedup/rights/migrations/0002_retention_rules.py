"""The partnership's starting retention periods: plausible values for the partnership to confirm or change."""

from django.db import migrations

RULES = [
    (
        "child",
        25,
        "date_of_birth",
        "A child's record where the child was never looked after: kept until the child's 25th birthday, a common "
        "local authority practice for children's social care records (and the limitation period for a claim "
        "brought by someone harmed as a child). The partnership sets this.",
    ),
    (
        "looked_after_child",
        75,
        "date_of_birth",
        "The record of a child who is or was looked after: kept until the 75th birthday (or 15 years after the "
        "child's death, where they died before 18), as the Care Planning, Placement and Case Review (England) "
        "Regulations 2010, regulation 50, require of the case record. The partnership sets this.",
    ),
    (
        "concern",
        6,
        "last_activity",
        "A concern or intelligence about exploitation: reviewed 6 years after it was last recorded, occurred or "
        "corrected, in line with the police's review of intelligence under the Management of Police Information "
        "(MoPI) guidance; it stays as long as the child's record where the review finds it is still needed. The "
        "partnership sets this.",
    ),
]


def seed(apps, schema_editor):
    RetentionRule = apps.get_model("rights", "RetentionRule")
    for record_type, years, counted_from, basis in RULES:
        RetentionRule.objects.update_or_create(
            record_type=record_type, defaults={"years": years, "counted_from": counted_from, "basis": basis}
        )


def unseed(apps, schema_editor):
    apps.get_model("rights", "RetentionRule").objects.filter(record_type__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("rights", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
