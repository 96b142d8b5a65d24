"""Single rows read and written without building an ORM query.

For the venue's hot path only: at 50 tablets the ORM took longer to build
these statements than the database took to run them (bench/kiosk_load.py).
Values still pass through each field's own conversions, both ways, so what
is stored and loaded is exactly what the ORM would store and load.
"""

from contextlib import contextmanager
from functools import cache

import orjson
import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import JSONField

from pledges.db.django_internals import (
    cast_type,
    column_attnames,
    converted,
    database_errors,
    django_cursor,
    load_converters,
    quote_name,
)


def insert_row(model, values: dict, *, ignore_conflicts: bool = False) -> int | None:
    """INSERT one row of `model` from {field name: value}; return its primary key.

    With `ignore_conflicts` a row that would break a unique constraint is not
    inserted and None is returned (ON CONFLICT DO NOTHING: no error, no
    aborted transaction).
    """
    columns, placeholders, params = typed_values(model, values)
    sql = "INSERT INTO {} ({}) VALUES ({}){} RETURNING {}".format(
        quote_name(model._meta.db_table),
        columns,
        placeholders,
        " ON CONFLICT DO NOTHING" if ignore_conflicts else "",
        quote_name(model._meta.pk.column),
    )
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    return row[0] if row else None


def typed_values(model, values: dict) -> tuple[str, str, list]:
    """Columns, placeholders and parameters to store {field name: value} in `model`'s table.

    Each placeholder is cast to its column's type, so the values can also be
    SELECTed into an INSERT (where a bare parameter would be taken as text).
    """
    connection = connections[DEFAULT_DB_ALIAS]
    fields, columns, placeholders = _columns(model, tuple(values))
    params = [
        _db_value(field, value, connection)
        for field, value in zip(fields, values.values(), strict=True)
    ]
    return columns, placeholders, params


def _db_value(field, value, connection):
    if connection.vendor == "postgresql" and isinstance(field, JSONField) and not field.encoder:
        # The JSON the field's own json.dumps writes (its placeholder casts it to
        # jsonb, which keeps values, not spelling), ten times faster: a
        # signature's strokes are over a thousand numbers.
        try:
            return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
        except TypeError:  # what orjson does not take (a 65-bit integer) json.dumps still may
            pass
    return field.get_db_prep_save(value, connection)


@cache
def _columns(model, names: tuple[str, ...]) -> tuple[list, str, str]:
    fields = [model._meta.get_field(name) for name in names]
    columns = ", ".join(quote_name(field.column) for field in fields)
    placeholders = ", ".join(f"CAST(%s AS {cast_type(field)})" for field in fields)
    return fields, columns, placeholders


def loaded(model, values: dict):
    """An instance of `model` holding `values` (already Python values) and nothing else.

    Like an instance the ORM fetched with only(): any other field is loaded
    from the database when first read, and save() writes only these fields.
    """
    names = [name for name in column_attnames(model) if name in values]
    return model.from_db(DEFAULT_DB_ALIAS, names, [values[name] for name in names])


def fetch_loaded(sql: str, params, *parts):
    """Run `sql` for one row and split it into instances, one per (model, field names) part.

    The row's columns are the parts' fields in order. Each value is converted
    as the ORM converts it (a datetime made aware on SQLite, for one). Returns
    the instances (see `loaded`), or None when no row matches.
    """
    with prepared_cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    connection, values = connections[DEFAULT_DB_ALIAS], iter(row)
    instances = []
    for model, names in parts:
        converted_values = {}
        for name in names:
            converters = load_converters(model, model._meta.get_field(name), connection)
            converted_values[name] = converted(next(values), converters, connection)
        instances.append(loaded(model, converted_values))
    return instances


@contextmanager
def prepared_cursor():
    """A cursor whose statements PostgreSQL parses and plans once per connection.

    Django binds parameters into the SQL text, so each signature's statement
    would be new to PostgreSQL, and parsing and planning it cost more than
    running it. This cursor sends parameters apart from a constant text and
    prepares it (a protocol-level prepared statement, which PgBouncer 1.21+
    supports). Elsewhere it is Django's own cursor. Errors, query logging and
    execute wrappers work as with any Django cursor.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    with database_errors():
        cursor = _PreparingCursor(connection.connection)
    with django_cursor(cursor) as wrapped:
        yield wrapped


class _PreparingCursor(psycopg.Cursor):
    def execute(self, query, params=None, **kwargs):
        return super().execute(query, params, prepare=True, **kwargs)
