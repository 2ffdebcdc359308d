"""Staff enrol a pasted or uploaded list of members: checked as a whole first, then enrolled row
by row through the same rules as everyone else."""

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from courses.choices import EnrollmentSource, EnrollmentStatus, SessionStatus
from courses.models import Enrollment, Participant
from courses.sessions.bulk import parse_rows
from tests.factories import (
    EnrollmentFactory,
    LocalFactory,
    ParticipantFactory,
    SessionFactory,
    WorkshopPageFactory,
)


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Union Structure and Local Officers' Roles")


@pytest.fixture
def locals_(db):
    return {
        "3247": LocalFactory(number="3247", name="Social Services Workers"),
        "4400": LocalFactory(number="4400", name="School Board Workers"),
    }


@pytest.fixture
def session(workshop, locals_):
    return SessionFactory(workshop=workshop, capacity=2)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def bulk_url(session):
    return reverse("wagtailsnippets_courses_session:bulk_enrol", args=[session.pk])


def counts():
    return Participant.objects.count(), Enrollment.objects.count()


@pytest.mark.django_db
def test_one_malformed_row_changes_nothing_and_is_pointed_out(staff_client, session):
    ParticipantFactory(email="already@example.org")
    before = counts()
    text = (
        "Ana Lima, ana@example.org, 3247\n"
        "Ben Roy, ben-at-example.org, 3247\n"
        "Chloé Martin, chloe@example.org, 4400\n"
        "Dev Patel, dev@example.org\n"
    )

    response = staff_client.post(bulk_url(session), {"rows": text})

    assert response.status_code == 200
    assert counts() == before
    assert mail.outbox == []
    problems = response.context["problems"]
    assert [(problem.line, problem.text) for problem in problems] == [
        (2, "Ben Roy, ben-at-example.org, 3247"),
        (4, "Dev Patel, dev@example.org"),
    ]
    assert "is not a valid email address" in str(problems[0].reason)
    assert "Expected 3 values" in str(problems[1].reason)
    assert "Nobody was enrolled: 2 rows need fixing" in response.text
    assert "Line 2" in response.text
    assert response.context["form"]["rows"].value() == text.strip()
    assert "Chloé Martin, chloe@example.org, 4400" in response.text
    assert response.context["form"].errors["rows"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("row", "reason"),
    [
        (",ana@example.org,3247", "The name is missing."),
        ("Ana Lima,,3247", "The email address is missing."),
        ("Ana Lima,ana@example.org,", "Expected 3 values"),
        ("Ana Lima,ana@example.org,99999", "There is no local numbered “99999”."),
        ("Ana Lima,ana@example.org,3247,extra", "Expected 3 values"),
    ],
)
def test_each_kind_of_mistake_is_explained(staff_client, session, row, reason):
    response = staff_client.post(
        bulk_url(session), {"rows": f"Ben Roy,ben@example.org,4400\n{row}"}
    )

    [problem] = response.context["problems"]
    assert problem.line == 2
    assert reason in str(problem.reason)
    assert not Enrollment.objects.exists()


@pytest.mark.django_db
def test_the_same_address_twice_in_a_list_is_a_mistake(staff_client, session):
    text = "Ana Lima,ana@example.org,3247\nAna L.,ANA@example.org,3247"

    response = staff_client.post(bulk_url(session), {"rows": text})

    [problem] = response.context["problems"]
    assert problem.line == 2
    assert "already on line 1" in str(problem.reason)
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_a_good_list_enrols_waitlists_and_refuses_row_by_row(
    staff_client, session, locals_, django_capture_on_commit_callbacks
):
    EnrollmentFactory(session=session, participant=ParticipantFactory(email="already@example.org"))
    text = (
        "Ana Lima, ana@example.org, 3247\n"
        "\n"
        "Already There, ALREADY@example.org, 3247\n"
        "Ben Roy, ben@example.org, Local 4400\n"
        "Chloé Martin, chloe@example.org, local no. 3247\n"
    )

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(bulk_url(session), {"rows": text})

    assert response.status_code == 200
    outcomes = {outcome.row.email: outcome for outcome in response.context["outcomes"]}
    assert outcomes["ana@example.org"].status == EnrollmentStatus.CONFIRMED
    assert outcomes["ALREADY@example.org"].refused
    assert "Already enrolled" in str(outcomes["ALREADY@example.org"].message)
    assert outcomes["ben@example.org"].status == EnrollmentStatus.WAITLISTED
    assert outcomes["ben@example.org"].position == 1
    assert outcomes["chloe@example.org"].position == 2
    assert [outcome.row.line for outcome in response.context["outcomes"]] == [1, 3, 4, 5]
    assert response.context["counts"] == {"confirmed": 1, "waitlisted": 2, "refused": 1}
    assert "Done: 1 enrolled, 2 waitlisted, 1 refused" in response.text
    ben = Participant.objects.get(email="ben@example.org")
    assert ben.local == locals_["4400"]
    assert set(Enrollment.objects.filter(participant=ben).values_list("source", flat=True)) == {
        EnrollmentSource.STAFF
    }
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ana@example.org",
        "ben@example.org",
        "chloe@example.org",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("separator", [",", "\t", ";"], ids=["comma", "tab", "semicolon"])
