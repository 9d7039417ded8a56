"""Backups of the SQLite database, taken online, and their restore, each verified.

A backup is a copy made with SQLite's online backup API (other people go on working while it is taken) and a
manifest beside it (``<file>.manifest.json``): each table's row count and a SHA-256 of its rows in rowid order,
and the audit trail's last row id. Verifying a database against a manifest compares every table; for the audit
trail this is its continuity: every row the backup held is there, unchanged and in order, none missing.
PostgreSQL is backed up with ``pg_dump`` and restored with ``pg_restore`` (docs/deployment.md).
"""

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection

AUDIT_TABLE = "audit_auditevent"
MANIFEST_SUFFIX = ".manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go ahead, or a verification that failed; the message says which."""


@dataclass
class Verification:
    tables: int = 0
    rows: int = 0
    audit_rows: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _require_sqlite() -> sqlite3.Connection:
    if connection.vendor != "sqlite":
        raise BackupError(
            "manage.py backup and restore are for SQLite. On PostgreSQL use pg_dump and pg_restore "
            "(see docs/deployment.md, 'Backups')."
        )
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)  # noqa: S101 - the SQLite backend's connection
    return raw


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def manifest_of(db: sqlite3.Connection) -> dict[str, Any]:
    """Every table's row count and SHA-256 over its rows in rowid order, and the audit trail's last id."""
    names = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    tables = {}
    for name in names:
        digest = hashlib.sha256()
        count = 0
        quoted = _quoted(name)
        # Each row as SQLite writes it (quote()), whatever types the connection converts values to.
        columns = [row[1] for row in db.execute(f"PRAGMA table_info({quoted})")]
        text = " || ',' || ".join(f"quote({_quoted(column)})" for column in columns)
        for (row,) in db.execute(f"SELECT {text} FROM {quoted} ORDER BY rowid"):  # noqa: S608 - names from the schema
            digest.update(row.encode())
            digest.update(b"\n")
            count += 1
        tables[name] = {"rows": count, "sha256": digest.hexdigest()}
    last_audit = None
    if AUDIT_TABLE in tables:
        last_audit = db.execute(f"SELECT MAX(id) FROM {AUDIT_TABLE}").fetchone()[0]  # noqa: S608
    return {"format": 1, "tables": tables, "audit_last_id": last_audit}


def verify(db: sqlite3.Connection, manifest: dict[str, Any]) -> Verification:
    """Compare a database with a manifest: integrity, every table's rows, the audit trail's continuity."""
    result = Verification()
    check = db.execute("PRAGMA integrity_check").fetchone()[0]
    if check != "ok":
        result.problems.append(f"SQLite's integrity check failed: {check}")
    now = manifest_of(db)
    for name, expected in manifest["tables"].items():
        got = now["tables"].get(name)
        result.tables += 1
        result.rows += expected["rows"]
        if got is None:
            result.problems.append(f"Table {name} is missing.")
        elif got != expected:
            result.problems.append(
                f"Table {name} differs: {got['rows']} rows where the backup has {expected['rows']}"
                + (", and other contents" if got["rows"] == expected["rows"] else "")
                + "."
            )
    if AUDIT_TABLE in manifest["tables"]:
        result.audit_rows = manifest["tables"][AUDIT_TABLE]["rows"]
        last = manifest.get("audit_last_id")
        # Continuity: every audit row the backup held, unchanged, in order (the table's checksum above), and
        # nothing after the last one either lost or added.
        if now.get("audit_last_id") != last:
            result.problems.append(
                f"The audit trail ends at row {now.get('audit_last_id')}, not at row {last} as in the backup."
            )
    return result


def _manifest_path(path: Path) -> Path:
    return path.with_name(path.name + MANIFEST_SUFFIX)


def backup(out: str | Path, *, live: sqlite3.Connection | None = None) -> Verification:
    """Copy the live database (Django's, unless ``live`` is given) to ``out`` online, write its manifest beside
    it, and verify the copy."""
    live = live if live is not None else _require_sqlite()
    target = Path(out)
    if target.exists():
        raise BackupError(f"{target} exists already; choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    copy = sqlite3.connect(target)
    try:
        live.backup(copy)
        manifest = manifest_of(copy)
        _manifest_path(target).write_text(json.dumps(manifest, indent=1, sort_keys=True))
        return verify(copy, manifest)
    finally:
        copy.close()


def backup_verify(path: str | Path) -> Verification:
    """Verify a backup file against the manifest written beside it."""
    source = Path(path)
    manifest_file = _manifest_path(source)
    if not source.exists() or not manifest_file.exists():
        raise BackupError(f"{source} or its manifest {manifest_file.name} is missing.")
    copy = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        return verify(copy, json.loads(manifest_file.read_text()))
    finally:
        copy.close()


def restore(path: str | Path, *, live: sqlite3.Connection | None = None) -> Verification:
    """Replace the live database with a verified backup (online, through SQLite's backup API), then verify the
    live database against the backup's manifest. A backup that fails its own verification is not restored."""
    checked = backup_verify(path)
    if not checked.ok:
        raise BackupError(
            "The backup does not match its manifest, so it was not restored: " + " ".join(checked.problems)
        )
    live = live if live is not None else _require_sqlite()
    copy = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    try:
        copy.backup(live)
    finally:
        copy.close()
    return verify(live, json.loads(_manifest_path(Path(path)).read_text()))
