"""The keys that sign Open Badges credentials, and the public keys that verify them.

One private key signs at a time: the configured one (see :func:`conf.signing_key_pem`) or, in
development, one made on first use and kept in the certificates' storage, which is never
served. Every key is named by its JWK thumbprint (RFC 7638), its ``kid``: a credential names
the key that signed it, and the published key set lists the current key and every retired one,
so that a credential signed before a rotation still verifies.
"""

import base64
import hashlib
import json
from dataclasses import dataclass
from functools import lru_cache

from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from jwt.algorithms import ECAlgorithm, OKPAlgorithm

from . import conf

#: Where a key made for development is kept, in the certificates' storage.
GENERATED_KEY_NAME = "open-badges/signing-key.pem"


class SigningKeyUnavailable(Exception):
    """No key can sign: none is configured and none may be made, or the configured one cannot
    be read. ``message`` is fit to show to a member."""

    def __init__(self, detail):
        super().__init__(detail)
        self.message = _("The digital credential is not available at the moment.")


@dataclass(frozen=True)
class SigningKey:
    """A private key, the JOSE algorithm it signs with and its key id."""

    private_key: object
    algorithm: str
    kid: str


def algorithm_for(public_key):
    """The JOSE algorithm of a key: "EdDSA" for Ed25519, "ES256" for ECDSA on P-256."""
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        return "EdDSA"
    if isinstance(public_key, ec.EllipticCurvePublicKey) and public_key.curve.name == "secp256r1":
        return "ES256"
    raise ValueError("Credentials are signed with an Ed25519 or a P-256 (ECDSA) key.")


def _jwk(public_key):
    """The public JWK of ``public_key``, without ``kid``."""
    algorithm = algorithm_for(public_key)
    exporter = OKPAlgorithm if algorithm == "EdDSA" else ECAlgorithm
    return exporter.to_jwk(public_key, as_dict=True)


def key_id(public_key):
    """The JWK thumbprint of ``public_key`` (RFC 7638): the same key always has the same id."""
    jwk = _jwk(public_key)
    members = ("crv", "kty", "x") if jwk["kty"] == "OKP" else ("crv", "kty", "x", "y")
    canonical = json.dumps({name: jwk[name] for name in members}, separators=(",", ":"))
    digest = hashlib.sha256(canonical.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def public_jwk(public_key):
    """The JWK that publishes ``public_key``: its key id, use and algorithm included."""
    return {
        **_jwk(public_key),
        "kid": key_id(public_key),
        "use": "sig",
        "alg": algorithm_for(public_key),
    }


@lru_cache(maxsize=8)
def _load_private(pem):
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    algorithm = algorithm_for(key.public_key())
    return SigningKey(private_key=key, algorithm=algorithm, kid=key_id(key.public_key()))


@lru_cache(maxsize=32)
def load_public_key(pem):
    """A public key from its PEM (that of a private key gives its public key)."""
    data = pem.encode("ascii")
    if b"PRIVATE KEY" in data:
        return serialization.load_pem_private_key(data, password=None).public_key()
    return serialization.load_pem_public_key(data)


def new_private_key_pem():
    """A new Ed25519 private key, in PEM (PKCS #8, unencrypted)."""
    return (
        ed25519.Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode("ascii")
    )


def public_key_pem(public_key):
    """``public_key`` in PEM, as a retired key is listed in the settings."""
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def _generated_key_pem():
    """The development key from the certificates' storage, made and kept there first if none
    is. Two processes making one at once keep the first one stored."""
    from .models import certificate_storage

    storage = certificate_storage()
    if not storage.exists(GENERATED_KEY_NAME):
        stored_as = storage.save(GENERATED_KEY_NAME, ContentFile(new_private_key_pem()))
        if stored_as != GENERATED_KEY_NAME:  # another process stored one first
            storage.delete(stored_as)
    with storage.open(GENERATED_KEY_NAME, "rb") as key_file:
        return key_file.read().decode("ascii").strip()


def _configured_pem():
    try:
        return conf.signing_key_pem()
    except OSError as problem:
        raise SigningKeyUnavailable(f"The signing key file cannot be read: {problem}") from None


def signing_key():
    """The key that signs now. Raises :class:`SigningKeyUnavailable` when there is none."""
    pem = _configured_pem()
    if not pem:
        if not conf.generates_signing_key():
            raise SigningKeyUnavailable(
                "No signing key: set CERTIFICATES_SIGNING_KEY or CERTIFICATES_SIGNING_KEY_FILE."
            )
        pem = _generated_key_pem()
    try:
        return _load_private(pem)
    except (ValueError, TypeError) as problem:
        raise SigningKeyUnavailable(f"The signing key cannot be used: {problem}") from None


def public_keys():
    """``{kid: public key}``: the current key's, first, then the retired ones'."""
    keys = {}
    try:
        current = signing_key()
    except SigningKeyUnavailable:
        current = None
    if current is not None:
        keys[current.kid] = current.private_key.public_key()
    for pem in conf.retired_public_keys():
        public_key = load_public_key(pem)
        keys.setdefault(key_id(public_key), public_key)
    return keys


def key_set():
    """The JWK set that publishes :func:`public_keys`."""
    return {"keys": [public_jwk(public_key) for public_key in public_keys().values()]}