@pytest.mark.parametrize("header", [True, False], ids=["header", "no-header"])
def test_lists_with_any_separator_and_an_optional_header(staff_client, session, separator, header):
    rows = [["Ana Lima", "ana@example.org", "3247"], ["Ben Roy", "ben@example.org", "4400"]]
    if header:
        rows.insert(0, ["Name", "Email", "Local"])
    text = "\n".join(separator.join(row) for row in rows)

    response = staff_client.post(bulk_url(session), {"rows": text})

    assert response.status_code == 200
    assert not response.context.get("problems")
    assert sorted(Participant.objects.values_list("email", flat=True)) == [
        "ana@example.org",
        "ben@example.org",
    ]
    assert session.enrollments.filter(status=EnrollmentStatus.CONFIRMED).count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_a_csv_file_from_a_spreadsheet_is_enrolled(staff_client, session, encoding):
    content = "Nom,Courriel,Section locale\r\nChloé Martin,chloe@example.org,3247\r\n"
    upload = SimpleUploadedFile("membres.csv", content.encode(encoding), "text/csv")

    response = staff_client.post(bulk_url(session), {"rows": "", "csv_file": upload})

    assert response.status_code == 200
    assert response.context["counts"]["confirmed"] == 1
    assert Participant.objects.get().name == "Chloé Martin"


@pytest.mark.django_db
def test_a_quoted_name_may_hold_the_separator(staff_client, session):
    response = staff_client.post(bulk_url(session), {"rows": '"Lima, Ana",ana@example.org,3247'})

    assert response.context["counts"]["confirmed"] == 1
    assert Participant.objects.get().name == "Lima, Ana"


@pytest.mark.django_db
def test_staff_may_override_prerequisites_for_a_list(staff_client, catalogue, workshop, locals_):
    advanced = WorkshopPageFactory(parent=catalogue, prerequisites=[workshop])
    session = SessionFactory(workshop=advanced)
    text = "Ana Lima,ana@example.org,3247"

    refused = staff_client.post(bulk_url(session), {"rows": text})
    enrolled = staff_client.post(bulk_url(session), {"rows": text, "override_prerequisites": "on"})

    [outcome] = refused.context["outcomes"]
    assert outcome.refused
    assert "Union Structure and Local Officers' Roles" in str(outcome.message)
    assert enrolled.context["counts"]["confirmed"] == 1
    assert session.enrollments.get().status == EnrollmentStatus.CONFIRMED


@pytest.mark.django_db
def test_an_empty_list_asks_for_members(staff_client, session):
    response = staff_client.post(bulk_url(session), {"rows": "  \n \n"})

    assert response.status_code == 200
    assert response.context["form"].errors["rows"] == [
        "Paste the members to enrol, or upload a file."
    ]
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_a_header_alone_enrols_nobody(staff_client, session):
    response = staff_client.post(bulk_url(session), {"rows": "Name,Email,Local"})

    assert response.context["form"].errors["rows"] == ["The list has no members in it."]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [b"\x00\x01\x02\xff\xfe" * 100, b"\xff\xfe\x00\x00", b"a,\x00b,c\n"],
    ids=["binary", "bom-noise", "nul-in-cell"],
)
def test_an_unreadable_file_is_refused_kindly(staff_client, session, content):
    upload = SimpleUploadedFile("members.csv", content, "text/csv")

    response = staff_client.post(bulk_url(session), {"csv_file": upload})

    assert response.status_code == 200
    assert response.context["form"].errors
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_a_file_too_large_is_refused_at_its_field(staff_client, session):
    upload = SimpleUploadedFile("members.csv", b"a,b@example.org,3247\n" * 60_000, "text/csv")

    response = staff_client.post(bulk_url(session), {"csv_file": upload})

    assert response.status_code == 200
    assert "too large" in " ".join(response.context["form"].errors["csv_file"])
    assert not Participant.objects.exists()


@pytest.mark.django_db
def test_a_cancelled_session_takes_no_list(staff_client, workshop, locals_):
    session = SessionFactory(workshop=workshop, status=SessionStatus.CANCELLED)

    page = staff_client.get(bulk_url(session))
    sent = staff_client.post(bulk_url(session), {"rows": "Ana Lima,ana@example.org,3247"})

    assert "Only a scheduled session takes new enrolments." in page.text
    assert not session.enrollments.exists()
    assert all(outcome.refused for outcome in sent.context.get("outcomes", []))


# Reading a list


@pytest.mark.django_db
@pytest.mark.parametrize(
    "written", ["3247", "Local 3247", "local #3247", "#3247", "Section locale 3247", " 3247 "]
)
def test_a_local_number_is_read_however_staff_write_it(staff_client, session, locals_, written):
    response = staff_client.post(bulk_url(session), {"rows": f"Ana Lima,ana@example.org,{written}"})

    assert not response.context.get("problems")
    assert Participant.objects.get().local == locals_["3247"]


@pytest.mark.django_db
def test_parse_rows_reads_blank_lines_headers_and_local_prefixes(locals_):
    rows, problems = parse_rows(
        "Nom;Courriel;Section\n"
        "\n"
        "Ana Lima;ana@example.org;Local 3247\n"
        "Ben Roy;ben@example.org;section locale 4400\n"
        ";;\n"
    )

    assert problems == []
    assert [(row.line, row.name, row.local.number) for row in rows] == [
        (3, "Ana Lima", "3247"),
        (4, "Ben Roy", "4400"),
    ]
