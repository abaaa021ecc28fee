import pytest
from pydantic import field_validator

from kit.cli import load_settings
from kit.config import ServiceSettings


class StrictSettings(ServiceSettings):
    service_name: str = "sample"

    @field_validator("client_secret")
    @classmethod
    def _long(cls, value: str | None) -> str | None:
        if value is not None and len(value) < 43:
            raise ValueError("too short")
        return value


def test_bad_settings_stop_naming_the_setting_without_its_value(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLIENT_SECRET", "leaky-secret-value")
    with pytest.raises(SystemExit) as stopped:
        load_settings(service="sample", settings_factory=StrictSettings)
    message = str(stopped.value)
    assert "CLIENT_SECRET" in message and "too short" in message
    assert "leaky-secret-value" not in message
