"""Writing rows in bulk (``joinedup.bulk``): plain rows and instances are written as the ORM writes them."""

import datetime as dt
import sqlite3
import uuid
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from joinedup.accounts.tests.factories import UserFactory
from joinedup.agencies.tests.factories import AgencyFactory
from joinedup.bulk import rows_insert, rows_update
from joinedup.children.models import Child, DatePrecision, Sex
from joinedup.imports.models import PersonRecord

pytestmark = pytest.mark.django_db


def test_plain_rows_take_each_default_left_out_afresh_for_every_row():
    agency, user = AgencyFactory.create(code="BLK"), UserFactory.create()
    before = timezone.now()
    ids = [uuid.uuid4(), uuid.uuid4()]
    written = rows_insert(
        Child,
        [
            {
                "id": child_id,
                "given_name": "Robin",
                "family_name": f"Bulk{n}",
                "date_of_birth": dt.date(2011, 4, 5),
                "owning_agency_id": agency.pk,
                "created_by_id": user.pk,
            }
            for n, child_id in enumerate(ids)
        ],
    )
    assert written == 2
    children = Child.objects.filter(pk__in=ids).order_by("family_name")
    assert [c.pk for c in children] == ids
    for child in children:
        assert (child.sex, child.date_of_birth_precision, child.looked_after, child.other_names) == (
            Sex.UNKNOWN,
            DatePrecision.DAY,
            False,
            "",
        )
        assert before <= child.created_at <= timezone.now()
    records = [
        {"agency_id": agency.pk, "record_id": f"R-{n}", "person_type": "child", "data": {"n": n}, "child_id": ids[n]}
        for n in range(2)
    ]
    rows_insert(PersonRecord, records)
    held = PersonRecord.objects.filter(agency=agency).order_by("record_id")
    assert [(r.data, r.history, r.child_id, r.batch_id) for r in held] == [
        ({"n": 0}, [], ids[0], None),
        ({"n": 1}, [], ids[1], None),
    ]


def test_instances_are_still_written_and_marked_saved():
    agency = AgencyFactory.create(code="BLK")
    record = PersonRecord(agency=agency, record_id="R-9", person_type="other", data={"a": "b"})
    rows_insert(PersonRecord, [record])
    assert not record._state.adding
    assert PersonRecord.objects.get(record_id="R-9").data == {"a": "b"}


def test_rows_update_writes_only_the_fields_named():
    agency, user = AgencyFactory.create(code="BLK"), UserFactory.create()
    child = Child.objects.create(given_name="Robin", family_name="Before", owning_agency=agency, created_by=user)
    child.nhs_number, child.other_names, child.family_name = "9434765919", "Rob", "After"
    assert rows_update(Child, [child], ["nhs_number", "other_names"]) == 1
    child.refresh_from_db()
    assert (child.nhs_number, child.other_names, child.family_name) == ("9434765919", "Rob", "Before")
    with pytest.raises(ValueError, match="concrete fields"):
        rows_update(Child, [child], ["id"])


def test_values_insert_writes_tuples_read_lazily_as_the_orm_would_and_leaves_the_rest_to_defaults():
    """The mapping refresh's writes: rows as tuples of the named fields, from a generator, a batch at a time (on
    PostgreSQL by COPY); JSON prepared as the ORM prepares it, an id left out made by the database."""
    from joinedup.bulk import values_insert
    from joinedup.mapping.models import MappingEventNode, MappingResult

    given: list[tuple[Any, ...]] = [
        (7, "hotspot", "2026-11-01/2026-11-28", rank, f"place:{rank}", {}, {"why": ["à la gare"], "n": rank})
        for rank in range(5)
    ]
    names = ("snapshot_id", "kind", "period", "rank", "node", "summary", "data")
    assert values_insert(MappingResult, names, (row for row in given), batch_size=2) == 5
    stored = MappingResult.objects.filter(snapshot_id=7).order_by("rank")
    assert [(r.kind, r.period, r.rank, r.node, r.summary, r.data) for r in stored] == [row[1:] for row in given]
    assert len({r.pk for r in stored}) == 5
    # A field left out takes the database's default only: one with a default in Python alone is refused whole.
    with pytest.raises(IntegrityError), transaction.atomic():
        values_insert(MappingEventNode, ("event_id", "node_id"), iter([(1, 2), (3, 4)]))
    assert not MappingEventNode.objects.exists()
    assert values_insert(MappingEventNode, ("event_id", "node_id", "position"), iter([(1, 2, 0), (3, 4, 1)])) == 2
    assert sorted(MappingEventNode.objects.values_list("event_id", "node_id", "position")) == [(1, 2, 0), (3, 4, 1)]
    assert values_insert(MappingResult, names, iter([])) == 0


