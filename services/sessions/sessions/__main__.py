from kit.cli import run_cli
from sessions.core.config import MIGRATIONS, Settings

run_cli(service="sessions", app_path="sessions.main:create_app", migrations=MIGRATIONS, settings_factory=Settings)
