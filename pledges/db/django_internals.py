"""Every use of Django's undocumented internals, each in one small function.

The hot path's plain statements (`pledges.db.rows`) stand in for ORM queries
that took longer to build than to run (bench/kiosk_load.py). To store and
load exactly what the ORM would, they need what Django does not document:
identifier quoting, the model's columns in their order, the type a column's
parameter is cast to, the converters applied to a loaded value, and the
wrapping Django gives a cursor (its errors, query log and execute wrappers).
Nothing else in the project touches them. tests/test_django_internals.py
fails, naming the function, if an upgrade of Django changes one of them.
(Model.from_db and Field.get_db_prep_save are documented and used directly.)
"""

from django.db import DEFAULT_DB_ALIAS, connections


def _connection():
    return connections[DEFAULT_DB_ALIAS]


def quote_name(name: str) -> str:
    """`name` quoted as an identifier for the default database."""
    return _connection().ops.quote_name(name)


def cast_type(field) -> str:
    """The SQL type a parameter for `field` is cast to (Cast() uses the same)."""
    return field.cast_db_type(_connection())


def column_attnames(model) -> list[str]:
    """The attribute names of `model`'s columns, in the order Model.from_db() pairs values."""
    return [field.attname for field in model._meta.concrete_fields]


def load_converters(model, field, connection) -> list:
    """The functions the ORM passes a loaded value of `field` through, in order.

    Each is called as converter(value, expression, connection); `converted`
    applies them.
    """
    column = field.get_col(model._meta.db_table)
    return [
        (converter, column)
        for converter in connection.ops.get_db_converters(column)
        + field.get_db_converters(connection)
    ]


def converted(value, converters, connection):
    """`value` passed through `load_converters`' functions, as the ORM loads it."""
    for converter, column in converters:
        value = converter(value, column, connection)
    return value


def database_errors():
    """A context in which a driver's exception is raised as Django's (django.db.Error)."""
    return _connection().wrap_database_errors


def django_cursor(raw_cursor):
    """`raw_cursor` (the driver's) wrapped as `connection.cursor()` wraps its own.

    Errors come as Django's, execute wrappers run, and queries are logged when
    Django logs them (DEBUG, or a test capturing them).
    """
    connection = _connection()
    if connection.queries_logged:
        return connection.make_debug_cursor(raw_cursor)
    return connection.make_cursor(raw_cursor)
