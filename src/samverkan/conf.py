"""The Piccolo configuration: the database engine chosen by settings and every domain's app."""

import sqlite3

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from samverkan.settings import get_settings


def _engine():
    settings = get_settings()
    if settings.is_sqlite:
        path = settings.sqlite_path
        path.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(path) as connection:
            # WAL lets readers go on while one writer writes; it is stored in the file.
            connection.execute("PRAGMA journal_mode=WAL")
        return SQLiteEngine(path=str(path), timeout=settings.sqlite_busy_timeout_seconds)
    return PostgresEngine(config={"dsn": settings.database_url})


DB = _engine()

APP_REGISTRY = AppRegistry(
    apps=[
        "samverkan.registry.piccolo_app",
        "samverkan.accounts.piccolo_app",
        "samverkan.audit.piccolo_app",
        "samverkan.agreements.piccolo_app",
        "samverkan.reminders.piccolo_app",
        "samverkan.portal.piccolo_app",
        "samverkan.situation.piccolo_app",
        "samverkan.workspace.piccolo_app",
    ]
)
