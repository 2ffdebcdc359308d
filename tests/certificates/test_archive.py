"""A session's certificates in one ZIP file: every valid certificate's PDF under its file name,
revoked ones left out, missing PDFs rendered once."""

import io
import zipfile
from datetime import UTC, datetime

from django.core.files.base import ContentFile

import pypdf
import pytest

from certificates import pdf
from certificates.archives import archive_filename, session_archive, unique_name
from certificates.issuing import reissue, revoke
from courses.choices import SessionStatus
from tests.factories import (
    CertificateFactory,
    EnrollmentFactory,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
)


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
