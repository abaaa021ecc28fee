from sqlmodel import SQLModel

import feedback.models  # noqa: F401 - registers the tables
from kit.migrations import run_env

run_env(SQLModel.metadata)
