"""The public pages of certificates: verification, looking a code up, downloading the PDF, and
the certificates section of My learning; who may see what."""

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from certificates import pdf
from certificates.issuing import reissue, revoke
from certificates.models import COMPLETION_WITHDRAWN
from tests.factories import (
    CertificateFactory,
    EnrollmentFactory,
    ParticipantFactory,
    ProgramFactory,
    SessionFactory,
    WorkshopPageFactory,
    make_facilitator_user,
)

pytestmark = pytest.mark.django_db

CODE = "ABCDEFGHJKMNPQRS"
ROLES = [
    "anonymous",
    "holder",
    "another_participant",
    "unassigned_facilitator",
    "assigned_facilitator",
    "staff",
    "superuser",
]
#: Queries My learning makes with the certificates section: those of the courses page
#: (tests/courses/test_my_learning.py, with the home and catalogue links in the reader's
#: language) and one for the certificates.
MY_LEARNING_MAX_QUERIES = 14


@pytest.fixture
def member(participant):
    """The participant record of the signed-in ``participant`` user: the holder."""
    return ParticipantFactory(user=participant, name="Marie Tremblay", email=participant.email)


@pytest.fixture
def certificate(member, session):
    return CertificateFactory(
        enrollment=EnrollmentFactory(session=session, participant=member, completed=True),
        code=CODE,
        completed_on=timezone.localdate(session.ends_at),
        issuer_name="Union Education",
        local_name="Local 3247, Hamilton Health Care",
        facilitator_names="Jordan Lee",
    )


@pytest.fixture
def people(users, facilitator, db):
    """Every role of the permission matrix; ``participant`` holds the certificate, and
    ``facilitator`` facilitated its session."""
    return {
        "anonymous": users["anonymous"],
        "holder": users["participant"],
        "another_participant": users["another_participant"],
        "unassigned_facilitator": make_facilitator_user(username="unassigned"),
        "assigned_facilitator": facilitator,
        "staff": users["staff"],
        "superuser": users["superuser"],
    }


@pytest.fixture
def count_renders(monkeypatch):
    renders = []
    render = pdf.render_certificate

    def counting(certificate):
        renders.append(certificate.pk)
        return render(certificate)

    monkeypatch.setattr(pdf, "render_certificate", counting)
    return renders


# Verification


@pytest.mark.parametrize("role", ROLES)
def test_anyone_may_verify_a_certificate(client_as, people, certificate, role):
    response = client_as(people[role]).get(f"/en/certificates/{CODE}/")

    assert response.status_code == 200
    assert response.context["certificate"] == certificate


def test_a_valid_certificate_shows_its_facts_and_no_other_personal_data(client, certificate):
    response = client.get(f"/en/certificates/{CODE}/")

    html = response.content.decode()
    assert "This certificate is valid" in html
    assert "Marie Tremblay" in html
    assert "Strategic Planning" in html
    assert "<dd>6</dd>" in html
    assert response.context["certificate"].completed_on.strftime("%Y-%m-%d") in html
    assert "Union Education" in html
    assert "ABCD-EFGH-JKMN-PQRS" in html
    for private in (
        certificate.participant.email,
        "Local 3247",
        "Hamilton Health Care",
        "Jordan Lee",
    ):
        assert private not in html
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex"


