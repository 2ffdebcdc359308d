"""The certificates report: certificates issued per month and revoked since, counted by hand,
its downloads read back, and who may open it."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from certificates.choices import CertificateStatus
from courses.choices import Language
from tests.factories import (
    CertificateFactory,
    DivisionFactory,
    EnrollmentFactory,
    LocalFactory,
    ParticipantFactory,
    ProgramFactory,
    SessionFactory,
    WorkshopPageFactory,
)


@pytest.fixture(autouse=True)
def every_session_on_record(settings):
    """The reports here are read over every session on record, not only the current program
    year they open on (see ``test_reports_program_year.py``)."""
    settings.EDUCATION_PROGRAM_YEAR_START = None


URL = "/admin/certificate-reports/"
TORONTO = ZoneInfo("America/Toronto")


def at(month, day):
    return datetime(2025, month, day, 16, tzinfo=TORONTO)


@pytest.fixture
def certificates(catalogue):
    """March 2025: three workshop certificates of Bargaining (6 h), one revoked, one in French
    for a Nova Scotia member. April 2025: one of Bullying (3 h) and one program certificate
    (12 h)."""
    ontario = DivisionFactory(name="Ontario")
    nova_scotia = DivisionFactory(name="Nova Scotia")
    program = ProgramFactory(title="Bargaining Program")
    bargaining = WorkshopPageFactory(parent=catalogue, title="Bargaining", program=program)
    bullying = WorkshopPageFactory(parent=catalogue, title="Bullying", duration_hours=3)

    def certificate(workshop, issued_at, division=ontario, **kwargs):
        participant = ParticipantFactory(local=LocalFactory(division=division))
        enrollment = EnrollmentFactory(
            participant=participant,
            session=SessionFactory(workshop=workshop, start=issued_at),
            completed=True,
        )
        return CertificateFactory(enrollment=enrollment, issued_at=issued_at, **kwargs)

    certificate(bargaining, at(3, 5))
    certificate(
        bargaining,
        at(3, 6),
        status=CertificateStatus.REVOKED,
        revoked_at=at(4, 2),
        revoked_reason="Entered by mistake",
    )
    certificate(bargaining, at(3, 20), division=nova_scotia, language=Language.FRENCH)
    certificate(bullying, at(4, 9))
    CertificateFactory(
        kind="program",
        enrollment=None,
        session=None,
        workshop=None,
        program=program,
        participant=ParticipantFactory(local=LocalFactory(division=ontario)),
        holder_name="Program holder",
        title="Bargaining Program",
        hours=12,
        issued_at=at(4, 28),
    )
    return {"program": program, "nova_scotia": nova_scotia, "bullying": bullying}


def figures(response):
    return [
        (
            row["month"].isoformat(),
            row["issued"],
            row["workshop"],
            row["program"],
            row["revoked"],
            row["valid"],
            float(row["hours"]),
        )
        for row in response.context["object_list"]
    ]


@pytest.mark.django_db
def test_certificates_per_month(client_as, staff, certificates):
    response = client_as(staff).get(URL)

    assert response.status_code == 200
    assert figures(response) == [
        ("2025-04-01", 2, 1, 1, 0, 2, 15.0),
        ("2025-03-01", 3, 3, 0, 1, 2, 12.0),
    ]
    assert "March 2025" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"period_from": "2025-04-01"}, [("2025-04-01", 2, 1, 1, 0, 2, 15.0)]),
        ({"language": "fr"}, [("2025-03-01", 1, 1, 0, 0, 1, 6.0)]),
        ({"division": "NS"}, [("2025-03-01", 1, 1, 0, 0, 1, 6.0)]),
        ({"workshop": "BULLYING"}, [("2025-04-01", 1, 1, 0, 0, 1, 3.0)]),
        (
            {"program": "PROGRAM"},
            [("2025-04-01", 1, 0, 1, 0, 1, 12.0), ("2025-03-01", 3, 3, 0, 1, 2, 12.0)],
        ),
    ],
    ids=["period", "language", "division", "workshop", "program"],
)
def test_certificate_report_filters(client_as, staff, certificates, params, expected):
    values = {
        "NS": certificates["nova_scotia"].pk,
        "BULLYING": certificates["bullying"].pk,
        "PROGRAM": certificates["program"].pk,
    }
    params = {key: values.get(value, value) for key, value in params.items()}

    response = client_as(staff).get(URL, params)

    assert figures(response) == expected


@pytest.mark.django_db
def test_certificate_report_downloads(client_as, staff, certificates):
    client = client_as(staff)

    lines = list(
        csv.reader(
            io.StringIO(b"".join(client.get(URL, {"export": "csv"}).streaming_content).decode())
        )
    )
    workbook = load_workbook(
        io.BytesIO(b"".join(client.get(URL, {"export": "xlsx"}).streaming_content))
    )
    sheet = [list(row) for row in workbook.active.iter_rows(values_only=True)]

    assert lines == [
        [
            "Month",
            "Issued",
            "Workshop certificates",
            "Program certificates",
            "Revoked since",
            "Valid",
            "Hours on valid certificates",
        ],
        ["2025-04-01", "2", "1", "1", "0", "2", "15.00"],
        ["2025-03-01", "3", "3", "0", "1", "2", "12.00"],
    ]
    assert sheet[0] == lines[0]
    assert [row[0].isoformat()[:10] for row in sheet[1:]] == ["2025-04-01", "2025-03-01"]
    assert [row[1:] for row in sheet[1:]] == [[2, 1, 1, 0, 2, 15], [3, 3, 0, 1, 2, 12]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("participant", False),
        ("another_participant", False),
        ("facilitator", False),
        ("staff", True),
        ("superuser", True),
    ],
)
def test_only_staff_open_the_certificates_report(client_as, users, certificates, role, allowed):
    client = client_as(users[role])

    page = client.get(URL)
    export = client.get(URL, {"export": "csv"})

    if allowed:
        assert page.status_code == export.status_code == 200
    else:
        assert page.status_code in (302, 403)
        assert export.status_code in (302, 403)


@pytest.mark.django_db
def test_certificate_report_queries_do_not_grow(
    client_as, staff, certificates, catalogue, django_assert_max_num_queries
):
    client = client_as(staff)
    client.get(URL)
    with django_assert_max_num_queries(18):
        client.get(URL)
    for _ in range(20):
        CertificateFactory()
    with django_assert_max_num_queries(18):
        response = client.get(URL)

    assert response.status_code == 200
