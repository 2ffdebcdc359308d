"""System checks of the certificates app: the PDFs, which carry a member's name and local, are
kept where the web server never serves them; the key that signs the Open Badges credentials is
there and loads."""

from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.files.storage import FileSystemStorage

EXAMPLE = (
    'STORAGES["private"] = {"BACKEND": "django.core.files.storage.FileSystemStorage", '
    '"OPTIONS": {"location": BASE_DIR / "private-media", "base_url": "/private-media/"}} '
    'and CERTIFICATES_STORAGE_ALIAS = "private"'
)


def _inside(path, folder):
    try:
        Path(path).resolve().relative_to(Path(folder).resolve())
    except ValueError:
        return False
    return True


@checks.register(checks.Tags.security)
def check_certificate_storage(app_configs=None, **kwargs):
    from .models import certificate_storage

    alias = getattr(settings, "CERTIFICATES_STORAGE_ALIAS", "default")
    if alias != "default" and alias not in settings.STORAGES:
        return [
            checks.Error(
                f"CERTIFICATES_STORAGE_ALIAS names the storage '{alias}', which STORAGES does "
                "not define.",
                hint=f"Define it, for example {EXAMPLE}.",
                id="certificates.E002",
            )
        ]
    try:
        storage = certificate_storage()
        location = storage.location if isinstance(storage, FileSystemStorage) else None
    except Exception as problem:  # noqa: BLE001 - a check reports, it never stops the checks
        return [
            checks.Error(
                f"The storage '{alias}' for certificate PDFs cannot be opened: {problem}",
                hint=f"Correct STORAGES['{alias}'], for example {EXAMPLE}.",
                id="certificates.E003",
            )
        ]
    media_root = getattr(settings, "MEDIA_ROOT", "")
    # What a web server serves is decided by where the files are, not by the storage's URL.
    public = location is not None and bool(media_root) and _inside(location, media_root)
    if not public:
        return []
    return [
        checks.Error(
            f"Certificate PDFs would be kept in '{location}', inside MEDIA_ROOT, which the "
            "site serves to anyone: a certificate names its holder and their local.",
            hint=f"Keep them in a storage that is never served, for example {EXAMPLE}. "
            "Downloads go through the app, which checks who asks.",
            id="certificates.E001",
        )
    ]


@checks.register(checks.Tags.security, deploy=True)
def check_signing_key_configured(app_configs=None, **kwargs):
    """Where no key may be made on first use (production), one must be configured.

    A deployment check (``check --deploy``), so that a site upgraded without a key still
    migrates and starts; until a key is set, members are told that their credential is not
    available, and nothing else is affected."""
    from . import conf

    try:
        pem = conf.signing_key_pem()
    except OSError:
        return []  # reported by check_signing_key
    if pem or conf.generates_signing_key():
        return []
    return [
        checks.Error(
            "No key signs the certificates' Open Badges credentials: members cannot download them.",
            hint="Set CERTIFICATES_SIGNING_KEY (an Ed25519 private key in PEM) or "
            "CERTIFICATES_SIGNING_KEY_FILE; docs/deploying.md says how to make one.",
            id="certificates.E004",
        )
    ]


@checks.register(checks.Tags.security)
def check_signing_key(app_configs=None, **kwargs):
    """The configured signing key and the retired public keys load."""
    from . import conf, signing_keys

    errors = []
    try:
        pem = conf.signing_key_pem()
    except OSError as problem:
        pem = ""
        errors.append(
            checks.Error(
                f"CERTIFICATES_SIGNING_KEY_FILE cannot be read: {problem}",
                hint="Point it to the PEM file of the signing key, readable by the site.",
                id="certificates.E005",
            )
        )
    if pem:
        try:
            signing_keys.signing_key()
        except signing_keys.SigningKeyUnavailable as problem:
            errors.append(
                checks.Error(
                    f"The Open Badges signing key cannot be used: {problem}",
                    hint="Give an unencrypted Ed25519 (or P-256) private key in PEM.",
                    id="certificates.E006",
                )
            )
    try:
        for retired in conf.retired_public_keys():
            signing_keys.algorithm_for(signing_keys.load_public_key(retired))
    except (OSError, ValueError, TypeError) as problem:
        errors.append(
            checks.Error(
                f"A key of CERTIFICATES_RETIRED_PUBLIC_KEYS cannot be read: {problem}",
                hint="List the PEM public keys (or the paths of their files) of retired keys.",
                id="certificates.E007",
            )
        )
    return errors
