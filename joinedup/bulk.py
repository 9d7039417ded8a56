"""Writing many rows of one model at once, for imports at a county's size.

Django's ``bulk_create`` builds its SQL value by value through the ORM's compiler, which was most of an
import's time at 100,000 rows; ``rows_insert`` sends one parameterised INSERT through ``executemany`` with the
values each field prepares for the database itself, so types, JSON and time zones are as the ORM writes them.
It takes unsaved instances, or plain rows (attname to value) where building an instance per row would cost more
than the INSERT itself. It returns nothing: use it where the caller does not need database-made ids (UUID keys
are made in Python).
"""

import datetime
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from itertools import chain, islice
from typing import Any, cast

from django.db import connection, models

from joinedup.jsontext import json_text

# Rows one INSERT on SQLite holds at most (values_insert; fewer where SQLite's parameters would run out): a batch's.
SQLITE_ROWS_A_STATEMENT = 2000
# Types whose Python values the database drivers take as they are.
_AS_IS = (models.IntegerField, models.BooleanField, models.FloatField)


def _prep(field: models.Field[Any, Any], *, json_as_text: bool = False) -> Callable[[Any], Any] | None:
    """How a field's value is prepared for the database, or None where it goes as it is. With ``json_as_text``
    (SQLite's INSERTs and PostgreSQL's COPY, which read JSON as text), a JSONField with no encoder of its own
    takes a dict or list as ``jsontext.json_text``."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        raise ValueError(f"rows_insert does not fill {field.name}: set it before inserting.")
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    if isinstance(target, _AS_IS):
        return None
    if isinstance(target, models.CharField | models.TextField) and not isinstance(target, models.UUIDField):
        return str
    if isinstance(target, models.UUIDField):
        return uuid_prep()
    if isinstance(target, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(target, models.DateField):
        adapt_date = connection.ops.adapt_datefield_value
        return lambda value: (
            adapt_date(value) if type(value) is datetime.date else target.get_db_prep_save(value, connection)
        )
    if isinstance(target, models.JSONField):
        # A dict or list as JSONField.get_db_prep_save adapts it, without its per-value lookups (the mapping
        # refresh writes a million of them); anything else through the field.
        adapt, encoder = connection.ops.adapt_json_value, target.encoder
        if encoder is None and (json_as_text or connection.vendor == "sqlite"):
            return lambda value: (
                json_text(value) if type(value) in (dict, list) else target.get_db_prep_save(value, connection)
            )
        return lambda value: (
            adapt(value, encoder) if type(value) in (dict, list) else target.get_db_prep_save(value, connection)
        )
    return lambda value: target.get_db_prep_save(value, connection)


def uuid_prep() -> Callable[[Any], Any]:
    """A UUID as the database takes it: as it is where the database has a UUID type, else 32 hex digits."""
    if connection.features.has_native_uuid_field:
        return lambda value: value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    return lambda value: value.hex if isinstance(value, uuid.UUID) else uuid.UUID(str(value)).hex


def _prepared(line: list[Any], preps: list[tuple[int, Callable[[Any], Any]]]) -> list[Any]:
    """A row's values, each field's prepared for the database in place (None as it is)."""
    for i, prep in preps:
        if line[i] is not None:
            line[i] = prep(line[i])
    return line


def _default(field: models.Field[Any, Any]) -> Callable[[], Any]:
    """The value a plain row that leaves the field out gets: its default, a callable one (``uuid4``,
    ``timezone.now``, ``dict``) called for each row, as a new instance would."""
    if field.has_default() and callable(field.default):
        return field.get_default
    value = field.get_default()
    return lambda: value


def rows_insert(
    model: type[models.Model],
    objs: Sequence[models.Model] | Sequence[Mapping[str, Any]],
    *,
    batch_size: int = 2000,
) -> int:
    """INSERT these unsaved instances of ``model``, or these plain rows (field attname to value, a field left out
    taking its default); an auto-incremented id left empty is made by the database."""
    if not objs:
        return 0
    meta = model._meta
    rows: Sequence[Mapping[str, Any]]
    if isinstance(objs[0], Mapping):
        rows = cast(Sequence[Mapping[str, Any]], objs)
    else:
        rows = [{f.attname: getattr(o, f.attname) for f in meta.concrete_fields} for o in objs]
    fields = [
        f
        for f in meta.concrete_fields
        if not (isinstance(f, models.AutoField) and all(row.get(f.attname) is None for row in rows))
    ]
    table = connection.ops.quote_name(meta.db_table)
    columns = ", ".join(connection.ops.quote_name(str(f.column)) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    insert = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # noqa: S608 (names from the model)
    names = [f.attname for f in fields]
    defaults = [_default(f) for f in fields]
    preps = [(i, prep) for i, prep in enumerate(map(_prep, fields)) if prep is not None]
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            values: list[list[Any]] = []
            for row in batch:
                line = [row[name] if name in row else default() for name, default in zip(names, defaults, strict=True)]
                values.append(_prepared(line, preps))
            cursor.executemany(insert, values)
            written += len(batch)
    for obj in objs:
        if isinstance(obj, models.Model):
            obj._state.adding = False
            obj._state.db = connection.alias
    return written


def values_insert(
    model: type[models.Model],
    names: Sequence[str],
    values: Iterable[Sequence[Any]],
    *,
    batch_size: int = 2000,
    encoded: Sequence[str] = (),
) -> int:
    """INSERT rows given as sequences of values for the fields ``names`` (attnames), in that order, each value
    prepared as ``rows_insert`` prepares it; every other field of the model is left to the database's default,
    so it must have one (an auto-incremented id, a nullable column). For the largest writes (the mapping
    refresh's millions of rows), where making a dict per row cost more than the INSERT: ``values`` is read
    lazily, a batch at a time. A text field's value goes as it is given, so it must be a ``str`` (or None); so does
    the value of a JSONField named in ``encoded``, given already as JSON text (``jsontext.json_text``)."""
    meta = model._meta
    fields = [meta.get_field(name) for name in names]
    concrete = [f for f in fields if isinstance(f, models.Field) and f.concrete]
    if len(concrete) != len(fields):
        raise ValueError(f"values_insert writes concrete fields only, not {', '.join(names)}.")
    if any(not isinstance(meta.get_field(name), models.JSONField) for name in encoded):
        raise ValueError(f"values_insert takes JSON text only for JSON fields, not {', '.join(encoded)}.")
    quote = connection.ops.quote_name
    columns = ", ".join(quote(str(f.column)) for f in concrete)
    marks = ", ".join(["%s"] * len(concrete))
    preps = [
        (i, prep)
        for i, (field, prep) in enumerate((f, _prep(f, json_as_text=True)) for f in concrete)
        if prep is not None and prep is not str and field.attname not in encoded
    ]
    written = 0
    iterator = iter(values)
    if connection.vendor == "postgresql":
        # COPY: the rows stream to the server as data, where an INSERT each would be bound and run row by row.
        # Through the driver's own cursor, its errors raised as Django's, as for any query.
        copy_in = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(copy_in) as copy:
            while batch := list(islice(iterator, batch_size)):
                for line in batch:
                    copy.write_row(_prepared(list(line), preps) if preps else line)
                written += len(batch)
        return written
    # SQLite: many rows to an INSERT, as many as its parameters allow, so SQLite runs one statement for them. Each
    # statement lets go of Python's lock and must win it back (after up to 5 ms beside a busy thread): one a row,
    # then one a few hundred rows (Django's 999 parameters), made the writes slow beside the refresh's analyses.
    each = max(1, min(SQLITE_ROWS_A_STATEMENT, batch_size, sqlite_parameters() // len(concrete)))

    def many(rows: int) -> str:
        return f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {', '.join([f'({marks})'] * rows)}"  # noqa: S608

    full = many(each)
    with connection.cursor() as cursor:
        while batch := list(islice(iterator, batch_size)):
            lines = [_prepared(list(line), preps) for line in batch] if preps else batch
            whole = len(lines) - len(lines) % each
            if whole:
                cursor.executemany(
                    full,
                    [list(chain.from_iterable(lines[start : start + each])) for start in range(0, whole, each)],
                )
            rest = lines[whole:]
            while rest:
                # The rest, fewer than a statement holds: statements of a power of two rows each, the largest first.
                # Python's sqlite3 keeps the last 128 statements it prepared, by their text, and a statement of 2,000
                # rows takes about a megabyte: a statement of each rest's own size held a writing connection's
                # hundreds of megabytes through the refresh. So a table has a dozen sizes of statement at most.
                size = 1 << (len(rest).bit_length() - 1)
                cursor.execute(many(size), list(chain.from_iterable(rest[:size])))
                rest = rest[size:]
            written += len(batch)
    return written


def sqlite_parameters() -> int:
    """The most parameters one statement may bind on this connection's SQLite: its own limit (32,766 by default
    since SQLite 3.32, 250,000 in Debian's), not the 999 Django assumes of any SQLite."""
    connection.ensure_connection()
    return int(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))


