"""Backups of the SQLite database: taken online, verified against their manifest, restored and verified."""

import json
import sqlite3

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.audit.models import AuditEvent, AuditKind
from joinedup.audit.services import audit_record
from joinedup.children.models import Child
from joinedup.children.tests.factories import ChildFactory

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL is backed up with pg_dump")


@pytest.fixture
def area(transactional_db):
    agency = AgencyFactory.create()
    children = [ChildFactory.create(owning_agency=agency) for _ in range(3)]
    for child in children:
        audit_record(actor=None, kind=AuditKind.CHILD_VIEWED, child_id=child.pk, reason="Synthetic read")
    return children


@sqlite_only
def test_a_backup_restores_the_database_as_it_was_with_the_audit_trail_continuous(area, tmp_path, capsys):
    out = tmp_path / "joinedup.sqlite3"
    call_command("backup", str(out))
    assert "Backed up and verified" in capsys.readouterr().out
    manifest = json.loads((tmp_path / "joinedup.sqlite3.manifest.json").read_text())
    assert manifest["tables"]["children_child"]["rows"] == 3
    assert manifest["audit_last_id"] == AuditEvent.objects.order_by("id").last().pk  # type: ignore[union-attr]

    ChildFactory.create(owning_agency=area[0].owning_agency)
    audit_record(actor=None, kind=AuditKind.CHILD_VIEWED, child_id=area[0].pk, reason="After the backup")
    call_command("restore", str(out), "--yes")

    assert sorted(Child.objects.values_list("pk", flat=True)) == sorted(c.pk for c in area)
    assert not AuditEvent.objects.filter(reason="After the backup").exists()
    assert "Restored" in capsys.readouterr().out


@sqlite_only
def test_a_backup_whose_audit_trail_was_changed_is_not_restored_and_nothing_is_replaced(area, tmp_path):
    out = tmp_path / "b.sqlite3"
    call_command("backup", str(out))
    copy = sqlite3.connect(out)
    # The trail's triggers refuse a change on the copy too; a copy altered outside SQLite's rules is simulated
    # by dropping them first, as an attacker with the file could.
    for (name,) in copy.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        copy.execute(f'DROP TRIGGER "{name}"')
    copy.execute("DELETE FROM audit_auditevent WHERE id = (SELECT MIN(id) FROM audit_auditevent)")
    copy.commit()
    copy.close()
    ChildFactory.create(owning_agency=area[0].owning_agency)

    with pytest.raises(CommandError, match="audit_auditevent differs"):
        call_command("backup", str(out), "--verify-only")
    with pytest.raises(CommandError, match="was not restored"):
        call_command("restore", str(out), "--yes")

    assert Child.objects.count() == 4, "the live database is untouched"


@sqlite_only
def test_restoring_asks_for_confirmation_and_a_backup_is_never_overwritten(area, tmp_path):
    out = tmp_path / "b.sqlite3"
    call_command("backup", str(out))
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(out))
    ChildFactory.create(owning_agency=area[0].owning_agency)
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(out))
    assert Child.objects.count() == 4


def test_the_fingerprint_changes_with_any_row_and_not_otherwise(area, capsys):
    call_command("database_fingerprint")
    before = json.loads(capsys.readouterr().out)
    call_command("database_fingerprint")
    assert json.loads(capsys.readouterr().out) == before

    Child.objects.filter(pk=area[0].pk).update(given_name="Corrected")
    call_command("database_fingerprint")
    after = json.loads(capsys.readouterr().out)

    changed = {name for name in before["tables"] if before["tables"][name] != after["tables"][name]}
    assert changed == {"children_child"}
    assert after["tables"]["children_child"]["rows"] == 3
