"""Certificate PDFs name their holder and local: a system check refuses a storage that the
site serves to anyone."""

from django.core import checks
from django.test import override_settings

from certificates.checks import check_certificate_storage

FILES = "django.core.files.storage.FileSystemStorage"


def storages(**extra):
    return {
        "default": {"BACKEND": FILES},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        **extra,
    }


def test_a_private_folder_passes(tmp_path):
    private = {"BACKEND": FILES, "OPTIONS": {"location": tmp_path / "private", "base_url": "/p/"}}
    with override_settings(
        MEDIA_ROOT=tmp_path / "media",
        STORAGES=storages(private=private),
        CERTIFICATES_STORAGE_ALIAS="private",
    ):
        assert check_certificate_storage() == []


def test_the_public_media_folder_is_refused(tmp_path):
    with override_settings(
        MEDIA_ROOT=tmp_path / "media", STORAGES=storages(), CERTIFICATES_STORAGE_ALIAS="default"
    ):
        [error] = check_certificate_storage()
    assert error.id == "certificates.E001"
    assert error.level == checks.ERROR
    assert "inside MEDIA_ROOT" in error.msg
    assert 'CERTIFICATES_STORAGE_ALIAS = "private"' in error.hint


def test_a_folder_inside_the_public_media_folder_is_refused(tmp_path):
    inside = {"BACKEND": FILES, "OPTIONS": {"location": tmp_path / "media" / "certificates"}}
    with override_settings(
        MEDIA_ROOT=tmp_path / "media",
        STORAGES=storages(certs=inside),
        CERTIFICATES_STORAGE_ALIAS="certs",
    ):
        assert [e.id for e in check_certificate_storage()] == ["certificates.E001"]


def test_a_storage_that_is_not_defined_is_named(tmp_path):
    with override_settings(STORAGES=storages(), CERTIFICATES_STORAGE_ALIAS="private"):
        [error] = check_certificate_storage()
    assert error.id == "certificates.E002"
    assert "'private'" in error.msg


def test_a_private_folder_without_a_url_of_its_own_passes(tmp_path):
    """A storage with no ``base_url`` answers with MEDIA_URL's prefix, but what is served is
    decided by where the files are."""
    private = {"BACKEND": FILES, "OPTIONS": {"location": tmp_path / "private"}}
    with override_settings(
        MEDIA_ROOT=tmp_path / "media",
        STORAGES=storages(private=private),
        CERTIFICATES_STORAGE_ALIAS="private",
    ):
        assert check_certificate_storage() == []


def test_a_storage_that_cannot_be_opened_is_named_without_stopping_the_checks(tmp_path):
    typo = {"BACKEND": FILES, "OPTIONS": {"locaton": tmp_path / "private"}}
    with override_settings(STORAGES=storages(private=typo), CERTIFICATES_STORAGE_ALIAS="private"):
        [error] = check_certificate_storage()
    assert error.id == "certificates.E003"
    assert "locaton" in error.msg
