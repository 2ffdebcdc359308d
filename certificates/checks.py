"""System checks of the certificates app: the PDFs, which carry a member's name and local, are
kept where the web server never serves them."""

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
