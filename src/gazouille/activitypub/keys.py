"""RSA key pairs for actors: generated here, stored as PEM by the caller."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEY_BITS = 2048


class InvalidKey(ValueError):
    """A PEM that is not a usable RSA key."""


@dataclass(frozen=True)
class KeyPair:
    private_pem: str  # PKCS#8, unencrypted
    public_pem: str  # SubjectPublicKeyInfo ("BEGIN PUBLIC KEY"), what actors publish


def _public_pem(key: rsa.RSAPublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def generate_key_pair(bits: int = KEY_BITS) -> KeyPair:
    private = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    return KeyPair(private_pem=private_pem, public_pem=_public_pem(private.public_key()))


@lru_cache(maxsize=256)
def load_private_key(pem: str) -> rsa.RSAPrivateKey:
    try:
        key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise InvalidKey(f"unreadable private key: {exc}") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise InvalidKey("not an RSA private key")
    return key


@lru_cache(maxsize=2048)
def load_public_key(pem: str) -> rsa.RSAPublicKey:
    """An RSA public key from SubjectPublicKeyInfo or PKCS#1 ("BEGIN RSA PUBLIC KEY") PEM."""
    try:
        key = serialization.load_pem_public_key(pem.strip().encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError) as exc:
        raise InvalidKey(f"unreadable public key: {exc}") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise InvalidKey("not an RSA public key")
    return key


def public_pem_of(private_pem: str) -> str:
    return _public_pem(load_private_key(private_pem).public_key())
