"""Reading and updating rows without the ORM's per-query compilation, for intake's hot path
(thousands of reports a minute at opening and after the count).

Django builds each filtered query anew, which costs about a millisecond and a half of CPU a
statement on a small server, ten times the database's own time. The few statements every
report runs are therefore written here once: an UPDATE generated from the model's fields
(values through each field's ``get_db_prep_save``, so the model stays the one description of
the table) and plain SELECTs whose values are converted with :func:`json_value` and
:func:`utc`. Signals are not sent.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


@functools.cache
def _update_sql(model: type[models.Model], names: tuple[str, ...], vendor: str) -> tuple[str, tuple]:
    meta = model._meta
    fields = tuple(meta.get_field(name) for name in names)
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    return f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s", fields


def update_row(instance: models.Model, names: Sequence[str]) -> None:
    """UPDATE the named fields of ``instance`` by primary key."""
    sql, fields = _update_sql(type(instance), tuple(names), connection.vendor)
    params = [f.get_db_prep_save(getattr(instance, f.attname), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, instance.pk])


def select_rows(sql: str, params: Iterable[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def json_value(value: Any) -> Any:
    """A JSON column as read by a plain cursor (text on SQLite, text or decoded on PostgreSQL)."""
    return json.loads(value) if isinstance(value, str | bytes) else value


def utc(value: Any) -> dt.datetime | None:
    """A datetime column as read by a plain cursor (aware on PostgreSQL, text on SQLite)."""
    if value is None or isinstance(value, dt.datetime):
        return value if value is None or value.tzinfo else value.replace(tzinfo=dt.UTC)
    moment = dt.datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
