"""The fictional borough of Wealdbridge's threshold document, version 1 (a real area records its own)."""

from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from joinedup.frontdoor.thresholds import threshold_seed

    threshold_seed(
        models=(
            apps.get_model("frontdoor", "ThresholdDocument"),
            apps.get_model("frontdoor", "ThresholdLevel"),
            apps.get_model("frontdoor", "ThresholdIndicator"),
        )
    )


class Migration(migrations.Migration):
    dependencies = [("frontdoor", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
