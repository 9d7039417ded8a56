# The child_id index goes (audit_child_time, child first, serves every lookup by child). Dropped by name rather
# than through AlterField: on SQLite, AlterField remakes the table, which would lose the append-only triggers.

from django.db import migrations, models

INDEX = "audit_auditevent_child_id_64658f17"


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0009_more_kinds"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="child_id",
                    field=models.UUIDField(blank=True, null=True),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{INDEX}"',
                    reverse_sql=f'CREATE INDEX "{INDEX}" ON "audit_auditevent" ("child_id")',
                ),
            ],
        ),
    ]
