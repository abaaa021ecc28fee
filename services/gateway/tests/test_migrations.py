from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from kit.migrations import schema_drift


def test_migrations_build_the_schema_the_models_describe(engine: Engine) -> None:
    # The test database is built from the real migrations; autogenerate must find nothing left to do.
    assert schema_drift(engine, SQLModel.metadata) == []
