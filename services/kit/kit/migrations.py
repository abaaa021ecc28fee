"""Alembic helpers: run a service's own migration tree, check it is at head."""

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, MetaData, pool
from sqlalchemy.engine import Engine

from kit.db import make_engine


def alembic_config(script_location: Path, database_url: str) -> Config:
    """An Alembic config without an ini file."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_to_head(script_location: Path, database_url: str) -> None:
    """Apply every pending migration."""
    if database_url.startswith("sqlite:///"):
        Path(database_url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    command.upgrade(alembic_config(script_location, database_url), "head")


def head_revision(script_location: Path) -> str | None:
    """The newest revision in the tree."""
    script = ScriptDirectory.from_config(alembic_config(script_location, "sqlite://"))
    return script.get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def schema_drift(engine: Engine, metadata: MetaData) -> list[Any]:
    """What autogenerate would still change in a migrated database to match the models (empty: they agree).

    SQLite reflects an expression index (e.g. `created_at DESC`) without its expressions, so those indexes are
    compared on PostgreSQL only.
    """
    unreflectable: set[str | None] = set()
    if engine.dialect.name == "sqlite":
        unreflectable = {
            index.name
            for table in metadata.tables.values()
            for index in table.indexes
            if not all(isinstance(expression, Column) for expression in index.expressions)
        }

    def include(_: Any, name: str | None, type_: str, *__: Any) -> bool:
        return not (type_ == "index" and name in unreflectable)

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": include})
        return list(compare_metadata(context, metadata))


def run_env(target_metadata: MetaData) -> None:
    """Body of every service's migrations/env.py."""
    from alembic import context

    url = os.environ.get("ALEMBIC_DATABASE_URL") or context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database URL given to Alembic")
    batch = url.startswith("sqlite")
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True, render_as_batch=batch)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url, poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=batch, compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
