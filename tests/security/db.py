"""Row counts of every table, to prove that a refused or failed request wrote nothing."""

from django.apps import apps


def row_counts():
    return {
        model._meta.db_table: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def changed_tables(before, after):
    return {table: (before.get(table), after.get(table)) for table in set(before) | set(after)
            if before.get(table) != after.get(table)}
