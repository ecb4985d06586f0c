"""Transactions, portable constraints for migrations, and what the database's refusals mean."""

import asyncio
import re
import sqlite3
from dataclasses import dataclass
from typing import Any

import asyncpg
from piccolo.columns.combination import WhereRaw
from piccolo.engine.base import Engine
from piccolo.engine.sqlite import TransactionType

from samverkan import clock
from samverkan.conf import DB

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def write_transaction():
    """The transaction a request or job opens around its writes.

    On SQLite it takes the write lock at BEGIN (IMMEDIATE), so concurrent writers queue
    on the busy timeout instead of failing with "database is locked" when a read lock
    would have to be upgraded mid-transaction.
    """
    if DB.engine_type == "sqlite":
        return DB.transaction(transaction_type=TransactionType.immediate)
    return DB.transaction()


def is_sqlite() -> bool:
    return DB.engine_type == "sqlite"


# --- portable constraints, used by migrations --------------------------------------------
# Piccolo adds table constraints with ALTER TABLE ... ADD CONSTRAINT, which SQLite lacks.
# These helpers give the same guarantee on both engines: a real CHECK constraint on
# PostgreSQL, and BEFORE INSERT/UPDATE triggers that abort with the same message on SQLite.


def _condition(condition: str, prefix: str) -> str:
    return _PLACEHOLDER.sub(lambda m: f'{prefix}"{m.group(1)}"', condition)


async def add_check(engine: Engine, table: str, name: str, condition: str) -> None:
    """Add CHECK (condition) to table; columns in condition are written as {column}."""
    if engine.engine_type == "sqlite":
        for event in ("INSERT", "UPDATE"):
            await engine.run_ddl(
                f'CREATE TRIGGER "{name}_{event.lower()}" BEFORE {event} ON "{table}" '
                f"FOR EACH ROW WHEN NOT ({_condition(condition, 'NEW.')}) BEGIN "
                f"SELECT RAISE(ABORT, 'CHECK constraint failed: {name}'); END"
            )
    else:
        await engine.run_ddl(
            f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" CHECK ({_condition(condition, "")})'
        )


def one_of(column: str, values: list[str]) -> str:
    """A check condition that column holds one of values (NULL passes, as in SQL)."""
    listed = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
    return f"{{{column}}} IN ({listed})"


async def add_unique(engine: Engine, table: str, name: str, columns: list[str]) -> None:
    quoted = ", ".join(f'"{column}"' for column in columns)
    await engine.run_ddl(f'CREATE UNIQUE INDEX "{name}" ON "{table}" ({quoted})')


async def add_index(engine: Engine, table: str, name: str, columns: list[str]) -> None:
    quoted = ", ".join(f'"{column}"' for column in columns)
    await engine.run_ddl(f'CREATE INDEX "{name}" ON "{table}" ({quoted})')


async def make_append_only(engine: Engine, table: str) -> None:
    """Refuse every UPDATE and DELETE of table's rows, in the database itself."""
    message = f"append-only: {table}"
    if engine.engine_type == "sqlite":
        for event in ("UPDATE", "DELETE"):
            await engine.run_ddl(
                f'CREATE TRIGGER "{table}_no_{event.lower()}" BEFORE {event} ON "{table}" '
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
    else:
        await engine.run_ddl(
            "CREATE OR REPLACE FUNCTION samverkan_refuse_change() RETURNS trigger "
            "LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'append-only: %', TG_TABLE_NAME "
            "USING ERRCODE = 'integrity_constraint_violation'; END $$"
        )
        await engine.run_ddl(
            f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
            "FOR EACH ROW EXECUTE FUNCTION samverkan_refuse_change()"
        )


async def refuse_truncate(engine: Engine, table: str) -> None:
    """TRUNCATE fires no row triggers on PostgreSQL; refuse it with a statement trigger.

    SQLite has no TRUNCATE: its DELETE without WHERE already meets the row trigger.
    """
    if engine.engine_type == "sqlite":
        return
    await engine.run_ddl(
        f'CREATE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION samverkan_refuse_change()"
    )


# --- what a refusal means --------------------------------------------------------------


@dataclass(frozen=True)
class Refusal:
    """A constraint the database enforced: kind is unique, foreign_key, check or not_null."""

    kind: str
    detail: str


def classify_integrity_error(exc: BaseException) -> Refusal | None:
    if isinstance(exc, sqlite3.IntegrityError):
        text = str(exc)
        for prefix, kind in (
            ("UNIQUE constraint failed", "unique"),
            ("FOREIGN KEY constraint failed", "foreign_key"),
            ("CHECK constraint failed", "check"),
            ("NOT NULL constraint failed", "not_null"),
            ("append-only", "append_only"),
        ):
            if text.startswith(prefix):
                return Refusal(kind, text)
        return Refusal("integrity", text)
    if isinstance(exc, asyncpg.exceptions.IntegrityConstraintViolationError):
        kinds = {
            asyncpg.exceptions.UniqueViolationError: "unique",
            asyncpg.exceptions.ForeignKeyViolationError: "foreign_key",
            asyncpg.exceptions.CheckViolationError: "check",
            asyncpg.exceptions.NotNullViolationError: "not_null",
        }
        kind = kinds.get(type(exc), "integrity")
        if "append-only" in str(exc):
            kind = "append_only"
        name = getattr(exc, "constraint_name", None)
        return Refusal(kind, f"{exc}" + (f" ({name})" if name else ""))
    return None


async def update_versioned(table: Any, row_id: int, version: int, values: dict) -> bool:
    """Apply values if the row still has version; False if it is gone or has moved on.

    The version check sits in the UPDATE's WHERE, so two writers that read the same version
    cannot both succeed, whatever the isolation level.
    """
    values = {**values, "version": version + 1}
    if any(column._meta.name == "updated_at" for column in table._meta.columns):
        values["updated_at"] = clock.now()
    rows = await table.update(values).where(
        (table.id == row_id) & (table.version == version)
    ).returning(table.id)
    return bool(rows)


async def gather_reads(*queries):
    """Run independent reads at once, or one after another inside a transaction.

    Outside a transaction each query takes its own pooled connection, so a page that needs
    several reads costs one round trip; inside one, a connection serves one query at a time.
    """
    if DB.transaction_exists():
        return [await query for query in queries]
    return await asyncio.gather(*queries)


def contains(column, text: str):
    """Case-insensitive "column contains text" on both engines.

    SQLite's LIKE already ignores case (for ASCII letters only; å, ä and ö are compared as
    written), PostgreSQL needs ILIKE. Wildcards typed by the user are taken literally.
    """
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    if DB.engine_type == "sqlite":
        name = column._meta.get_full_name(with_alias=False)
        return WhereRaw(f"{name} LIKE {{}} ESCAPE '\\'", pattern)
    return column.ilike(pattern)


def read_pool():
    """The asyncpg pool under Piccolo's PostgreSQL engine, for hand-written reads on hot paths.

    None on SQLite, before the pool is opened, and inside a transaction (whose connection
    Piccolo holds, so a read on another connection would not see its writes); callers then
    take their portable Piccolo path. Use it only for reads that need no transaction.
    """
    if DB.engine_type != "postgres" or DB.pool is None or DB.transaction_exists():
        return None
    return DB.pool