def test_values_insert_writes_every_row_and_on_sqlite_as_many_a_statement_as_its_parameters_allow():
    """SQLite runs one INSERT for many rows, as many as its own limit of parameters allows (999 here: 333 rows of
    three fields; Debian's SQLite allows 250,000, a whole batch), and one more for the rest of a batch; PostgreSQL
    copies them. Every row is written once, as given."""
    from joinedup.bulk import sqlite_parameters, values_insert
    from joinedup.mapping.models import MappingEventNode

    rows = [(i, 10_000 + i, i % 7) for i in range(1234)]
    names = ("event_id", "node_id", "position")
    if connection.vendor != "sqlite":
        assert values_insert(MappingEventNode, names, iter(rows), batch_size=1000) == 1234
        assert sorted(MappingEventNode.objects.values_list(*names)) == rows
        return
    own = sqlite_parameters()
    assert own >= 999
    connection.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    try:
        with CaptureQueriesContext(connection) as ran:
            assert values_insert(MappingEventNode, names, iter(rows), batch_size=1000) == 1234
    finally:
        connection.connection.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, own)
    assert sorted(MappingEventNode.objects.values_list(*names)) == rows
    # A batch of 1,000 rows: three statements of 333 rows and one of a row; then the last 234 rows in statements
    # of a power of two rows each, the largest first.
    inserts = [query["sql"] for query in ran.captured_queries if "INSERT" in query["sql"]]
    assert [(sql.split(":")[0] if " times:" in sql else "once", sql.count("), (") + 1) for sql in inserts] == [
        ("3 times", 333),
        ("once", 1),
        *[("once", rows) for rows in (128, 64, 32, 8, 2)],
    ]
    # At SQLite's own limit (32,766 at least since SQLite 3.32), a statement for each batch and one for the rest.
    MappingEventNode.objects.all().delete()
    with CaptureQueriesContext(connection) as ran:
        assert values_insert(MappingEventNode, names, iter(rows), batch_size=1000) == 1234
    assert sorted(MappingEventNode.objects.values_list(*names)) == rows
    inserts = [query["sql"] for query in ran.captured_queries if "INSERT" in query["sql"]]
    assert own // len(names) >= 1000
    assert [sql.count("), (") + 1 for sql in inserts] == [1000, 128, 64, 32, 8, 2]


def test_values_insert_on_sqlite_prepares_a_few_sizes_of_statement_whatever_the_sizes_of_the_lots():
    """Python's sqlite3 keeps the last 128 statements a connection prepared, by their text, a megabyte each for a
    statement of 2,000 rows: lots of every size from 1 to 300 rows take 9 sizes of statement (1 to 256 rows), not
    300, and every row is written."""
    from joinedup.bulk import values_insert
    from joinedup.mapping.models import MappingEventNode

    if connection.vendor != "sqlite":
        pytest.skip("Statements of many rows are SQLite's: PostgreSQL copies the rows.")
    names = ("event_id", "node_id", "position")
    written = 0
    with CaptureQueriesContext(connection) as ran:
        for size in range(1, 301):
            rows = [(written + i, i, 0) for i in range(size)]
            assert values_insert(MappingEventNode, names, iter(rows), batch_size=1000) == size
            written += size
    assert MappingEventNode.objects.count() == written == 300 * 301 // 2
    sizes = {query["sql"].count("), (") + 1 for query in ran.captured_queries if "INSERT" in query["sql"]}
    assert sizes == {1, 2, 4, 8, 16, 32, 64, 128, 256}


def test_values_insert_takes_json_given_as_text_as_it_is_and_only_for_json_fields():
    """The rows the mapping refresh's process beside it makes: their JSON already text (jsontext.json_text), written
    as it is, read back as the values it was made from; a field that is not JSON is refused, writing nothing."""
    from joinedup.bulk import values_insert
    from joinedup.jsontext import json_text
    from joinedup.mapping.models import MappingResult

    names = ("snapshot_id", "kind", "period", "rank", "node", "summary", "data")
    data = [
        {"node": f"place:{rank}", "score": 0.1 * rank, "why": ["à la gare"], "signals": {"found": rank}}
        for rank in range(3)
    ]
    given = [
        (8, "hotspot", "2026-11-01/2026-11-28", rank, row["node"], "{}", json_text(row))
        for rank, row in enumerate(data)
    ]
    assert values_insert(MappingResult, names, iter(given), encoded=("summary", "data")) == 3
    stored = MappingResult.objects.filter(snapshot_id=8).order_by("rank")
    assert [(r.summary, r.data) for r in stored] == [({}, row) for row in data]
    with pytest.raises(ValueError, match="JSON text only for JSON fields"):
        values_insert(MappingResult, names, iter(given), encoded=("node",))
    assert MappingResult.objects.filter(snapshot_id=8).count() == 3


def test_json_text_reads_back_as_json_dumps_writes_even_where_orjson_declines():
    import json

    from joinedup.jsontext import json_text

    for value in (
        {"a": [1, 2.5, None, True], "b": 'à \u2028 "quoted"', "c": {"d": []}},
        [0.1 + 0.2, 1e16, -0.0, 2**63 - 1],
        {1: "a key that is not a string"},  # orjson declines it: json.dumps writes it
        [2**70],  # beyond 64 bits: likewise
    ):
        assert json.loads(json_text(value)) == json.loads(json.dumps(value))
    # Refused as json.dumps refuses them (a JSONField with no encoder of its own): a date, a time.
    for refused in ({"a day": dt.date(2026, 1, 1)}, [timezone.now()]):
        with pytest.raises(TypeError):
            json_text(refused)
    # A str subclass (a model's choice) as json.dumps writes it; a UUID, which json.dumps refuses, as its text.
    from joinedup.mapping.models import ResultKind

    assert json.loads(json_text({"kind": ResultKind.HOTSPOT})) == {"kind": "hotspot"}
    made = uuid.uuid4()
    assert json.loads(json_text([made])) == [str(made)]


def test_json_value_reads_as_json_loads_reads_even_where_orjson_refuses():
    """How the mapping's build reads the agencies' JSON (as text, by orjson): as a JSONField reads it."""
    import json

    from joinedup.jsontext import json_value

    for text in (
        '{"a": [1, 2.5, null, true], "b": "\\u00e0 la gare", "c": {"d": []}}',
        "[NaN, Infinity, -Infinity]",  # orjson refuses them: json.loads reads them
    ):
        assert json.dumps(json_value(text)) == json.dumps(json.loads(text))
    # The one value read otherwise: an integer beyond 64 bits, as a float.
    assert json_value("[1180591620717411303424]") == [float(2**70)]
    with pytest.raises(ValueError):
        json_value("{not JSON")
