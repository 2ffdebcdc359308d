"""Facilitator guides' PDFs, rendered once and kept in a storage that is never served.

A guide's PDF changes only when its page or its workshop's page (the curriculum its agenda is
made from) is published again, so it is rendered once per pair of live revisions and kept, by
default in the private storage (``FACILITATORS_GUIDE_STORAGE_ALIAS``, "private": never the
storage of the site's public media); the download view reads it from there after its
permission checks, and renders and stores it itself if it is not stored yet. Publishing the
guide (or its workshop) queues its rendering in the background.

A file is named ``facilitator-guides/<page id>/<guide revision>-<workshop revision>-<variant>.pdf``.
The variant is a digest of everything else the PDF depends on: when the two revisions were
published (ids come back after a database is restored), the language (the page's own),
the paper size, the start of the day, a version of the layout, and, for a guide printed for a
session, the session's clock (its time zone and its parts' times: nothing else of the session
is printed, so sessions timed alike share a file). Storing a file deletes the page's files of
older revisions; unpublishing or deleting the guide deletes them all, and so does editing a
document (the guide prints its handouts' titles).

A page that has never been published through a revision (made by a script, say) has nothing
to key its file by: its PDF is rendered on each download, as before.
"""

import hashlib
import json
import os
import tempfile

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage, storages

from . import agenda, pdf

FOLDER = "facilitator-guides"
#: Changed when the guide's template changes in a way that must print every guide again.
LAYOUT_VERSION = 1


def guide_storage():
    """Where guides' PDFs are kept: the storage named by ``FACILITATORS_GUIDE_STORAGE_ALIAS``
    ("private" by default), which must not be served: downloads go through the view."""
    alias = getattr(settings, "FACILITATORS_GUIDE_STORAGE_ALIAS", "private")
    return default_storage if alias == "default" else storages[alias]


def generation(page, workshop):
    """``(guide's live revision, workshop's live revision)``; None for a guide that has none."""
    if not page.live_revision_id:
        return None
    return (page.live_revision_id, workshop.live_revision_id or 0)


def variant(page, workshop, session=None):
    """A digest of what the PDF depends on besides the two pages' revision ids."""
    facts = {
        # Revision ids come back after a database is restored from a backup: the times they
        # were published tell those revisions apart.
        "published": [str(page.last_published_at), str(workshop.last_published_at)],
        "layout": LAYOUT_VERSION,
        "language": pdf.guide_language(page),
        "page_size": str(pdf.page_size()),
        "day_starts_at": agenda.day_starts_at().isoformat(),
    }
    if session is not None:
        facts["session"] = {
            "zone": str(agenda.session_zone(session)),
            "starts_at": session.starts_at.isoformat() if session.starts_at else "",
            "parts": [
                [part.starts_at.isoformat(), part.ends_at.isoformat()]
                for part in session.parts.all()
            ],
        }
    encoded = json.dumps(facts, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()[:20]


def folder(page_id):
    return f"{FOLDER}/{page_id}"


def file_name(page_id, revisions, digest):
    return f"{folder(page_id)}/{revisions[0]}-{revisions[1]}-{digest}.pdf"


def revisions_of(filename):
    """The ``(guide revision, workshop revision)`` a stored file's name carries; None for a
    file not named by :func:`file_name` (a file being written, say)."""
    stem, dot, extension = filename.partition(".")
    parts = stem.split("-")
    if extension != "pdf" or len(parts) != 3 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    return (int(parts[0]), int(parts[1]))


def stored_names(storage, page_id):
    """The names of ``page_id``'s stored files (with any file being written)."""
    try:
        _folders, files = storage.listdir(folder(page_id))
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [f"{folder(page_id)}/{filename}" for filename in files]


def _read(storage, name):
    if not storage.exists(name):
        return None
    try:
        with storage.open(name, "rb") as file:
            return file.read()
    except FileNotFoundError:  # deleted meanwhile, by the publishing of a newer revision
        return None


def _store(storage, name, content):
    """Store ``content`` under exactly ``name``, whole: nobody ever reads half a file.

    On disk it is written to a hidden file of the same folder and moved into place; elsewhere
    (object storage) a file appears whole once saved. Two renders of the same missing file may
    both store it (both are the same): the second replaces the first on disk, and a copy saved
    under another name by a storage that does not overwrite is deleted.
    """
    # Only a folder on disk has files to move (others may still answer ``path()``).
    if not isinstance(storage, FileSystemStorage):
        saved = storage.save(name, ContentFile(content))
        if saved != name:
            storage.delete(saved)
        return
    path = storage.path(name)
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=".", suffix=".part")
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
        mode = getattr(storage, "file_permissions_mode", None)
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def delete_older(storage, page_id, revisions):
    """Delete the page's files of revisions older than ``revisions``."""
    for name in stored_names(storage, page_id):
        found = revisions_of(name.rsplit("/", 1)[-1])
        if found is not None and found < revisions:
            storage.delete(name)


def delete_stored(page_id):
    """Delete every stored PDF of the guide ``page_id`` (unpublished or deleted)."""
    storage = guide_storage()
    for name in stored_names(storage, page_id):
        if revisions_of(name.rsplit("/", 1)[-1]) is not None:
            storage.delete(name)


def delete_all_stored():
    """Delete every guide's stored PDF: they are printed again on their next download."""
    storage = guide_storage()
    try:
        page_folders, _files = storage.listdir(FOLDER)
    except (FileNotFoundError, NotADirectoryError):
        return
    for page_id in page_folders:
        if page_id.isdigit():
            delete_stored(int(page_id))


def guide_pdf(page, session=None, workshop=None):
    """The PDF of the live guide ``page`` (for ``session``, if given) as bytes: read from
    storage when it is stored; otherwise rendered, then stored (and the page's files of older
    revisions deleted). ``workshop`` is the guide's, when already at hand."""
    workshop = workshop or page.workshop
    revisions = generation(page, workshop)
    if revisions is None:
        return pdf.render_guide(page, session=session, workshop=workshop)
    storage = guide_storage()
    name = file_name(page.pk, revisions, variant(page, workshop, session))
    content = _read(storage, name)
    if content is None:
        content = pdf.render_guide(page, session=session, workshop=workshop)
        _store(storage, name, content)
        delete_older(storage, page.pk, revisions)
    return content
