from kit.cli import run_cli
from matching.core.config import MIGRATIONS, Settings

run_cli(service="matching", app_path="matching.main:create_app", migrations=MIGRATIONS, settings_factory=Settings)