def test_a_revoked_certificate_still_verifies_as_revoked(client, certificate, staff):
    revoke(certificate.pk, reason="The attendance sheet was signed for someone else", user=staff)

    response = client.get(f"/en/certificates/{CODE}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "This certificate has been revoked" in html
    assert "This certificate is valid" not in html
    certificate.refresh_from_db()
    revoked_on = timezone.localtime(certificate.revoked_at).date()
    assert f"Revoked on {revoked_on:%b}" in html or f"Revoked on {revoked_on:%B}" in html
    assert "The attendance sheet was signed for someone else" in html
    assert "Marie Tremblay" in html


def test_a_reissued_certificate_points_to_its_replacement(client, certificate, staff):
    new = reissue(certificate.pk, holder_name="Marie Tremblay-Roy", user=staff)

    response = client.get(f"/en/certificates/{CODE}/")

    html = response.content.decode()
    assert "This certificate has been revoked" in html
    assert "It was replaced by a corrected certificate." in html
    assert f'href="/en/certificates/{new.code}/"' in html
    assert new.display_code in html
    replacement = client.get(f"/en/certificates/{new.code}/").content.decode()
    assert "This certificate is valid" in replacement
    assert "Marie Tremblay-Roy" in replacement


def test_a_withdrawn_completion_is_explained(client, certificate, staff):
    revoke(certificate.pk, reason=COMPLETION_WITHDRAWN, user=None)

    html = client.get(f"/en/certificates/{CODE}/").content.decode()

    assert "The attendance record was corrected: the workshop was not completed." in html


@pytest.mark.parametrize(
    "typed",
    [
        "abcdefghjkmnpqrs",
        "ABCD-EFGH-JKMN-PQRS",
        "abcd efgh jkmn pqrs",
        "ABCD–EFGH–JKMN–PQRS",  # en dashes, as word processors type them
    ],
)
def test_codes_typed_another_way_lead_to_the_certificate(client, certificate, typed):
    response = client.get(f"/en/certificates/{typed}/")

    assert response.status_code == 301
    assert response["Location"] == f"/en/certificates/{CODE}/"


def test_letters_that_codes_never_use_are_read_as_the_digits_they_look_like(client):
    CertificateFactory(code="0000111122223333")

    response = client.get("/en/certificates/OoOo-IiLl-2222-3333/")

    assert response.status_code == 301
    assert response["Location"] == "/en/certificates/0000111122223333/"


@pytest.mark.parametrize("typed", ["ZZZZ-ZZZZ-ZZZZ-ZZZZ", "not-a-code", "x"])
def test_an_unknown_code_is_a_404_page_with_a_form(client, certificate, typed):
    response = client.get(f"/en/certificates/{typed}/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "We can’t find this certificate" in html
    assert 'action="/en/certificates/"' in html
    assert f'value="{typed}"' in html
    assert '<meta name="robots" content="noindex">' in html


# Looking a code up


def test_the_lookup_form_is_public(client):
    response = client.get("/en/certificates/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_code">Verification code' in html
    assert 'name="code"' in html


@pytest.mark.parametrize("typed", [" abcd-efgh-jkmn-pqrs ", "ABCD EFGH JKMN PQRS", CODE])
def test_the_lookup_finds_codes_however_they_are_typed(client, certificate, typed):
    response = client.get("/en/certificates/", {"code": typed})

    assert response.status_code == 302
    assert response["Location"] == f"/en/certificates/{CODE}/"


@pytest.mark.parametrize("typed", ["", "ABCD", "ABCD-EFGH-JKMN-PQR!", "U" * 16])
def test_a_malformed_code_is_explained_at_the_field_and_kept(client, typed):
    response = client.get("/en/certificates/", {"code": typed})

    assert response.status_code == 200
    html = response.content.decode()
    form = response.context["form"]
    assert form.errors["code"]
    assert 'aria-invalid="true"' in html
    assert "id_code_error" in html
    if typed:
        assert f'value="{typed}"' in html


def test_an_unknown_code_in_the_lookup_is_a_404_with_the_form(client):
    response = client.get("/en/certificates/", {"code": "zzzz-zzzz-zzzz-zzzz"})

    assert response.status_code == 404
    assert 'value="zzzz-zzzz-zzzz-zzzz"' in response.content.decode()


# Downloading


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("holder", 200),
        ("another_participant", 403),
        ("unassigned_facilitator", 403),
        ("assigned_facilitator", 403),
        ("staff", 200),
        ("superuser", 200),
    ],
)
def test_only_the_holder_and_staff_download_the_pdf(client_as, people, certificate, role, status):
    response = client_as(people[role]).get(f"/en/certificates/{CODE}/pdf/")

    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            'attachment; filename="certificate-strategic-planning-marie-tremblay-ABCD.pdf"'
        )
        content = b"".join(response.streaming_content)
        assert content.startswith(b"%PDF-")
        assert "no-cache" in response["Cache-Control"]
    else:
        assert b"%PDF" not in response.content
    if role == "anonymous":
        assert response["Location"] == f"/en/sign-in/?next=/en/certificates/{CODE}/pdf/"


