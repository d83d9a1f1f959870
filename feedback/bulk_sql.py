# ruff: noqa: S608 -- statements are built from the models' table and column names only; values are parameters.
"""Set-based writes for the bulk path: one statement per table and chunk.

On PostgreSQL the rows travel as one array per column and are inserted or updated with ``unnest()``: no
model instance and no per-value SQL compilation, which is where Django's bulk_create spends its time.
Other databases (SQLite, the embedded default) use bulk_create / bulk_update. Column names and types come
from the models, so a renamed column cannot silently go astray; the values are the ones the engine
already checked (tests/feedback/test_rules_agree.py compares the result with the one-row services).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection
from django.db.models import Field, ForeignObject, Lookup, Model, Q


def _field(model: type[Model], name: str) -> Field:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def _columns(model: type[Model], fields: Sequence[str]) -> tuple[list[str], list[str]]:
    quote = connection.ops.quote_name
    names = [quote(_field(model, f).column) for f in fields]
    casts = [f"%b::{_field(model, f).db_type(connection)}[]" for f in fields]
    return names, casts


def _objects(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence], *, with_pk: bool = False) -> list:
    attnames = [_field(model, f).attname for f in fields]
    if with_pk:
        return [model(pk=row[0], **dict(zip(attnames, row[1:], strict=True))) for row in rows]
    return [model(**dict(zip(attnames, row, strict=True))) for row in rows]


def _cursor(*, binary: bool = False):
    """A cursor that sends the arrays as parameters (server-side binding) instead of rendering them into the SQL
    text, wrapped like Django's own so the statements still count in query logs and assertNumQueries. With
    ``binary`` the results come in binary: psycopg's C loaders, not the text parser, make the datetimes."""
    import psycopg

    connection.ensure_connection()
    raw: Any = psycopg.Cursor(connection.connection)
    if binary:
        raw.format = psycopg.pq.Format.BINARY
    return connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)


cursor = _cursor  # for the engine's own statements (COPY into a temporary table)


def _sql(*parts: str) -> str:
    """Statements are built from the models' table and column names and casts only; values go as parameters."""
    return " ".join(parts)


