"""Passwords (argon2id), signing keys (RS256, JWKS) and opaque secrets."""

import base64
import hashlib
import hmac
import logging
import os
import secrets
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwk, jwt

from kit.auth import ALGORITHM

logger = logging.getLogger("gateway.security")


# --- passwords ------------------------------------------------------------------------------------


class Passwords:
    """argon2id hashing; verification also says when a stored hash needs new parameters."""

    def __init__(self, *, time_cost: int, memory_kib: int, parallelism: int) -> None:
        self.hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism)
        # Verifying unknown usernames against this keeps both failure paths equally slow.
        self._dummy = self.hasher.hash(secrets.token_urlsafe(16))

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, stored_hash: str | None, password: str) -> tuple[bool, str | None]:
        """(matches, new hash when the stored one uses outdated parameters)."""
        try:
            self.hasher.verify(stored_hash or self._dummy, password)
        except (VerificationError, InvalidHashError):
            return False, None
        if stored_hash is None:
            return False, None
        return True, self.hasher.hash(password) if self.hasher.check_needs_rehash(stored_hash) else None


def generate_password() -> str:
    """A password an admin can hand over once (about 96 bits)."""
    return secrets.token_urlsafe(12)


# --- opaque secrets (refresh tokens, client secrets) -----------------------------------------------


def new_opaque_token() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """SHA-256 hex of a high-entropy secret (never used for human passwords)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def digest_matches(secret: str, stored: str) -> bool:
    return hmac.compare_digest(digest(secret), stored)


# --- signing keys --------------------------------------------------------------------------------


def _pem(private: rsa.RSAPrivateKey) -> bytes:
    return private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())


def key_id(private_pem: str) -> str:
    """A stable key id: the first 16 hex digits of the SHA-256 of the public key (DER)."""
    private = serialization.load_pem_private_key(private_pem.encode(), password=None)
    public_der = private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(public_der).hexdigest()[:16]


@dataclass(frozen=True)
class SigningKeyPair:
    kid: str
    private_pem: str
    public_pem: str

    @classmethod
    def from_pem(cls, private_pem: str) -> "SigningKeyPair":
        private = serialization.load_pem_private_key(private_pem.encode(), password=None)
        if not isinstance(private, rsa.RSAPrivateKey):
            raise ValueError("the signing key must be an RSA private key")
        public = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        return cls(kid=key_id(private_pem), private_pem=private_pem, public_pem=public.decode())

    def jwk(self) -> dict[str, Any]:
        public = jwk.construct(self.public_pem, ALGORITHM).to_dict()
        public.update({"kid": self.kid, "use": "sig", "alg": ALGORITHM})
        return {k: (v.decode() if isinstance(v, bytes) else v) for k, v in public.items()}


def previous_key_paths(current: Path) -> list[Path]:
    """Retired keys kept next to the current one (`<stem>.previous-<n>.pem`), newest first."""
    return sorted(current.parent.glob(f"{current.stem}.previous-*.pem"), reverse=True)


class KeyRing:
    """The current signing key plus retired ones still published in the JWKS."""

    def __init__(self, current: SigningKeyPair, previous: list[SigningKeyPair] | None = None) -> None:
        self.current = current
        self.previous = previous or []

    @classmethod
    def load(cls, path: str | Path, *, create: bool) -> "KeyRing":
        """Read the key at `path` (and retired ones beside it); generate it first when allowed."""
        current = Path(path)
        if not current.is_file():
            if not create:
                raise RuntimeError(f"SIGNING_KEY_PATH {current} does not exist")
            write_new_key(current)
            logger.warning("generated a new development signing key at %s", current)
        previous = [SigningKeyPair.from_pem(p.read_text()) for p in previous_key_paths(current)]
        return cls(SigningKeyPair.from_pem(current.read_text()), previous)

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.jwk() for key in (self.current, *self.previous)]}

    def sign(self, claims: dict[str, Any]) -> str:
        return str(jwt.encode(claims, self.current.private_pem, algorithm=ALGORITHM, headers={"kid": self.current.kid}))


def write_new_key(path: Path) -> None:
    """Write a fresh RSA-2048 private key, readable by the owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(_pem(private))


def rotate_key(path: Path, *, keep: int = 2) -> str:
    """Retire the current key (still published) and make a new one; returns the new kid."""
    if path.is_file():
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
        path.rename(path.parent / f"{path.stem}.previous-{stamp}.pem")
    write_new_key(path)
    for stale in previous_key_paths(path)[keep:]:
        stale.unlink()
    return key_id(path.read_text())


# --- access tokens -------------------------------------------------------------------------------


def access_claims(
    *, sub: str, kind: str, issuer: str, audience: str, ttl_seconds: int, roles: list[str], scope: str,
    username: str | None, name: str | None,
) -> dict[str, Any]:
    """Claims of an access token, exactly as kit.auth.TokenVerifier expects them."""
    now = int(time.time())
    return {
        "sub": sub, "iss": issuer, "aud": audience, "iat": now, "exp": now + ttl_seconds, "jti": uuid.uuid4().hex,
        "typ": "access", "kind": kind, "roles": roles, "scope": scope, "username": username, "name": name,
    }


def basic_credentials(header: str | None) -> tuple[str, str] | None:
    """(client_id, client_secret) from an HTTP Basic Authorization header, if it is one."""
    if not header or not header.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode()
    except (ValueError, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    # RFC 6749 2.3.1: both parts are form-urlencoded before base64.
    return (unquote_plus(client_id), unquote_plus(secret)) if sep else None
