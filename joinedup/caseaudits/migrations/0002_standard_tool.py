from typing import Any

from django.db import migrations


def seed(apps: Any, schema_editor: Any) -> None:
    from joinedup.caseaudits.seed import standard_seed

    standard_seed(apps)


class Migration(migrations.Migration):
    dependencies = [("caseaudits", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
