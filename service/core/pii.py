"""Personal data at rest: AES-GCM with rotating keys, and a keyed blind index."""

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from sqlalchemy import String, TypeDecorator

from service.config import ConfigError


def _decode_key(text: str) -> bytes:
    text = text.strip()
    try:
        key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except ValueError as exc:
        raise ConfigError("DATA_KEY holds a value that is not base64url") from exc
    if len(key) != 32:
        raise ConfigError("each DATA_KEY must encode exactly 32 bytes")
    return key


class Keyring:
    """Encrypts with the first key, decrypts with any; blind-indexes with one fixed key."""

    def __init__(self, data_keys: str, blind_index_key: str | None = None):
        keys = [_decode_key(k) for k in data_keys.split(",") if k.strip()]
        if not keys:
            raise ConfigError("DATA_KEY is empty")
        self._ciphers = {self._key_id(k): AESGCM(k) for k in keys}
        self._primary = self._key_id(keys[0])
        # The blind index must not change when data keys rotate: it is keyed by the
        # oldest key (the last one) unless BLIND_INDEX_KEY says otherwise.
        seed = _decode_key(blind_index_key) if blind_index_key else keys[-1]
        self._blind_key = hmac.new(seed, b"blind-index", hashlib.sha256).digest()

    @staticmethod
    def _key_id(key: bytes) -> str:
        return hashlib.sha256(key).hexdigest()[:8]

    def encrypt(self, plaintext: str) -> str:
        """Return `keyid:base64(nonce|ciphertext)`."""
        nonce = os.urandom(12)
        sealed = self._ciphers[self._primary].encrypt(
            nonce, plaintext.encode(), self._primary.encode())
        return f"{self._primary}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str) -> str:
        """Open a value sealed by any key of the ring."""
        key_id, _, payload = stored.partition(":")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise ConfigError(f"no DATA_KEY with id {key_id} to decrypt a stored value")
        raw = base64.urlsafe_b64decode(payload)
        return cipher.decrypt(raw[:12], raw[12:], key_id.encode()).decode()

    def blind_index(self, purpose: str, value: str) -> str:
        """A keyed hash for equality look-ups; `purpose` keeps indexes apart."""
        message = f"{purpose}\x00{value}".encode()
        return hmac.new(self._blind_key, message, hashlib.sha256).hexdigest()


def keyring() -> Keyring:
    """The keyring of the current app."""
    ring = current_app.extensions.get("keyring")
    if ring is None:
        ring = Keyring(current_app.config["DATA_KEY"], current_app.config["BLIND_INDEX_KEY"])
        current_app.extensions["keyring"] = ring
    return ring


def blind_index(purpose: str, value: str | None) -> str | None:
    """Blind index of a normalized value, or None."""
    return None if value is None else keyring().blind_index(purpose, value)


class Encrypted(TypeDecorator):
    """A string column stored encrypted; reads give the plaintext back."""

    impl = String(255)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else keyring().encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else keyring().decrypt(value)
