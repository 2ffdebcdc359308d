"""A session's certificates in one ZIP file: every valid certificate's PDF under its file name,
revoked ones left out, missing PDFs rendered once; built by a task, kept in storage while the
session's certificates stay the same, and emailed as a link to the staff member who asked."""

import io
import zipfile
from datetime import UTC, datetime

from django.core.files.base import ContentFile
from django.urls import reverse

import pypdf
import pytest

from certificates import archives, pdf
from certificates.archives import (
    archive_filename,
    current_archive,
    fingerprint,
    session_archive,
    session_fingerprint,
    unique_name,
)
from certificates.issuing import reissue, revoke
from certificates.models import certificate_storage
from certificates.tasks import build_session_archive
from courses.choices import SessionStatus
from tests.factories import (
    CertificateFactory,
    EnrollmentFactory,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
)


@pytest.fixture(autouse=True)
def archive_storage(settings):
    """A storage of its own for each test, so that no ZIP is left for the next one."""
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return certificate_storage()


@pytest.fixture
def closed_session(catalogue):
    return SessionFactory(
        workshop=WorkshopPageFactory(parent=catalogue, title="Elections Matter"),
        status=SessionStatus.DELIVERED,
        start=datetime(2031, 9, 16, 13, tzinfo=UTC),
    )


def issue(session, name, stored=True):
    certificate = CertificateFactory(
        enrollment=EnrollmentFactory(
            session=session, participant=ParticipantFactory(name=name), completed=True
        )
    )
    if stored:
        certificate.pdf.save(certificate.pdf_filename(), ContentFile(f"%PDF {name}".encode()))
    return certificate


def open_zip(content):
    return zipfile.ZipFile(io.BytesIO(content))


@pytest.mark.django_db
def test_the_zip_holds_each_valid_certificate_under_its_file_name(closed_session, staff):
    ana = issue(closed_session, "Ana Lima")
    ben = issue(closed_session, "Ben Roy")
    revoked = issue(closed_session, "Carla Diaz")
    revoke(revoked.pk, reason="Issued by mistake.", user=staff)

    archive = open_zip(session_archive(closed_session))

    assert archive.namelist() == [ana.pdf_filename(), ben.pdf_filename()]
    assert archive.read(ana.pdf_filename()) == b"%PDF Ana Lima"
    assert archive.testzip() is None


@pytest.mark.django_db
def test_a_reissued_certificate_is_in_the_zip_in_place_of_the_old_one(closed_session, staff):
    old = issue(closed_session, "Dana Walker")

    new = reissue(old.pk, holder_name="Dana Walker-Smith", user=staff)

    names = open_zip(session_archive(closed_session)).namelist()
    assert len(names) == 1
    assert "dana-walker-smith" in names[0]
    assert names[0].endswith(f"-{new.code[:4]}.pdf")


@pytest.mark.django_db
def test_missing_pdfs_are_rendered_for_the_zip_and_kept(closed_session, monkeypatch):
    certificate = issue(closed_session, "Émilie Fortin", stored=False)
    renders = []
    real_render = pdf.render_certificate
    monkeypatch.setattr(pdf, "render_certificate", lambda c: renders.append(c.pk) or real_render(c))

    first = open_zip(session_archive(closed_session))
    second = open_zip(session_archive(closed_session))

    assert renders == [certificate.pk]
    content = first.read(certificate.pdf_filename())
    assert content == second.read(certificate.pdf_filename())
    assert "Émilie Fortin" in pypdf.PdfReader(io.BytesIO(content)).pages[0].extract_text()


@pytest.mark.django_db
def test_files_are_dated_when_the_certificate_was_issued(closed_session):
    certificate = issue(closed_session, "Ana Lima")
    certificate.issued_at = datetime(2031, 9, 17, 1, 30, tzinfo=UTC)  # the 16th in Toronto
    certificate.save(update_fields=["issued_at"])

    [entry] = open_zip(session_archive(closed_session)).infolist()

    assert entry.date_time == (2031, 9, 16, 21, 30, 0)


@pytest.mark.django_db
def test_a_session_without_certificates_makes_an_empty_zip(closed_session):
    assert open_zip(session_archive(closed_session)).namelist() == []


@pytest.mark.django_db
def test_the_zip_is_named_after_the_workshop_and_the_day(closed_session):
    assert archive_filename(closed_session) == "certificates-elections-matter-2031-09-16.zip"