def test_a_second_download_serves_the_stored_file_without_rendering(
    client, participant, certificate, count_renders
):
    client.force_login(participant)

    first = b"".join(client.get(f"/en/certificates/{CODE}/pdf/").streaming_content)
    second = b"".join(client.get(f"/en/certificates/{CODE}/pdf/").streaming_content)

    assert count_renders == [certificate.pk]
    assert first == second


def test_a_download_from_a_code_typed_another_way_works(client, participant, certificate):
    client.force_login(participant)

    response = client.get("/en/certificates/abcd-efgh-jkmn-pqrs/pdf/")

    assert response.status_code == 200


@pytest.mark.parametrize("role", ["anonymous", "holder", "staff"])
def test_an_unknown_code_has_no_file(client_as, people, role):
    assert client_as(people[role]).get("/en/certificates/ZZZZZZZZZZZZZZZZ/pdf/").status_code == 404


def test_a_revoked_certificate_is_not_handed_to_its_holder_again(
    client_as, people, certificate, staff
):
    revoke(certificate.pk, reason="Mistake", user=staff)

    holder = client_as(people["holder"]).get(f"/en/certificates/{CODE}/pdf/")
    assert holder.status_code == 302
    assert holder["Location"] == f"/en/certificates/{CODE}/"

    assert client_as(staff).get(f"/en/certificates/{CODE}/pdf/").status_code == 200


def test_an_inactive_holder_cannot_download(client, participant, certificate):
    client.force_login(participant)
    participant.is_active = False
    participant.save()

    assert client.get(f"/en/certificates/{CODE}/pdf/").status_code in (302, 403)


# My learning


def test_my_learning_lists_the_members_certificates(
    client, participant, member, certificate, staff, my_learning_certificates
):
    program = CertificateFactory(
        kind="program",
        enrollment=None,
        session=None,
        workshop=None,
        participant=member,
        program=ProgramFactory(title="Bargaining Program"),
        title="Bargaining Program",
        hours=Decimal("18"),
    )
    part_day = CertificateFactory(
        enrollment=EnrollmentFactory(participant=member, completed=True),
        title="Leading Meetings",
        hours=Decimal("3.5"),
    )
    revoked = CertificateFactory(
        enrollment=EnrollmentFactory(participant=member, completed=True), title="Withdrawn One"
    )
    revoke(revoked.pk, reason="Mistake", user=staff)
    someone_else = CertificateFactory(title="Not Marie's")
    client.force_login(participant)

    response = client.get("/en/my-learning/")

    html = response.content.decode()
    section = html[html.index('<section aria-labelledby="certificates-heading">') :]
    section = section[: section.index("</section>")]
    for shown in (certificate, program, part_day):
        assert shown.title in section
        assert f'href="/en/certificates/{shown.code}/pdf/"' in section
        assert f'href="/en/certificates/{shown.code}/"' in section
        assert shown.display_code in section
    assert "Program certificate" in section
    # Workshop certificates only: the program's hours are the same hours again.
    assert "Your workshop certificates add up to 9.5 hours." in section
    assert "Withdrawn One" not in section
    assert someone_else.title not in section


def test_my_learning_says_when_there_are_no_certificates_yet(
    client, participant, member, my_learning_certificates
):
    client.force_login(participant)

    html = client.get("/en/my-learning/").content.decode()

    assert "You have no certificates yet." in html


@pytest.mark.parametrize("size", [2, 20])
def test_my_learning_costs_the_same_however_many_certificates(
    client, participant, member, catalogue, my_learning_certificates, size
):
    workshop = WorkshopPageFactory(parent=catalogue)
    for number in range(size):
        session = SessionFactory(
            workshop=workshop, start=timezone.now() - timedelta(days=10 + number)
        )
        CertificateFactory(
            enrollment=EnrollmentFactory(participant=member, session=session, completed=True)
        )
    client.force_login(participant)
    client.get("/en/my-learning/")  # creates the site's settings row once, outside the budget

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/en/my-learning/")

    assert response.status_code == 200
    assert response.content.decode().count("/pdf/") == size
    assert len(queries) <= MY_LEARNING_MAX_QUERIES
    certificate_queries = [q for q in queries if "certificates_certificate" in q["sql"]]
    assert len(certificate_queries) == 1
