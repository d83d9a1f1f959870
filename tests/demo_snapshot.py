"""The demo region, seeded once per test run and put back, row for row, for every test that asks for it.

``seed_demo`` makes a region through the services (users, pupils, forms, audit events: thousands of rows, 2 s and
more per test). The run seeds it once, in a transaction it rolls back, and keeps what the seeding changed: the rows
it added per model, the rows of tables that held data before (migrations' data such as the doorstroomformulier) as
they stood after it, and the files it stored. A test's ``demo`` then writes exactly those rows back with plain
inserts (no ``save()``, no signals: the rows as they were) inside the test's own transaction, which rolls back as
always. The same data, the same primary keys, in a few dozen queries.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection, models, transaction
from django.test import override_settings

FAST_HASHING = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as every test (the _fast_password_hashing fixture)

T = TypeVar("T")
Rows = dict[object, tuple]  # primary key → the row's values, in the order of _columns(model)


def _models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and not model._meta.swapped
    ]


def _columns(model: type[models.Model]) -> list[str]:
    return [f.attname for f in model._meta.local_concrete_fields]


def _rows(model: type[models.Model]) -> Rows:
    columns = _columns(model)
    pk_at = columns.index(model._meta.pk.attname)
    return {row[pk_at]: row for row in model._base_manager.values_list(*columns)}


def _state() -> dict[type[models.Model], Rows]:
    return {model: _rows(model) for model in _models()}


@dataclass
class Table:
    """A table that held rows before the seeding (the data of migrations, content types, or of an earlier
    snapshot)."""

    after: Rows  # every row after the seeding
    added: list[tuple]  # the rows it added
    removed: list[object]  # the keys of rows it changed or deleted
    replaced: list[tuple]  # the changed rows as they are after it


@dataclass
class Snapshot:
    """What one seeding changed, relative to the state before it."""

    added: dict[type[models.Model], list[tuple]] = field(default_factory=dict)  # rows of tables that were empty
    kept: dict[type[models.Model], Table] = field(default_factory=dict)  # tables that held rows before
    media: Path | None = None  # the files the seeding stored (attachments)

    def restore(self) -> None:
        """Write the seeded rows into the test's database, which holds the state of before the seeding (and perhaps
        rows the test made, with keys above every snapshot's: see _keep_keys_above). A transactional test empties
        every table when it ends and makes the content types anew: there, a table that held rows before the seeding
        is made to hold exactly what it held after it."""
        emptied = not connection.in_atomic_block
        with transaction.atomic():
            for model, table in self.kept.items():
                if emptied:
                    _make_table(model, table.after)
                else:
                    if table.removed:
                        model._base_manager.filter(pk__in=table.removed)._raw_delete(connection.alias)
                    _insert(model, table.replaced + table.added)
            for model, rows in self.added.items():
                _insert(model, rows)
            _keep_keys_above(_HIGHEST_KEYS)
        if emptied:
            from django.contrib.contenttypes.models import ContentType

            ContentType.objects.clear_cache()
        if self.media:
            shutil.copytree(self.media, settings.MEDIA_ROOT, dirs_exist_ok=True)


# Per table, the highest key any snapshot of the run holds: what a test makes itself gets a key above it, so that a
# snapshot written back after it (a fixture after a fixture) never meets a row of the same key.
_HIGHEST_KEYS: dict[str, int] = {}


def _remember_keys(snapshot: Snapshot) -> None:
    tables = [(model, rows) for model, rows in snapshot.added.items()]
    tables += [(model, table.added + table.replaced) for model, table in snapshot.kept.items()]
    for model, rows in tables:
        at = _columns(model).index(model._meta.pk.attname)
        keys = [row[at] for row in rows if isinstance(row[at], int)]
        if keys:
            table_name = model._meta.db_table
            _HIGHEST_KEYS[table_name] = max(_HIGHEST_KEYS.get(table_name, 0), *keys)


def _keep_keys_above(highest: dict[str, int]) -> None:
    """PostgreSQL's sequences never go back (a rolled-back transaction keeps what it drew): the keys the snapshots
    drew stay drawn. SQLite takes its next key from sqlite_sequence, which a rollback does put back: raise it."""
    if connection.vendor != "sqlite" or not highest:
        return
    with connection.cursor() as cursor:
        for table_name, key in highest.items():
            cursor.execute("UPDATE sqlite_sequence SET seq = MAX(seq, %s) WHERE name = %s", [key, table_name])
            if not cursor.rowcount:
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table_name, key])


def _insert(model: type[models.Model], rows: list[tuple]) -> None:
    if not rows:
        return
    columns = _columns(model)
    fields = list(model._meta.local_concrete_fields)
    objects = [model(**dict(zip(columns, row, strict=True))) for row in rows]
    size = connection.ops.bulk_batch_size(fields, objects) or len(objects)
    for start in range(0, len(objects), size):
        # raw: the values as stored (no auto_now, no defaults), as loaddata writes a fixture
        model._base_manager._insert(objects[start : start + size], fields=fields, raw=True)


def _make_table(model: type[models.Model], wanted: Rows) -> None:
    present = _rows(model)
    gone = [pk for pk in present if pk not in wanted or present[pk] != wanted[pk]]
    if gone:
        model._base_manager.filter(pk__in=gone)._raw_delete(connection.alias)
    _insert(model, [row for pk, row in wanted.items() if pk not in present or pk in gone])


def _difference(before: dict, after: dict) -> Snapshot:
    snapshot = Snapshot()
    for model, rows in after.items():
        old = before[model]
        new = [row for pk, row in rows.items() if pk not in old]
        if old:
            removed = [pk for pk, row in old.items() if rows.get(pk) != row]
            replaced = [rows[pk] for pk in removed if pk in rows]
            snapshot.kept[model] = Table(after=rows, added=new, removed=removed, replaced=replaced)
        elif new:
            snapshot.added[model] = new
    _remember_keys(snapshot)
    return snapshot


@dataclass
class DemoSnapshots:
    users: Snapshot  # seed_demo --no-pupils: organisations and users
    pupils: Snapshot  # what seed_demo adds to that: pupils, groups, forms, meldingen, gemeente, verzuim


@contextmanager
def _rolled_back(media: Path) -> Iterator[None]:
    """A transaction that is rolled back, with the settings every test has (fast hashing, its own media folder)
    and Celery running tasks in the process, as a test's ``eager`` fixture makes it."""
    from voroc.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        with override_settings(PASSWORD_HASHERS=FAST_HASHING, MEDIA_ROOT=str(media)), transaction.atomic():
            yield
            transaction.set_rollback(True)
    finally:
        app.conf.task_always_eager = eager


def _media() -> Path:
    return Path(tempfile.mkdtemp(prefix="voroc-test-media-"))


def take_demo_snapshots() -> DemoSnapshots:
    """Seed the demo region (first its users, then the rest) in a transaction that is rolled back."""
    media = _media()
    with _rolled_back(media):
        empty = _state()
        call_command("seed_demo", "--no-pupils", verbosity=0, stdout=io.StringIO())
        users = _state()
        call_command("seed_demo", verbosity=0, stdout=io.StringIO())
        region = _state()
    first = _difference(empty, users)
    second = _difference(users, region)
    second.media = media if any(media.iterdir()) else None
    return DemoSnapshots(users=first, pupils=second)


def snapshot_of(build: Callable[[], T], on_top_of: Sequence[Snapshot]) -> tuple[Snapshot, T]:
    """What ``build`` writes on top of the given snapshots, and what it returns (keys, not objects: the objects
    would be stale in the next test). For a test fixture that many tests need and that costs seconds to make."""
    media = _media()
    with _rolled_back(media):
        for snapshot in on_top_of:
            snapshot.restore()
        before = _state()
        result = build()
        after = _state()
    snapshot = _difference(before, after)
    snapshot.media = media if any(media.iterdir()) else None
    return snapshot, result
