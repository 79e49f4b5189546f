"""Personal data at rest: AES-GCM with rotating keys, and a keyed blind index."""

import base64
import binascii
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app
from sqlalchemy import String, TypeDecorator

from service.config import ConfigError
from service.config_rules import decode_key, key_entries

# Column info naming the encrypted column a blind index is computed from (`flask pii reindex`).
BLIND_INDEX_OF = "blind_index_of"
# base64.urlsafe_b64decode in one step: exports open two values a row, millions of rows.
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")


def _decode_keys(name: str, value: str | None) -> list[bytes]:
    entries = key_entries(value)
    if not entries:
        raise ConfigError(f"{name} is empty")
    try:
        return [decode_key(entry) for entry in entries]
    except ValueError as exc:
        raise ConfigError(f"{name}: {exc}") from exc


class Keyring:
    """Encrypts with the first DATA_KEY, decrypts with any; blind-indexes with the first
    BLIND_INDEX_KEY, and looks up under every one of them (while `flask pii reindex` moves
    the index to a new key)."""

    def __init__(self, data_keys: str, blind_index_keys: str):
        keys = _decode_keys("DATA_KEY", data_keys)
        self._ciphers = {self._key_id(k): AESGCM(k) for k in keys}
        self.primary = self._key_id(keys[0])
        self._blind_keys = [hmac.new(seed, b"blind-index", hashlib.sha256).digest()
                            for seed in _decode_keys("BLIND_INDEX_KEY", blind_index_keys)]

    @staticmethod
    def _key_id(key: bytes) -> str:
        return hashlib.sha256(key).hexdigest()[:8]

    def encrypt(self, plaintext: str) -> str:
        """Return `keyid:base64(nonce|ciphertext)`."""
        nonce = os.urandom(12)
        sealed = self._ciphers[self.primary].encrypt(
            nonce, plaintext.encode(), self.primary.encode())
        return f"{self.primary}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str) -> str:
        """Open a value sealed by any key of the ring."""
        key_id, _, payload = stored.partition(":")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise ConfigError(f"no DATA_KEY with id {key_id} to decrypt a stored value")
        raw = binascii.a2b_base64(payload.encode().translate(_FROM_URLSAFE))
        return cipher.decrypt(raw[:12], raw[12:], key_id.encode()).decode()

    def is_current(self, stored: str) -> bool:
        """Whether `stored` is sealed by the newest DATA_KEY (its id leads the value)."""
        return stored.partition(":")[0] == self.primary

    def blind_indexes(self, purpose: str, value: str) -> list[str]:
        """Keyed hashes for equality look-ups, the current key's first; `purpose` keeps
        indexes apart."""
        message = f"{purpose}\x00{value}".encode()
        return [hmac.new(key, message, hashlib.sha256).hexdigest() for key in self._blind_keys]

    def blind_index(self, purpose: str, value: str) -> str:
        """The hash to store: under the current BLIND_INDEX_KEY."""
        return self.blind_indexes(purpose, value)[0]


def keyring() -> Keyring:
    """The keyring of the current app."""
    ring = current_app.extensions.get("keyring")
    if ring is None:
        ring = Keyring(current_app.config["DATA_KEY"], current_app.config["BLIND_INDEX_KEY"])
        current_app.extensions["keyring"] = ring
    return ring


def blind_index(purpose: str, value: str | None) -> str | None:
    """Blind index of a normalized value to store, or None."""
    return None if value is None else keyring().blind_index(purpose, value)


def blind_indexes(purpose: str, value: str) -> list[str]:
    """Every blind index `value` may be stored under (the current key's first)."""
    return keyring().blind_indexes(purpose, value)


def blind_index_of(source: str) -> dict:
    """`info` for a blind-index column of the encrypted column `source` (its purpose too)."""
    return {BLIND_INDEX_OF: source}


def blind_match(column, purpose: str, value: str):
    """SQL: `column` holds the blind index of `value` under any configured key."""
    return column.in_(blind_indexes(purpose, value))


class Encrypted(TypeDecorator):
    """A string column stored encrypted; reads give the plaintext back."""

    impl = String(255)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else keyring().encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else keyring().decrypt(value)
