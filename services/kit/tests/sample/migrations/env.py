import tests.sample.app  # noqa: F401 - registers the notification table
from sqlmodel import SQLModel

import kit.outbox  # noqa: F401 - registers the outbox table
from kit.migrations import run_env

run_env(SQLModel.metadata)
