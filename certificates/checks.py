"""System checks of the certificates app: the PDFs, which carry a member's name and local, are
kept where the web server never serves them."""

from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.files.storage import FileSystemStorage, InvalidStorageError

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
    try:
        storage = certificate_storage()
    except InvalidStorageError:
        return [
            checks.Error(
                f"CERTIFICATES_STORAGE_ALIAS names the storage '{alias}', which STORAGES does "
                "not define.",
                hint=f"Define it, for example {EXAMPLE}.",
                id="certificates.E002",
            )
        ]
    media_root = getattr(settings, "MEDIA_ROOT", "")
    public = isinstance(storage, FileSystemStorage) and (
        (media_root and _inside(storage.location, media_root))
        or (settings.MEDIA_URL and storage.base_url == settings.MEDIA_URL)
    )
    if not public:
        return []
    return [
        checks.Error(
            f"Certificate PDFs would be kept in '{storage.location}', which MEDIA_URL serves "
            "to anyone: a certificate names its holder and their local.",
            hint=f"Keep them in a storage that is never served, for example {EXAMPLE}. "
            "Downloads go through the app, which checks who asks.",
            id="certificates.E001",
        )
    ]
