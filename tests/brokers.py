"""A Celery broker that cannot be reached (the connection is refused at once), for tests of what happens when
work cannot be queued: what was stored stays stored, the user gets an answer, and a safety net picks it up."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def broker_down() -> Iterator[None]:
    from voroc.celery import app

    changes = {
        "task_always_eager": False,
        "broker_url": "redis://127.0.0.1:9/0",  # the discard port: nothing listens
        "task_publish_retry": False,
        "broker_connection_timeout": 1,
        "broker_connection_retry": False,
        "broker_connection_max_retries": 0,
    }
    before = {key: app.conf.get(key) for key in changes}
    app.conf.update(changes)
    try:
        yield
    finally:
        app.conf.update(before)
        # Connections made meanwhile point at the unreachable broker: the next use makes new ones.
        app._pool = None
        app.amqp._producer_pool = None