# Pages of SQLite's write-ahead log a long series of bulk writes lets it grow to before copying them into the
# database (SQLite's default is 1,000, 4 MB): each copy rewrote the same index pages again.
LARGE_WRITES_WAL_PAGES = 65_536


@contextmanager
def large_writes() -> Iterator[None]:
    """Around a long series of bulk INSERTs in short transactions (the mapping refresh's millions of rows): on
    SQLite, copy the write-ahead log into the database once it reaches ``LARGE_WRITES_WAL_PAGES`` pages instead
    of SQLite's default 1,000, and wait for the disk at each copy rather than at each commit (``synchronous``
    NORMAL, not FULL, outside a transaction: SQLite changes it only there); then as before. The database stays
    whole whatever happens: a commit the disk had not kept when the power went is lost with every later one, in
    order, so a refresh cut short that way is an unfinished generation, which the next refresh deletes. Elsewhere
    nothing changes."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        (before,) = cursor.fetchone()
        cursor.execute("PRAGMA synchronous")
        (synchronous,) = cursor.fetchone()
        cursor.execute(f"PRAGMA wal_autocheckpoint={LARGE_WRITES_WAL_PAGES}")
        relaxed = not connection.in_atomic_block
        if relaxed:
            cursor.execute("PRAGMA synchronous=NORMAL")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint={int(before)}")
            if relaxed and not connection.in_atomic_block:
                cursor.execute(f"PRAGMA synchronous={int(synchronous)}")


def rows_update(model: type[models.Model], objs: Sequence[models.Model], fields: Sequence[str]) -> int:
    """UPDATE these saved instances' ``fields`` (names), one parameterised statement run for each through
    ``executemany``: ``bulk_update`` builds a CASE of every row's value through the ORM, which cost more than
    the writes themselves for an import's thousand rows."""
    if not objs:
        return 0
    meta = model._meta
    targets = [meta.get_field(name) for name in fields]
    concrete = [f for f in targets if isinstance(f, models.Field) and f.concrete]
    if len(concrete) != len(targets) or any(f.primary_key for f in concrete):
        raise ValueError(f"rows_update writes only concrete fields other than the key, not {', '.join(fields)}.")
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(f.column))} = %s" for f in concrete)
    update = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(str(meta.pk.column))} = %s"  # noqa: S608 (names from the model)
    columns = [(f.attname, _prep(f)) for f in [*concrete, meta.pk]]
    values = [
        [
            value if prep is None or value is None else prep(value)
            for value, prep in ((getattr(obj, name), prep) for name, prep in columns)
        ]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(update, values)
    return len(values)
