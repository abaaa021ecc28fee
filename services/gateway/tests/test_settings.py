from pathlib import Path

import pytest
from pydantic import ValidationError

from gateway.core.config import Settings
from gateway.core.security import KeyRing, rotate_key


def test_production_refuses_sqlite_and_missing_key(tmp_path: Path) -> None:
    with pytest.raises(ValidationError) as err:
        Settings(environment="production", database_url="sqlite:///./x.db", signing_key_path=str(tmp_path / "missing.pem"))
    text = str(err.value)
    assert "DATABASE_URL" in text and "SIGNING_KEY_PATH" in text


def test_production_refuses_weak_password_hashing(tmp_path: Path) -> None:
    key = tmp_path / "key.pem"
    KeyRing.load(key, create=True)
    with pytest.raises(ValidationError, match="PASSWORD_MEMORY_KIB"):
        Settings(environment="production", database_url="postgresql+psycopg://db/x", signing_key_path=str(key), password_memory_kib=1024)
    ok = Settings(environment="production", database_url="postgresql+psycopg://db/x", signing_key_path=str(key))
    assert ok.secure_cookies


def test_development_generates_and_keeps_the_key(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "signing-key.pem"
    first = KeyRing.load(path, create=True)
    assert path.stat().st_mode & 0o777 == 0o600
    assert KeyRing.load(path, create=True).current.kid == first.current.kid
    with pytest.raises(RuntimeError, match="does not exist"):
        KeyRing.load(tmp_path / "other.pem", create=False)


def test_rotation_keeps_previous_keys_published(tmp_path: Path) -> None:
    path = tmp_path / "signing-key.pem"
    old = KeyRing.load(path, create=True).current.kid
    new = rotate_key(path)
    ring = KeyRing.load(path, create=False)
    assert ring.current.kid == new != old
    assert [k["kid"] for k in ring.jwks()["keys"]] == [new, old]
