from feedback.core.config import MIGRATIONS, Settings
from kit.cli import run_cli

run_cli(service="feedback", app_path="feedback.main:create_app", migrations=MIGRATIONS, settings_factory=Settings)
