"""PDFs on and off the web request path: what each of our paths costs next to a fair floor.

The fair floor of a document is a bare WeasyPrint render of the very HTML our path renders,
with a font configuration made once and reused (``HTML(string=html).write_pdf(font_config=…)``):
what any render costs once WeasyPrint is warm. Each measurement alternates its variants, one
round each in turn (their order swapped every round), so that a busy machine slows all alike,
and reports medians. Only counts and status codes are asserted, never a time.

- The sign-in sheet is rendered on each download (it carries live names): the whole view
  (log-in, queries, template, QR code, WeasyPrint with the shared state) against the floor;
  the budget is under 2×. The former path (a new font configuration for each render) is shown
  beside it.
- The facilitator guide is rendered once per published revision and kept: its first download
  (render and store), its next ones (read from storage) and the former per-request render.
- A certificate's issue-and-store path (``issue_for_enrollment``, then, once committed, the
  render task storing the file and the holder's email) against the floor; the budget is 1.25×.
"""

import datetime
import statistics
import time
from contextlib import contextmanager
from functools import partial
from unittest import mock

from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

import pytest

from certificates import pdf as certificate_pdf
from certificates.issuing import issue_for_enrollment
from certificates.models import Certificate
from courses import pdf_rendering
from courses.choices import EnrollmentStatus
from courses.models import Enrollment
from facilitators import guide_pdfs
from facilitators import pdf as facilitator_pdf
from tests.benchmarks.test_certificate_render import completed_enrollments
from tests.concurrency import make_participants
from tests.factories import (
    FacilitatorGuidePageFactory,
    SessionFactory,
    WorkshopPageFactory,
    make_staff_user,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROUNDS = 15
WARM_UP = 3
SHEET_PARTICIPANTS = 30


@pytest.fixture
def storage(tmp_path):
    """PDFs kept in a folder on disk, as on a single server."""
    with override_settings(
        STORAGES={
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": str(tmp_path)},
            },
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
        FACILITATORS_GUIDE_STORAGE_ALIAS="default",
        CERTIFICATES_STORAGE_ALIAS="default",
    ):
        yield tmp_path


@pytest.fixture
def floor():
    """``floor(html)``: a bare WeasyPrint render of ``html`` with a font configuration made
    once (not ours) and reused."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()

    def render(html):
        return HTML(string=html).write_pdf(font_config=font_config)

    return render


def former_render_pdf(html):
    """How the facilitators' PDFs were rendered before: a new font configuration each time."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=["data"])).write_pdf()


@contextmanager
def captured_html():
    """The HTML handed to the shared renderer, in a list."""
    seen = []
    render = pdf_rendering.render_pdf

    def spy(html, stylesheets=()):
        seen.append(html)
        return render(html, stylesheets)

    with mock.patch.object(pdf_rendering, "render_pdf", spy):
        yield seen


def timed(function):
    started = time.perf_counter()
    result = function()
    return result, (time.perf_counter() - started) * 1000


def alternate(variants, rounds=ROUNDS, warm_up=WARM_UP, before=None):
    """``{name: [ms, …]}``: each of ``variants`` (``{name: function}``) run once a round, in
    an order reversed every round, the warm-up rounds left out. ``before(name)``, if given,
    runs untimed before each."""
    names = list(variants)
    times = {name: [] for name in names}
    for number in range(warm_up + rounds):
        for name in names if number % 2 == 0 else reversed(names):
            if before is not None:
                before(name)
            _result, ms = timed(variants[name])
            if number >= warm_up:
                times[name].append(ms)
    return times


def row(label, samples, reference):
    median = statistics.median(samples)
    return [
        label,
        f"{median:.1f}",
        f"{min(samples):.1f}",
        f"{max(samples):.1f}",
        f"{median / statistics.median(reference):.2f}",
    ]


COLUMNS = ["what", "median ms", "min ms", "max ms", "× floor"]


def test_sign_in_sheet_against_the_floor(catalogue, client_as, facilitator, floor, report):
    workshop = WorkshopPageFactory(parent=catalogue, title="Grievance handling")
    session = SessionFactory(
        workshop=workshop, start=timezone.now() + datetime.timedelta(days=3),
        facilitators=[facilitator], capacity=SHEET_PARTICIPANTS,
    )  # fmt: skip
    Enrollment.objects.bulk_create(
        Enrollment(participant=participant, session=session, status=EnrollmentStatus.CONFIRMED)
        for participant in make_participants(SHEET_PARTICIPANTS, prefix="sheet")
    )
    client = client_as(facilitator)
    url = reverse("facilitators:sign_in_sheet", args=[session.pk])
    with captured_html() as seen:
        response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    [html] = seen

    def ours():
        assert client.get(url).status_code == 200

    def former():
        with mock.patch.object(pdf_rendering, "render_pdf", former_render_pdf):
            assert client.get(url).status_code == 200

    times = alternate({"floor": lambda: floor(html), "ours": ours, "former": former})
    with CaptureQueriesContext(connection) as queries:
        ours()

    report(
        f"Sign-in sheet of {SHEET_PARTICIPANTS} participants, rendered on each download: median "
        f"of {ROUNDS} alternating rounds after {WARM_UP} to warm up ({len(queries)} queries "
        "per download)",
        COLUMNS,
        [
            row("floor: bare WeasyPrint render of the same HTML, font config reused",
                times["floor"], times["floor"]),
            row("our download (view, queries, template, QR, shared renderer)",
                times["ours"], times["floor"]),
            row("former download (a new font configuration each time)",
                times["former"], times["floor"]),
        ],
    )  # fmt: skip


def test_guide_first_and_next_downloads(catalogue, client_as, facilitator, storage, floor, report):
    workshop = WorkshopPageFactory(parent=catalogue, title="Grievance handling")
    workshop.save_revision().publish()
    guide = FacilitatorGuidePageFactory(parent=workshop)
    guide.save_revision().publish()
    client = client_as(facilitator)
    url = reverse("facilitators:guide_pdf", args=[guide.pk])
    # Publishing queued the render, which ran once committed.
    assert len(guide_pdfs.stored_names(guide_pdfs.guide_storage(), guide.pk)) == 1
    with captured_html() as seen:
        facilitator_pdf.render_guide(guide)
    [html] = seen
    renders = []
    render_guide = facilitator_pdf.render_guide

    def counting(*args, **kwargs):
        renders.append(1)
        return render_guide(*args, **kwargs)

    def first():
        assert client.get(url).status_code == 200

    def stored():
        assert client.get(url).status_code == 200

    def former():
        def per_request(page, session=None, workshop=None):
            return render_guide(page, session=session, workshop=workshop)

        with (
            mock.patch.object(guide_pdfs, "guide_pdf", per_request),
            mock.patch.object(pdf_rendering, "render_pdf", former_render_pdf),
        ):
            assert client.get(url).status_code == 200

    def before(name):
        if name == "first":
            guide_pdfs.delete_stored(guide.pk)
        elif name == "stored":
            first()  # stored, whatever ran last

    with mock.patch.object(guide_pdfs.pdf, "render_guide", counting):
        times = alternate({"first": first, "stored": stored, "former": former}, before=before)
    # One render per first download, none for the next ones.
    assert len(renders) == ROUNDS + WARM_UP
    [name] = guide_pdfs.stored_names(guide_pdfs.guide_storage(), guide.pk)
    assert storage.joinpath(name).is_file()
    with CaptureQueriesContext(connection) as queries:
        stored()

    floor_times = alternate({"floor": lambda: floor(html)}, rounds=5, warm_up=1)
    report(
        f"Facilitator guide download: median of {ROUNDS} alternating rounds after {WARM_UP} "
        f"to warm up ({len(queries)} queries for a download served from storage)",
        ["what", "median ms", "min ms", "max ms", "× former"],
        [
            row("former: rendered in each request (new font configuration)",
                times["former"], times["former"]),
            row("first download after publishing: render and store",
                times["first"], times["former"]),
            row("next downloads: read from storage", times["stored"], times["former"]),
            row("(floor: bare WeasyPrint render of the same HTML, font config reused)",
                floor_times["floor"], times["former"]),
        ],
    )  # fmt: skip


def test_certificate_issue_and_store_against_the_floor(catalogue, storage, floor, report):
    staff = make_staff_user(username="bench-staff")
    workshop = WorkshopPageFactory(parent=catalogue, title="Strategic Planning")
    count = WARM_UP + ROUNDS
    [session] = completed_enrollments(workshop, count, prefix="pdfpath", per_session=count)
    enrollments = iter(session.enrollments.order_by("pk"))
    certificates = []

    def ours():
        certificates.append(issue_for_enrollment(next(enrollments).pk, user=staff))

    times = {"floor": [], "render": [], "ours": []}
    query_counts = []
    for number in range(count):
        with CaptureQueriesContext(connection) as queries:
            _result, issued = timed(ours)
        certificate = Certificate.objects.get(pk=certificates[-1].pk)
        assert certificate.pdf and storage.joinpath(certificate.pdf.name).is_file()
        html = certificate_pdf.certificate_html(certificate)
        pair = [
            ("floor", partial(floor, html)),
            ("render", partial(certificate_pdf.render_certificate, certificate)),
        ]
        for name, function in pair if number % 2 == 0 else reversed(pair):
            _result, ms = timed(function)
            if number >= WARM_UP:
                times[name].append(ms)
        if number >= WARM_UP:
            times["ours"].append(issued)
            query_counts.append(len(queries))

    assert Certificate.objects.filter(session=session).exclude(pdf="").count() == count
    report(
        f"Certificate issue-and-store on {connection.vendor}: median of {ROUNDS} rounds after "
        f"{WARM_UP} to warm up, issuing alternating with the floor "
        f"({statistics.median(query_counts):.0f} queries per certificate issued)",
        COLUMNS,
        [
            row("floor: bare WeasyPrint render of the same HTML, font config reused",
                times["floor"], times["floor"]),
            row("our render (HTML, QR code, shared renderer)", times["render"], times["floor"]),
            row("our issue-and-store path (issue, render task, storage, email)",
                times["ours"], times["floor"]),
        ],
    )  # fmt: skip
