"""Rows written with PostgreSQL's COPY: the province's two million events would take minutes through
bulk_create, whose cost is mostly building one INSERT's SQL and parameters per batch.

`insert(model, objects)` takes unsaved instances, as bulk_create does (each field's pre_save runs, so
auto_now_add stamps the time unless bench.seed.explicit_times turned it off); `insert_values(model,
columns, rows)` takes plain tuples, for the rows too many to build as instances. On any other database
(the tests' SQLite) both fall back to bulk_create. Neither sends signals nor sets the instances' pks:
the seed reads back what it needs.
"""

import datetime
import io
import json
from contextlib import contextmanager
from decimal import Decimal

from django.db import connection, models

BATCH_SIZE = 2000
CHUNK = 20_000  # rows per COPY: a few MB of text in memory at a time


def _fields(model):
    return [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]


def insert(model, objects):
    fields = _fields(model)
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        return
    rows = ([field.pre_save(obj, True) for field in fields] for obj in objects)
    _copy(model, fields, rows)


def insert_values(model, columns, rows):
    """Rows as tuples in the order of `columns` (attnames); every other field takes its default."""
    by_name = {f.attname: f for f in _fields(model)}
    given = [by_name[name] for name in columns]
    others = [f for f in by_name.values() if f.attname not in columns]
    defaults = [f.get_default() for f in others]
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            (model(**dict(zip(columns, row))) for row in rows), batch_size=BATCH_SIZE)
        return
    _copy(model, given + others, (list(row) + defaults for row in rows))


@contextmanager
def indexes_built_after(model):
    """Drop the table's plain indexes (not its primary key nor a unique constraint's) and build them
    again at the end: one sort per index is faster than millions of insertions into each."""
    if connection.vendor != "postgresql":
        yield
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                       "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)", [table, table])
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for _, definition in indexes:
            cursor.execute(definition)


def _copy(model, fields, rows):
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    json_fields = {i for i, f in enumerate(fields) if isinstance(f, models.JSONField)}
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2's own cursor: Django's wrapper has no copy_expert
        buffer, count = io.StringIO(), 0
        for row in rows:
            buffer.write("\t".join(_text(value, i in json_fields) for i, value in enumerate(row)))
            buffer.write("\n")
            count += 1
            if count % CHUNK == 0:
                _send(raw, table, names, buffer)
                buffer = io.StringIO()
        _send(raw, table, names, buffer)


def _send(raw, table, names, buffer):
    if buffer.tell():
        buffer.seek(0)
        raw.copy_expert(f"COPY {table} ({names}) FROM STDIN", buffer)


def _text(value, as_json=False):
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if as_json:
        value = json.dumps(value, ensure_ascii=False)
    if isinstance(value, bool):
        return "t" if value else "f"
    elif isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    elif isinstance(value, (int, float, Decimal)):
        return str(value)
    value = str(value)
    return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
