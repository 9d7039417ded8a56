import hashlib
import json
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Print every table's row count and SHA-256 (rows in primary-key order) and the audit trail's last id, as "
        "JSON: run it on a database and on its restored copy (PostgreSQL: pg_dump / pg_restore) and compare."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        tables: dict[str, dict[str, Any]] = {}
        for model in sorted(apps.get_models(), key=lambda m: m._meta.db_table):
            if not model._meta.managed or model._meta.proxy:
                continue
            digest = hashlib.sha256()
            count = 0
            columns = [f.attname for f in model._meta.concrete_fields]
            for row in model._base_manager.order_by("pk").values_list(*columns).iterator(chunk_size=2000):
                digest.update(repr(row).encode())
                digest.update(b"\n")
                count += 1
            tables[model._meta.db_table] = {"rows": count, "sha256": digest.hexdigest()}
        audit = apps.get_model("audit", "AuditEvent")
        last = audit.objects.order_by("-id").values_list("id", flat=True).first()
        self.stdout.write(json.dumps({"tables": tables, "audit_last_id": last}, indent=1, sort_keys=True))
