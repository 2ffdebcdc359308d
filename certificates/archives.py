"""Every certificate of one session in a single ZIP file, for staff to print or send on.

A session's ZIP is built in a worker (``certificates.tasks.build_session_archive``) and kept in
the certificates storage at ``archives/session-<pk>/<fingerprint>.zip``. The fingerprint is made
from the codes of the certificates in it: when a certificate is issued, revoked or reissued,
the session's fingerprint changes, and the stored ZIP is no longer the current one.
"""

import hashlib
import io
import tempfile
import zipfile

from django.core.files import File
from django.utils import timezone
from django.utils.text import slugify

from .models import certificate_storage
from .pdf import ensure_pdf

ARCHIVE_FOLDER = "archives"


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


def write_archive(certificates, file):
    """Write a ZIP file with the PDF of each of ``certificates`` to the open binary ``file``.

    Each file is named by ``Certificate.pdf_filename()`` and dated when it was issued. The
    PDFs are stored, not compressed again: they are compressed already.
    """
    taken = set()
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in certificates:
            issued = timezone.localtime(certificate.issued_at)
            entry = zipfile.ZipInfo(
                unique_name(certificate.pdf_filename(), taken),
                date_time=max(issued.timetuple()[:6], (1980, 1, 1, 0, 0, 0)),
            )
            entry.compress_type = zipfile.ZIP_STORED
            archive.writestr(entry, read_pdf(certificate))


def session_archive(session):
    """The bytes of a ZIP file with the PDF of each valid certificate of ``session``."""
    buffer = io.BytesIO()
    write_archive(session_certificates(session), buffer)
    return buffer.getvalue()


def fingerprint(codes):
    """What a ZIP of the certificates with these codes is stored as: a hash of the sorted
    codes, the same for the same certificates whatever their order."""
    digest = hashlib.sha256("\n".join(sorted(codes)).encode("ascii"))
    return digest.hexdigest()[:32]


def session_fingerprint(session):
    return fingerprint(session_certificates(session).values_list("code", flat=True))


def session_folder(session_id):
    return f"{ARCHIVE_FOLDER}/session-{session_id}"


def archive_path(session_id, digest):
    return f"{session_folder(session_id)}/{digest}.zip"


def current_archive(session):
    """The storage path of the ZIP of the session's valid certificates as they are now, or
    ``None`` when it is not built yet (or was built before a certificate changed)."""
    path = archive_path(session.pk, session_fingerprint(session))
    return path if certificate_storage().exists(path) else None


def store_session_archive(session):
    """Build the ZIP of the session's valid certificates, store it, and return its path.

    A ZIP of the same certificates already stored is kept as it is. Older ZIPs of the session
    are deleted: they hold certificates revoked since, or lack ones issued since.
    """
    storage = certificate_storage()
    certificates = list(session_certificates(session))
    path = archive_path(session.pk, fingerprint(c.code for c in certificates))
    if not storage.exists(path):
        with tempfile.TemporaryFile() as file:
            write_archive(certificates, file)
            file.seek(0)
            saved = storage.save(path, File(file))
        if saved != path:  # another worker stored the same ZIP meanwhile
            storage.delete(saved)
    delete_older_archives(session.pk, keep=path)
    return path


def delete_older_archives(session_id, keep):
    storage = certificate_storage()
    folder = session_folder(session_id)
    try:
        _folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in files:
        path = f"{folder}/{name}"
        if path != keep:
            storage.delete(path)


def archive_filename(session):
    """``certificates-<workshop>-<date>.zip``."""
    day = session.first_day().isoformat() if session.starts_at else ""
    parts = ["certificates", slugify(session.workshop.title)[:60], day]
    return "-".join(part for part in parts if part) + ".zip"
