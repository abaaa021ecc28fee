"""The shape the platform promises: services share only the kit and talk over HTTP."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("gateway", "matching", "sessions", "feedback")


def _imported_roots(package_dir: Path) -> set[str]:
    roots: set[str] = set()
    for path in package_dir.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if isinstance(node, ast.Import):
                roots.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("service", SERVICES)
def test_service_never_imports_another_service(service: str) -> None:
    roots = _imported_roots(ROOT / "services" / service / service)
    assert roots & (set(SERVICES) - {service}) == set()


def test_kit_holds_no_domain_code() -> None:
    roots = _imported_roots(ROOT / "services" / "kit" / "kit")
    assert roots & set(SERVICES) == set()


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_its_own_migrations_and_settings(service: str) -> None:
    package = ROOT / "services" / service / service
    assert (package / "migrations" / "env.py").exists()
    assert list((package / "migrations" / "versions").glob("0001_*.py"))
    assert (package / "core" / "config.py").exists()
    assert (ROOT / "services" / service / "pyproject.toml").exists()
