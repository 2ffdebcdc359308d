"""Every certificate of one session in a single ZIP file, for staff to print or send on."""

import io
import zipfile

from django.utils import timezone
from django.utils.text import slugify

from .pdf import ensure_pdf


def session_certificates(session):
    """The valid certificates issued for the session, by holder name.

    Revoked certificates (including those replaced by a reissued one) are left out: the ZIP
    holds what may be handed out.
    """
    return (
        session.certificates.valid()
        .select_related("template__logo", "template__signature_image")
        .order_by("holder_name", "pk")
    )


def read_pdf(certificate):
    """The certificate's stored PDF, rendered first if it is missing."""
    stored = ensure_pdf(certificate)
    stored.open("rb")
    try:
        return stored.read()
    finally:
        stored.close()


def unique_name(name, taken):
    """``name``, or ``name`` with ``-2``, ``-3`` ... before the extension if already taken."""
    stem, dot, extension = name.rpartition(".")
    candidate, number = name, 1
    while candidate in taken:
        number += 1
        candidate = f"{stem}-{number}{dot}{extension}"
    taken.add(candidate)
    return candidate


def session_archive(session):
    """The bytes of a ZIP file with the PDF of each valid certificate of ``session``.

    Each file is named by ``Certificate.pdf_filename()`` and dated when it was issued. The
    PDFs are stored, not compressed again: they are compressed already.
    """
    buffer = io.BytesIO()
    taken = set()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in session_certificates(session):
            issued = timezone.localtime(certificate.issued_at)
            entry = zipfile.ZipInfo(
                unique_name(certificate.pdf_filename(), taken),
                date_time=max(issued.timetuple()[:6], (1980, 1, 1, 0, 0, 0)),
            )
            entry.compress_type = zipfile.ZIP_STORED
            archive.writestr(entry, read_pdf(certificate))
    return buffer.getvalue()


def archive_filename(session):
    """``certificates-<workshop>-<date>.zip``."""
    day = timezone.localtime(session.starts_at).date().isoformat() if session.starts_at else ""
    parts = ["certificates", slugify(session.workshop.title)[:60], day]
    return "-".join(part for part in parts if part) + ".zip"
