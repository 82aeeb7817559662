"""Reading and writing rows without the ORM's per-query compilation, for intake's hot path
(thousands of reports a minute at opening and after the count).

Django builds each query anew, which costs about half a millisecond of CPU a statement on a
small server, several times the database's own time. The few statements every report runs are
therefore generated here once per model and shape, from the model's fields (values through
each field's ``pre_save`` and ``get_db_prep_save``, so the model stays the one description of
the table), and read back with :func:`json_value` and :func:`utc`. Signals are not sent
(nothing listens to the models written here).

On PostgreSQL the statements run through :func:`cursor`, which binds values on the server and
prepares each statement the first time a connection runs it: the database then plans it once
per connection instead of once per report, which halves its CPU per report. Everything else
in pollwatch keeps Django's cursor (values bound in the client, nothing prepared).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models


class _PreparedCursor:
    """Set up lazily: psycopg is only imported on PostgreSQL."""

    factory: Any = None

    @classmethod
    def make(cls, raw_connection: Any) -> Any:
        if cls.factory is None:
            import psycopg

            class PreparedCursor(psycopg.Cursor):
                """A server-binding cursor that prepares every statement it runs, unless
                queries are being logged (psycopg keeps no text of a prepared execution for
                Django's log)."""

                prepares = True

                def execute(self, query: Any, params: Any = None, *, prepare: bool | None = None,
                            binary: bool | None = None) -> Any:
                    return super().execute(query, params, prepare=self.prepares, binary=binary)

            cls.factory = PreparedCursor
        if raw_connection.prepare_threshold is None:
            # Django turns automatic preparing off (for connection poolers); Django's own
            # client-binding cursors never prepare, so this only lets ours ask for it.
            raw_connection.prepare_threshold = 1 << 30
        return cls.factory(raw_connection)


def _db() -> Any:
    """The default database's connection for this thread (``django.db.connection`` is a
    proxy that looks it up again on every attribute: a dozen times per value saved)."""
    return connections[DEFAULT_DB_ALIAS]


@contextmanager
def cursor() -> Iterator[Any]:
    """A cursor for the hot path's statements (prepared on PostgreSQL, see the module
    docstring), wrapped as Django wraps its own: errors become Django's, and query logging,
    ``CaptureQueriesContext`` and execute wrappers see the statements."""
    db = _db()
    if db.vendor != "postgresql":
        with db.cursor() as plain:
            yield plain
        return
    db.ensure_connection()
    db.validate_thread_sharing()
    raw = _PreparedCursor.make(db.connection)
    if db.queries_logged:
        raw.prepares = False
        wrapped = db.make_debug_cursor(raw)
    else:
        wrapped = db.make_cursor(raw)
    try:
        yield wrapped
    finally:
        raw.close()


def select_rows(sql: str, params: Iterable[Any]) -> list[tuple]:
    with cursor() as c:
        c.execute(sql, list(params))
        return c.fetchall()


def execute(sql: str, params: Iterable[Any]) -> int:
    """Run one statement; the number of rows it changed."""
    with cursor() as c:
        c.execute(sql, list(params))
        return c.rowcount


def table(model: type[models.Model]) -> str:
    return _db().ops.quote_name(model._meta.db_table)


# --- UPDATE -------------------------------------------------------------------------------------

@functools.cache
def _update_sql(model: type[models.Model], names: tuple[str, ...], vendor: str) -> tuple[str, tuple]:
    meta = model._meta
    fields = tuple(meta.get_field(name) for name in names)
    quote = _db().ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    return f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s", fields


def update_row(instance: models.Model, names: Sequence[str]) -> None:
    """UPDATE the named fields of ``instance`` by primary key."""
    db = _db()
    sql, fields = _update_sql(type(instance), tuple(names), db.vendor)
    params = [f.get_db_prep_save(getattr(instance, f.attname), db) for f in fields]
    execute(sql, [*params, instance.pk])


# --- INSERT -------------------------------------------------------------------------------------

def _insert_fields(model: type[models.Model]) -> tuple[models.Field, ...]:
    return tuple(f for f in model._meta.concrete_fields if not f.primary_key)


@functools.cache
def _insert_sql(model: type[models.Model], vendor: str, link: str = "", source: str = "") -> str:
    """``INSERT ... RETURNING pk``; with ``link``, that column takes the value of the SQL
    expression ``source`` instead of a parameter."""
    meta = model._meta
    quote = _db().ops.quote_name
    fields = _insert_fields(model)
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(source if f.column == link else "%s" for f in fields)
    return (f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({values})"
            f" RETURNING {quote(meta.pk.column)}")


def _insert_params(db: Any, instance: models.Model, skip: str = "") -> list[Any]:
    return [f.get_db_prep_save(f.pre_save(instance, True), db)
            for f in _insert_fields(type(instance)) if f.column != skip]


def _saved(instance: models.Model, pk: Any) -> None:
    instance.pk = pk
    instance._state.adding = False
    instance._state.db = DEFAULT_DB_ALIAS


def insert_row(instance: models.Model) -> None:
    """INSERT ``instance`` (unsaved) in one statement and set its primary key."""
    db = _db()
    sql = _insert_sql(type(instance), db.vendor)
    with cursor() as c:
        c.execute(sql, _insert_params(db, instance))
        _saved(instance, c.fetchone()[0])


@functools.cache
def _pair_sql(first: type[models.Model], second: type[models.Model], link: str) -> str:
    quote = _db().ops.quote_name
    first_pk, second_pk = quote(first._meta.pk.column), quote(second._meta.pk.column)
    one = _insert_sql(first, "postgresql")
    two = _insert_sql(second, "postgresql", link=link, source=f"(SELECT {first_pk} FROM one)")
    return f"WITH one AS ({one}), two AS ({two}) SELECT one.{first_pk}, two.{second_pk} FROM one, two"


def insert_pair(first: models.Model, second: models.Model, link: str) -> None:
    """INSERT ``first`` and ``second`` (both unsaved), ``second``'s foreign key ``link``
    pointing to ``first``; set both primary keys. One statement on PostgreSQL (a common table
    expression: one round trip, and neither row without the other), two elsewhere."""
    field = second._meta.get_field(link)
    db = _db()
    if db.vendor != "postgresql":
        insert_row(first)
        setattr(second, field.name, first)
        insert_row(second)
        return
    sql = _pair_sql(type(first), type(second), field.column)
    with cursor() as c:
        c.execute(sql, _insert_params(db, first) + _insert_params(db, second, skip=field.column))
        first_pk, second_pk = c.fetchone()
    _saved(first, first_pk)
    setattr(second, field.name, first)
    _saved(second, second_pk)


# --- SELECT into instances ----------------------------------------------------------------------

@functools.cache
def _select_sql(model: type[models.Model], where: str, vendor: str) -> tuple[str, list[str]]:
    meta = model._meta
    quote = _db().ops.quote_name
    names = [f.attname for f in meta.concrete_fields]
    columns = ", ".join(quote(f.column) for f in meta.concrete_fields)
    return f"SELECT {columns} FROM {quote(meta.db_table)} WHERE {where}", names


def instances(model: type[models.Model], where: str, params: Iterable[Any]) -> list[models.Model]:
    """The rows of ``model`` matching ``where`` (SQL over its columns, ``%s`` for values),
    as model instances built as the ORM builds them: each value through the backend's and the
    field's converters, then ``from_db``."""
    db = _db()
    sql, names = _select_sql(model, where, db.vendor)
    converters = _converters(db, model)
    found = []
    for row in select_rows(sql, params):
        values = list(row)
        for i, column, functions in converters:
            for convert in functions:
                values[i] = convert(values[i], column, db)
        found.append(model.from_db(DEFAULT_DB_ALIAS, names, values))
    return found


def _converters(db: Any, model: type[models.Model]) -> list[tuple[int, Any, list[Any]]]:
    """Per column that needs any, the converters the ORM would apply (as its compiler does)."""
    table_name = model._meta.db_table
    found = []
    for i, field in enumerate(model._meta.concrete_fields):
        column = field.get_col(table_name)
        functions = db.ops.get_db_converters(column) + field.get_db_converters(db)
        if functions:
            found.append((i, column, functions))
    return found


# --- values as read by a plain cursor -----------------------------------------------------------

def json_value(value: Any) -> Any:
    """A JSON column as read by a plain cursor (text on SQLite, text or decoded on PostgreSQL)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def utc(value: Any) -> dt.datetime | None:
    """A datetime column as read by a plain cursor (aware on PostgreSQL, text on SQLite)."""
    if value is None or isinstance(value, dt.datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=dt.UTC)
    moment = dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