def _arrays(rows: Sequence[Sequence], width: int) -> list[list]:
    return [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


def insert(
    model: type[Model], fields: Sequence[str], rows: Sequence[Sequence], *, ignore_conflicts: bool = False
) -> None:
    """INSERT the rows (tuples in the order of ``fields``)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model._default_manager.bulk_create(
            _objects(model, fields, rows),
            batch_size=1000,
            ignore_conflicts=ignore_conflicts,
        )
        return
    names, casts = _columns(model, fields)
    sql = _sql(
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({', '.join(names)})",
        f"SELECT * FROM unnest({', '.join(casts)})",
        "ON CONFLICT DO NOTHING" if ignore_conflicts else "",
    )
    with _cursor() as cursor:
        cursor.execute(sql, _arrays(rows, len(fields)))


def insert_returning(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence], key: str) -> dict:
    """INSERT the rows and return {value of ``key``: primary key}; ``key`` must be unique among the rows."""
    if not rows:
        return {}
    if connection.vendor != "postgresql":
        objects = _objects(model, fields, rows)
        model._default_manager.bulk_create(objects, batch_size=1000)
        if objects[0].pk is None:
            keys = [getattr(o, key) for o in objects]
            return dict(model._default_manager.filter(**{f"{key}__in": keys}).values_list(key, "pk"))
        return {getattr(o, key): o.pk for o in objects}
    names, casts = _columns(model, fields)
    quote = connection.ops.quote_name
    meta = model._meta
    sql = _sql(
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(names)})",
        f"SELECT * FROM unnest({', '.join(casts)})",
        f"RETURNING {quote(_field(model, key).column)}, {quote(meta.pk.column)}",
    )
    with _cursor() as cursor:
        cursor.execute(sql, _arrays(rows, len(fields)))
        return dict(cursor.fetchall())


def update(model: type[Model], fields: Sequence[str], rows: Sequence[Sequence]) -> None:
    """UPDATE by primary key: each row is (pk, *values in the order of ``fields``)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        objects = _objects(model, fields, rows, with_pk=True)
        model._default_manager.bulk_update(objects, [_field(model, f).attname for f in fields], batch_size=500)
        return
    quote = connection.ops.quote_name
    meta = model._meta
    pk = meta.pk.column
    names, casts = _columns(model, fields)
    pk_cast = f"%b::{meta.pk.db_type(connection)}[]"
    sql = _sql(
        f"UPDATE {quote(meta.db_table)} AS t SET {', '.join(f'{n} = v.{n}' for n in names)}",
        f"FROM unnest({pk_cast}, {', '.join(casts)}) AS v({quote(pk)}, {', '.join(names)})",
        f"WHERE t.{quote(pk)} = v.{quote(pk)}",
    )
    with _cursor() as cursor:
        cursor.execute(sql, _arrays(rows, len(fields) + 1))


def fetch(sql: str, params: dict) -> list[tuple]:
    """Run a SELECT (PostgreSQL) with its values as parameters and return its rows as tuples, loaded in binary.

    For the rest of the transaction (a chunk): planned for the tables as they are now (no cached generic plan:
    a school's first feed fills the tables it reads from, and a plan made when they were empty would scan them
    whole for every key); index pages priced as cached (random_page_cost 1.1, the usual value for SSD or RAM:
    with the default of 4 the planner reads a whole table rather than look up a few thousand keys, several
    times slower); and no JIT compilation (the look-ups pass jit_above_cost, yet compiling costs more than it
    saves)."""
    with _cursor(binary=True) as cursor:
        cursor.execute(
            "SELECT set_config('plan_cache_mode', 'force_custom_plan', true), set_config('jit', 'off', true), "
            "set_config('random_page_cost', '1.1', true)"
        )
        cursor.execute(sql, params)
        return cursor.fetchall()


# Below this many new rows, statistics that miss them cannot mislead the planner much.
STATISTICS_MIN_ROWS = 1000


def refresh_statistics(added: dict[type[Model], int]) -> None:
    """ANALYZE the tables to which this chunk added more rows than their statistics know they hold (PostgreSQL).

    Autovacuum keeps statistics on a live database, but only for committed rows and in its own time: a school's
    first feed can fill a table far beyond what the planner believes. With the school missing from the
    statistics, each of the next chunk's look-ups is planned as if it finds nothing, and may read every row the
    school already has instead of a few index pages: the cost of a chunk would then grow with the table."""
    if connection.vendor != "postgresql":
        return
    tables = [model._meta.db_table for model, count in added.items() if count >= STATISTICS_MIN_ROWS]
    if not tables:
        return
    with _cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relname = ANY(%s) AND relkind = 'r'", [tables])
        known = dict(cursor.fetchall())
        outgrown = [t for t in tables if known.get(t, 0) < added[_model_of(added, t)]]
        if outgrown:
            cursor.execute(f"ANALYZE {', '.join(connection.ops.quote_name(t) for t in outgrown)}")


def _model_of(added: dict[type[Model], int], table: str) -> type[Model]:
    return next(model for model in added if model._meta.db_table == table)


def by_keys(model: type[Model], key: str, keys: Sequence, *, where: dict, fields: Sequence[str]) -> list[dict]:
    """The rows of ``model`` whose ``key`` is one of ``keys`` and that match ``where`` (equality), as dicts.

    On PostgreSQL every key is looked up through the index on it (a LATERAL join), whatever the planner's
    statistics say: a school's first feed fills the table it reads from, and a sequential scan per chunk
    would grow with the table.
    """
    keys = list(keys)
    if not keys:
        return []
    if connection.vendor != "postgresql":
        return list(model._default_manager.filter(**{f"{key}__in": keys}, **where).order_by().values(*fields))
    quote = connection.ops.quote_name
    meta = model._meta
    columns = [quote(meta.pk.column if f == "pk" else _field(model, f).column) for f in fields]
    conditions = [f"t.{quote(_field(model, name).column)} = %s" for name in where]
    key_field = _field(model, key)
    sql = _sql(
        f"SELECT {', '.join(f't.{c}' for c in columns)} FROM unnest(%b::{key_field.db_type(connection)}[]) AS k(v)",
        f"CROSS JOIN LATERAL (SELECT * FROM {quote(meta.db_table)} AS t",
        f"WHERE t.{quote(key_field.column)} = k.v{''.join(' AND ' + c for c in conditions)}) AS t",
    )
    with _cursor(binary=True) as cursor:
        cursor.execute(sql, [keys, *where.values()])
        return [dict(zip(fields, row, strict=True)) for row in cursor.fetchall()]


@Field.register_lookup
class AnyOf(Lookup):
    """``field__feed_any=[…]``: ``field = ANY(%s)`` with the list as one array parameter (PostgreSQL).

    An IN list of a few thousand values costs Django and psycopg a parameter each; one array does not.
    """

    lookup_name = "feed_any"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return "%s", [list(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} = ANY({rhs})", (*lhs_params, *rhs_params)


ForeignObject.register_lookup(AnyOf)  # foreign keys keep their own lookups


def one_of(field: str, values) -> Q:
    """``Q(field__in=values)``, as one array parameter on PostgreSQL."""
    values = list(values)
    if connection.vendor == "postgresql":
        return Q(**{f"{field}__feed_any": values})
    return Q(**{f"{field}__in": values})
