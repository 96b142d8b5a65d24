"""Django's undocumented internals the hot path uses (pledges/db/django_internals.py).

Each test names the function it guards; one failing after a Django upgrade
means that function must be rewritten against what Django does now.
"""

import inspect
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, models
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pledges.db import django_internals
from pledges.db.rows import prepared_cursor
from pledges.db.stations import STATION_EVENT_FIELDS, STATION_FIELDS, station_with_event
from pledges.models import AuditEntry, Event, SigningStation


def parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_django_still_offers_the_internals_with_the_signatures_used():
    assert parameters(models.Field.cast_db_type) == ["self", "connection"]
    assert parameters(models.Field.get_db_converters) == ["self", "connection"]
    assert parameters(models.Field.get_col)[:2] == ["self", "alias"]
    assert parameters(connection.ops.get_db_converters) == ["expression"]
    assert parameters(connection.ops.quote_name) == ["name"]
    assert parameters(BaseDatabaseWrapper.make_cursor) == ["self", "cursor"]
    assert parameters(BaseDatabaseWrapper.make_debug_cursor) == ["self", "cursor"]
    assert isinstance(BaseDatabaseWrapper.queries_logged, property)
    assert hasattr(BaseDatabaseWrapper, "wrap_database_errors")


def test_quote_name_quotes_an_identifier_as_the_orm_does():
    assert django_internals.quote_name("pledges_signature") == '"pledges_signature"'


def test_column_attnames_are_the_columns_from_db_pairs_values_with():
    names = django_internals.column_attnames(SigningStation)
    assert names[:3] == ["id", "event_id", "label"]
    assert set(names) == {field.attname for field in SigningStation._meta.concrete_fields}


def test_cast_type_is_the_column_type_a_parameter_becomes(db):
    field = AuditEntry._meta.get_field("changes")
    expected = {"postgresql": "jsonb", "sqlite": "text"}[connection.vendor]
    assert django_internals.cast_type(field) == expected
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT CAST(%s AS {django_internals.cast_type(field)})", ['{"a": 1}'])
        assert cursor.fetchone()[0] in ('{"a": 1}', {"a": 1})


def test_load_converters_load_values_as_the_orm_does(kiosk):
    """Station and event loaded by the hot path's SQL equal the ORM's, field by field."""
    station = SigningStation.objects.get(pk=kiosk.station.pk)
    station.last_seen_at = timezone.now() - timedelta(minutes=3)
    station.save(update_fields=["last_seen_at"])
    by_orm = SigningStation.objects.select_related("event").get(pk=station.pk)
    loaded = station_with_event(station.pk)
    for name in STATION_FIELDS:
        assert getattr(loaded, name) == getattr(by_orm, name), name
    for name in STATION_EVENT_FIELDS:
        assert getattr(loaded.event, name) == getattr(by_orm.event, name), name
    # SQLite hands back text and 0/1: only the converters make them a datetime and a bool.
    assert isinstance(loaded.last_seen_at, type(by_orm.last_seen_at)) and loaded.last_seen_at.tzinfo
    assert loaded.event.allow_walk_ins is by_orm.event.allow_walk_ins
    assert isinstance(loaded.event, Event)


def test_the_prepared_cursor_is_wrapped_as_djangos_own(db):
    """Execute wrappers run, queries are logged, a driver's error arrives as Django's."""
    seen = []

    def wrapper(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    logged = CaptureQueriesContext(connection)
    with logged as captured, connection.execute_wrapper(wrapper), prepared_cursor() as cursor:
        assert isinstance(cursor, CursorDebugWrapper)
        cursor.execute("SELECT 1 + %s", [1])
        assert cursor.fetchone()[0] == 2
    assert seen == ["SELECT 1 + %s"]
    # Logged (PostgreSQL's driver keeps no text of a server-bound query for the log).
    assert len(captured.captured_queries) == 1
    with prepared_cursor() as cursor:
        assert isinstance(cursor, CursorWrapper)
        with pytest.raises(DatabaseError):
            cursor.execute("SELECT * FROM no_such_table_here")
