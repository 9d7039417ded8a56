"""Backups of the SQLite database: taken online, verified against their manifest, restored and verified.

The restore is tried on a database file of its own with the audit trail's append-only triggers, as the
platform's (restoring into the suite's own database would end the test's transaction); the commands are
tried on the suite's database for what does not replace it."""

import json
import sqlite3
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.backups.services import backup, restore
from joinedup.children.models import Child
from joinedup.children.tests.factories import ChildFactory

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL is backed up with pg_dump")


def _live(path: Path) -> sqlite3.Connection:
    """A database like the platform's in what a backup must keep: rows, and an append-only audit trail."""
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(
        """
        CREATE TABLE children_child (id INTEGER PRIMARY KEY, given_name TEXT);
        CREATE TABLE audit_auditevent (id INTEGER PRIMARY KEY AUTOINCREMENT, reason TEXT);
        CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent
            BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
        CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent
            BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END;
        INSERT INTO children_child (given_name) VALUES ('Kay'), ('Jordan'), ('Sam');
        INSERT INTO audit_auditevent (reason) VALUES ('read 1'), ('read 2'), ('read 3');
        """
    )
    return db


def _rows(db: sqlite3.Connection, table: str) -> list[tuple]:
    return db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()  # noqa: S608 - a fixed test table


def test_a_restore_brings_back_the_database_as_it_was_with_the_audit_trail_continuous(tmp_path):
    live = _live(tmp_path / "live.sqlite3")
    children, trail = _rows(live, "children_child"), _rows(live, "audit_auditevent")
    out = tmp_path / "backup.sqlite3"

    made = backup(out, live=live)
    assert made.ok and (made.tables, made.rows, made.audit_rows) == (2, 6, 3)
    manifest = json.loads((tmp_path / "backup.sqlite3.manifest.json").read_text())
    assert manifest["tables"]["children_child"]["rows"] == 3
    assert manifest["audit_last_id"] == 3

    live.execute("INSERT INTO children_child (given_name) VALUES ('Added after the backup')")
    live.execute("INSERT INTO audit_auditevent (reason) VALUES ('after the backup')")
    restored = restore(out, live=live)

    assert restored.ok, restored.problems
    assert (_rows(live, "children_child"), _rows(live, "audit_auditevent")) == (children, trail)
    assert live.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger'").fetchone()[0] == 2


def test_a_backup_whose_audit_trail_was_changed_is_not_restored_and_nothing_is_replaced(tmp_path):
    live = _live(tmp_path / "live.sqlite3")
    out = tmp_path / "backup.sqlite3"
    backup(out, live=live)
    copy = sqlite3.connect(out, isolation_level=None)
    # The triggers refuse a change on the copy too; an attacker with the file drops them first.
    copy.executescript(
        "DROP TRIGGER audit_event_no_update; DROP TRIGGER audit_event_no_delete;"
        "DELETE FROM audit_auditevent WHERE id = 1;"
    )
    copy.close()
    live.execute("INSERT INTO children_child (given_name) VALUES ('Added after the backup')")

    with pytest.raises(Exception, match="audit_auditevent differs"):
        restore(out, live=live)

    assert len(_rows(live, "children_child")) == 4, "the live database is untouched"
    with pytest.raises(CommandError, match="audit_auditevent differs"):
        call_command("backup", str(out), "--verify-only")


@sqlite_only
def test_the_command_backs_up_the_platforms_database_and_asks_before_restoring(transactional_db, tmp_path, capsys):
    # Committed rows (a backup is taken outside the test's transaction) and no audit rows: the append-only
    # trail could not be emptied after the test.
    agency = AgencyFactory.create()
    for _ in range(3):
        ChildFactory.create(owning_agency=agency)
    out = tmp_path / "b.sqlite3"

    call_command("backup", str(out))

    assert "Backed up and verified" in capsys.readouterr().out
    manifest = json.loads((tmp_path / "b.sqlite3.manifest.json").read_text())
    assert manifest["tables"]["children_child"]["rows"] == 3
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup", str(out))
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(out))
    assert Child.objects.count() == 3


def test_the_fingerprint_changes_with_any_row_and_not_otherwise(db, capsys):
    agency = AgencyFactory.create()
    children = [ChildFactory.create(owning_agency=agency) for _ in range(3)]
    call_command("database_fingerprint")
    before = json.loads(capsys.readouterr().out)
    call_command("database_fingerprint")
    assert json.loads(capsys.readouterr().out) == before

    Child.objects.filter(pk=children[0].pk).update(given_name="Corrected")
    call_command("database_fingerprint")
    after = json.loads(capsys.readouterr().out)

    changed = {name for name in before["tables"] if before["tables"][name] != after["tables"][name]}
    assert changed == {"children_child"}
    assert after["tables"]["children_child"]["rows"] == 3