def test_two_files_of_the_same_name_are_both_kept():
    taken = set()

    names = [unique_name("certificate-ana.pdf", taken) for _ in range(3)]

    assert names == ["certificate-ana.pdf", "certificate-ana-2.pdf", "certificate-ana-3.pdf"]


# Built by a task and kept


def page_url(session):
    return reverse("certificates_admin:session_archive", args=[session.pk])


def download_url(session):
    return reverse("certificates_admin:session_archive_download", args=[session.pk])


@pytest.fixture
def builds(monkeypatch):
    """How many certificates each ZIP holds, one number for each ZIP written."""
    written = []
    real_write = archives.write_archive

    def write(certificates, file):
        written.append(len(certificates))
        real_write(certificates, file)

    monkeypatch.setattr(archives, "write_archive", write)
    return written


def download(client, session):
    response = client.get(download_url(session))
    assert response.status_code == 200, response.get("Location")
    return open_zip(b"".join(response.streaming_content))


@pytest.mark.django_db
def test_the_task_stores_the_zip_under_the_certificates_fingerprint_and_emails_a_link(
    closed_session, staff, mailoutbox
):
    ana = issue(closed_session, "Ana Lima")
    ben = issue(closed_session, "Ben Roy")

    result = build_session_archive.enqueue(closed_session.pk, staff.pk)

    path = f"archives/session-{closed_session.pk}/{fingerprint([ana.code, ben.code])}.zip"
    assert result.return_value == path
    assert current_archive(closed_session) == path
    with certificate_storage().open(path, "rb") as stored:
        archive = open_zip(stored.read())
    assert archive.namelist() == [ana.pdf_filename(), ben.pdf_filename()]
    assert archive.read(ben.pdf_filename()) == b"%PDF Ben Roy"
    [email] = mailoutbox
    assert email.to == ["staff@example.org"]
    assert email.subject == f"Certificates ready to download: {closed_session}"
    assert f"http://testserver{download_url(closed_session)}" in email.body


@pytest.mark.django_db
def test_the_fingerprint_follows_the_valid_certificates_in_any_order(closed_session, staff):
    ana = issue(closed_session, "Ana Lima")
    ben = issue(closed_session, "Ben Roy")
    first = session_fingerprint(closed_session)

    revoke(ben.pk, reason="Issued by mistake.", user=staff)
    without_ben = session_fingerprint(closed_session)
    new = reissue(ana.pk, holder_name="Ana Lima-Silva", user=staff)

    assert first == fingerprint([ben.code, ana.code])
    assert without_ben == fingerprint([ana.code]) != first
    assert session_fingerprint(closed_session) == fingerprint([new.code]) != without_ben


@pytest.mark.django_db
def test_a_stored_zip_is_downloaded_again_without_being_built_again(
    client, closed_session, staff, builds
):
    ana = issue(closed_session, "Ana Lima")
    client.force_login(staff)

    client.post(page_url(closed_session))
    first = download(client, closed_session)
    page = client.get(page_url(closed_session))
    again = client.post(page_url(closed_session))
    second = download(client, closed_session)

    assert builds == [1]
    assert "Download the ZIP" in page.text
    assert again.status_code == 302
    assert first.namelist() == second.namelist() == [ana.pdf_filename()]


@pytest.mark.django_db
def test_after_a_revocation_the_old_zip_is_no_longer_offered(
    client, closed_session, staff, builds, archive_storage
):
    ana = issue(closed_session, "Ana Lima")
    ben = issue(closed_session, "Ben Roy")
    client.force_login(staff)
    client.post(page_url(closed_session))
    old_path = current_archive(closed_session)

    revoke(ben.pk, reason="Issued by mistake.", user=staff)
    page = client.get(page_url(closed_session))
    stale = client.get(download_url(closed_session), follow=True)
    client.post(page_url(closed_session))

    assert "Prepare the ZIP" in page.text
    assert download_url(closed_session) not in page.text
    assert stale.redirect_chain == [(page_url(closed_session), 302)]
    assert "The certificates of this session changed since the ZIP was prepared" in stale.text
    assert download(client, closed_session).namelist() == [ana.pdf_filename()]
    assert builds == [2, 1]
    assert not archive_storage.exists(old_path)  # the old ZIP is deleted once replaced
