"""Row counts of every table, to prove that a refused or failed request wrote nothing."""

from django.apps import apps
from django.db import connection


def _tables():
    return sorted({
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    })


def row_counts():
    """{table: rows} for every model's table, in one query (this runs twice per request checked)."""
    tables = _tables()
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(f"SELECT %s, COUNT(*) FROM {quote(table)}" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql, tables)
        return dict(cursor.fetchall())


def changed_tables(before, after):
    return {table: (before.get(table), after.get(table)) for table in set(before) | set(after)
            if before.get(table) != after.get(table)}
