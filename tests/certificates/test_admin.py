"""Education staff find, inspect, revoke, reissue, issue and download certificates in the admin,
and preview certificate templates as PDFs; nobody else gets in."""

import io
import zipfile
from datetime import UTC, datetime, timedelta

from django.core.files.base import ContentFile
from django.urls import NoReverseMatch, reverse

from wagtail.log_actions import registry as log_registry
from wagtail.models import ModelLogEntry
from wagtail.permissions import policy_registry

import pypdf
import pytest

from certificates import admin_views
from certificates.choices import CertificateKind, CertificateStatus
from certificates.issuing import revoke
from certificates.models import REISSUED, Certificate, CertificateTemplate, certificate_storage
from courses.choices import EnrollmentStatus, SessionStatus
from tests.factories import (
    AttendanceFactory,
    CertificateFactory,
    CertificateTemplateFactory,
    EnrollmentFactory,
    FacilitatorFactory,
    ParticipantFactory,
    ProgramFactory,
    SessionFactory,
    WorkshopPageFactory,
)

#: Queries a warm certificate list makes, whatever the number of certificates. Measured at 16:
#: most are the admin's own (session, user, permissions, profile, locales, menu); the filters'
#: session (checked, then listed), workshops (2) and programs; a count and one page of
#: certificates.
CERTIFICATE_LIST_MAX_QUERIES = 16

#: A code chosen so that the tests can type it in several ways.
CODE = "0123456789ABCDEF"


def url(name, *args):
    return reverse(f"certificates_admin:{name}", args=args)


def template_url(name, *args):
    return reverse(f"wagtailsnippets_certificates_certificatetemplate:{name}", args=args)


def refused(response):
    """Wagtail answers 403, or sends the user to the dashboard or the log-in page."""
    return response.status_code == 403 or (
        response.status_code == 302
        and (response.url == "/admin/" or response.url.startswith("/admin/login/"))
    )


def with_stored_pdf(certificate):
    """Give the certificate a stored file, so that a download does not render one."""
    certificate.pdf.save(
        certificate.pdf_filename(), ContentFile(b"%PDF-1.4 stored " + certificate.code.encode())
    )
    return certificate


def listed(response):
    return {certificate.pk for certificate in response.context["object_list"]}


@pytest.fixture
def workshop(catalogue):
    return WorkshopPageFactory(parent=catalogue, title="Handling Conflict")


@pytest.fixture
def closed_session(workshop, facilitator):
    """A closed session of the workshop, its facilitator assigned, with one completion."""
    return SessionFactory(
        workshop=workshop,
        status=SessionStatus.DELIVERED,
        start=datetime(2031, 3, 4, 14, tzinfo=UTC),
        facilitators=[facilitator],
    )


@pytest.fixture
def certificate(closed_session):
    participant = ParticipantFactory(name="Marie Tremblay", email="marie@example.org")
    enrollment = EnrollmentFactory(session=closed_session, participant=participant, completed=True)
    return with_stored_pdf(CertificateFactory(enrollment=enrollment, code=CODE))


# Who may come in


ADMIN_PAGES = [
    ("index", "get"),
    ("inspect", "get"),
    ("history", "get"),
    ("download", "get"),
    ("revoke", "get"),
    ("revoke", "post"),
    ("reissue", "get"),
    ("reissue", "post"),
    ("issue_choose", "get"),
    ("issue_choose", "post"),
    ("issue", "get"),
    ("issue", "post"),
    ("session_archive", "get"),
    ("session_archive", "post"),
    ("session_archive_download", "get"),
    ("template_list", "get"),
    ("template_edit", "get"),
    ("template_preview", "get"),
]


def admin_url(name, certificate):
    if name == "index" or name == "issue_choose":
        return url(name)
    if name == "issue":
        return url(name, certificate.enrollment_id)
    if name in ("session_archive", "session_archive_download"):
        return url(name, certificate.session_id)
    if name == "template_list":
        return template_url("list")
    if name == "template_edit":
        return template_url("edit", certificate.template_id)
    if name == "template_preview":
        return template_url("preview_pdf", certificate.template_id)
    return url(name, certificate.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["anonymous", "participant", "another_participant", "facilitator"])
@pytest.mark.parametrize(("name", "method"), ADMIN_PAGES)
def test_only_staff_reach_the_certificate_admin(
    archive_storage, client_as, users, certificate, role, name, method
):
    """Even the facilitator of the certificate's session: closing it is what issues them."""
    data = {
        "reason": "Revoked by someone else",
        "holder_name": "Someone Else",
        "session": certificate.session_id,
        "person": "marie@example.org",
    }

    response = getattr(client_as(users[role]), method)(admin_url(name, certificate), data)

    assert refused(response), (response.status_code, response.get("Location"))
    assert response.get("Content-Type", "").split(";")[0] not in (
        "application/pdf",
        "application/zip",
    )
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    assert certificate.holder_name == "Marie Tremblay"
    assert Certificate.objects.count() == 1
    assert not archive_storage.exists(f"archives/session-{certificate.session_id}")


@pytest.mark.django_db
def test_an_unassigned_facilitator_is_refused_too(archive_storage, client, certificate):
    other = FacilitatorFactory(certified_workshops=[certificate.workshop]).user
    client.force_login(other)

    for name in (
        "index",
        "inspect",
        "download",
        "session_archive",
        "session_archive_download",
        "template_preview",
    ):
        assert refused(client.get(admin_url(name, certificate))), name
    assert refused(client.post(admin_url("session_archive", certificate)))
    assert not archive_storage.exists(f"archives/session-{certificate.session_id}")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "superuser"])
@pytest.mark.parametrize(
    "name",
    [
        "index",
        "inspect",
        "history",
        "download",
        "revoke",
        "reissue",
        "issue_choose",
        "issue",
        "session_archive",
        "template_list",
        "template_edit",
    ],
)
def test_staff_reach_every_certificate_page(client_as, users, certificate, role, name):
    response = client_as(users[role]).get(admin_url(name, certificate))

    assert response.status_code == 200


@pytest.mark.django_db
def test_nobody_adds_edits_or_deletes_a_certificate_through_a_form(certificate, superuser, staff):
    policy = policy_registry.get_by_type(Certificate)

    for user in (staff, superuser):
        assert not policy.user_has_permission(user, "delete")
    for name in ("add", "edit", "delete", "copy"):
        with pytest.raises(NoReverseMatch):
            url(name, certificate.pk)


@pytest.mark.django_db
def test_a_missing_certificate_or_session_is_not_found(client, staff):
    client.force_login(staff)

    for name in (
        "inspect",
        "download",
        "revoke",
        "reissue",
        "issue",
        "session_archive",
        "session_archive_download",
    ):
        assert client.get(url(name, 987654)).status_code == 404, name
    assert client.post(url("session_archive", 987654)).status_code == 404


@pytest.mark.django_db
def test_certificates_are_in_the_education_menu(client, staff, certificate):
    client.force_login(staff)

    response = client.get("/admin/")

    assert url("index") in response.text
    assert template_url("list") in response.text


# The list


@pytest.mark.django_db
def test_staff_list_certificates_with_their_codes(client, staff, certificate):
    client.force_login(staff)

    response = client.get(url("index"))

    assert response.status_code == 200
    assert "0123-4567-89AB-CDEF" in response.text
    assert "Marie Tremblay" in response.text
    assert "Handling Conflict" in response.text
    assert url("inspect", certificate.pk) in response.text
    assert url("revoke", certificate.pk) in response.text
    assert url("reissue", certificate.pk) in response.text
    assert url("download", certificate.pk) in response.text
    assert url("issue_choose") in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    [
        "0123-4567-89AB-CDEF",
        "0123456789abcdef",
        "o123 4567 89ab cdef",  # a letter O for the zero, spaces between the groups
        " 0123–4567–89AB–CDEF ",  # en dashes
        "89ab-cdef",  # part of it
        "Tremblay",
        "marie tremblay",
        "MARIE@example.org",
    ],
)
def test_staff_find_a_certificate_by_code_however_typed_or_by_name(
    client, staff, certificate, closed_session, typed
):
    other = CertificateFactory(
        enrollment=EnrollmentFactory(
            session=closed_session,
            participant=ParticipantFactory(name="Ben Roy", email="ben@example.org"),
            completed=True,
        )
    )
    client.force_login(staff)

    response = client.get(url("index"), {"q": typed})

    assert listed(response) == {certificate.pk}
    assert other.pk not in listed(response)


@pytest.fixture
def various(catalogue, workshop, closed_session):
    """Certificates that differ by status, workshop, program, session and date."""
    other_workshop = WorkshopPageFactory(parent=catalogue, title="Elections Matter")
    other_session = SessionFactory(workshop=other_workshop, status=SessionStatus.DELIVERED)
    program = ProgramFactory(title="Local Executive Training", issues_certificate=True)
    june = datetime(2031, 6, 10, 15, tzinfo=UTC)

    def issued(session, when, **kwargs):
        return CertificateFactory(
            enrollment=EnrollmentFactory(session=session, completed=True),
            issued_at=when,
            **kwargs,
        )

    conflict = issued(closed_session, june)
    elections = issued(other_session, june + timedelta(days=40))
    revoked = issued(other_session, june - timedelta(days=300))
    revoke(revoked.pk, reason="Issued by mistake.", user=None)
    holder = ParticipantFactory()
    program_certificate = CertificateFactory(
        kind=CertificateKind.PROGRAM,
        enrollment=None,
        session=None,
        workshop=None,
        participant=holder,
        holder_name=holder.name,
        program=program,
        title=program.title,
        hours=12,
        issued_at=june + timedelta(days=1),
    )
    return {
        "conflict": conflict,
        "elections": elections,
        "revoked": revoked,
        "program": program_certificate,
        "other_workshop": other_workshop,
        "other_session": other_session,
    }


@pytest.mark.django_db
def test_staff_filter_certificates(client, staff, workshop, closed_session, various):
    client.force_login(staff)
    pk = {name: value.pk for name, value in various.items()}

    by_status = client.get(url("index"), {"status": CertificateStatus.REVOKED})
    by_kind = client.get(url("index"), {"kind": CertificateKind.PROGRAM})
    by_workshop = client.get(url("index"), {"workshop": various["other_workshop"].pk})
    by_program = client.get(url("index"), {"program": various["program"].program_id})
    by_session = client.get(url("index"), {"session": closed_session.pk})
    by_date = client.get(
        url("index"), {"issued_at_from": "2031-06-10", "issued_at_to": "2031-06-30"}
    )

    assert listed(by_status) == {pk["revoked"]}
    assert listed(by_kind) == {pk["program"]}
    assert listed(by_workshop) == {pk["elections"], pk["revoked"]}
    assert listed(by_program) == {pk["program"]}
    assert listed(by_session) == {pk["conflict"]}
    assert listed(by_date) == {pk["conflict"], pk["program"]}


@pytest.mark.django_db
def test_the_list_filtered_by_a_session_offers_its_zip_file(client, staff, closed_session, various):
    client.force_login(staff)

    filtered = client.get(url("index"), {"session": closed_session.pk})
    unfiltered = client.get(url("index"))

    assert url("session_archive", closed_session.pk) in filtered.text
    assert "Download certificates (ZIP)" in filtered.text
    assert "Download certificates (ZIP)" not in unfiltered.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"workshop": "nonsense"},
        {"status": "\x00"},
        {"session": "-1"},
        {"issued_at_from": "not a date", "issued_at_to": "2031-13-45"},
        {"kind": "x" * 5000},
        {"q": "\x00" * 3},
        {"q": "-" * 300},
        {"ordering": "pdf"},
    ],
)
def test_garbage_filters_never_break_the_list(client, staff, various, query):
    client.force_login(staff)

    assert client.get(url("index"), query).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("size", [5, 40])
def test_the_certificate_list_costs_the_same_however_many_certificates(
    client, staff, catalogue, django_assert_max_num_queries, size
):
    sessions = [
        SessionFactory(workshop=WorkshopPageFactory(parent=catalogue), status="delivered")
        for _ in range(3)
    ]
    for number in range(size):
        CertificateFactory(
            enrollment=EnrollmentFactory(session=sessions[number % 3], completed=True)
        )
    client.force_login(staff)
    client.get(url("index"))

    with django_assert_max_num_queries(CERTIFICATE_LIST_MAX_QUERIES):
        response = client.get(url("index"), {"session": sessions[0].pk})

    assert response.status_code == 200
    assert len(response.context["object_list"]) == min(-(-size // 3), 20)


# One certificate


@pytest.mark.django_db
def test_staff_inspect_a_certificate(client, staff, certificate):
    client.force_login(staff)

    response = client.get(url("inspect", certificate.pk))

    assert "0123-4567-89AB-CDEF" in response.text
    assert "Marie Tremblay" in response.text
    assert "This certificate is valid." in response.text
    assert certificate.get_absolute_url() in response.text
    assert url("history", certificate.pk) in response.text


@pytest.mark.django_db
def test_staff_download_the_stored_pdf(client, staff, certificate):
    client.force_login(staff)

    response = client.get(url("download", certificate.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert certificate.pdf_filename() in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4 stored " + CODE.encode()


@pytest.mark.django_db
def test_a_missing_pdf_is_rendered_for_the_download(client, staff, closed_session):
    certificate = CertificateFactory(
        enrollment=EnrollmentFactory(session=closed_session, completed=True),
        holder_name="Amira Saleh",
    )
    client.force_login(staff)

    response = client.get(url("download", certificate.pk))

    text = pypdf.PdfReader(io.BytesIO(b"".join(response.streaming_content))).pages[0].extract_text()
    assert "Amira Saleh" in text
    certificate.refresh_from_db()
    assert certificate.pdf_rendered_at is not None


# Revoking


@pytest.mark.django_db
def test_staff_revoke_a_certificate_with_a_reason(client, staff, certificate):
    client.force_login(staff)
    confirm = client.get(url("revoke", certificate.pk))
    assert "Revoke this certificate?" in confirm.text

    response = client.post(
        url("revoke", certificate.pk), {"reason": "  Issued by mistake.  "}, follow=True
    )

    assert response.redirect_chain[-1][0] == url("inspect", certificate.pk)
    assert "The certificate of Marie Tremblay is revoked" in response.text
    assert "Reason: Issued by mistake." in response.text
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revoked_reason == "Issued by mistake."
    assert certificate.revoked_by == staff
    entry = ModelLogEntry.objects.get(action="certificates.revoke", object_id=str(certificate.pk))
    assert entry.user == staff
    history = client.get(url("history", certificate.pk))
    assert "Revoked: Issued by mistake." in history.text


@pytest.mark.django_db
@pytest.mark.parametrize("reason", ["", "   \n  "])
def test_revoking_without_a_reason_says_so_at_the_field(client, staff, certificate, reason):
    client.force_login(staff)

    response = client.post(url("revoke", certificate.pk), {"reason": reason})

    assert response.status_code == 200
    assert response.context["form"].errors["reason"] == ["Say why the certificate is revoked."]
    assert 'aria-invalid="true"' in response.text
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


@pytest.mark.django_db
def test_a_too_long_reason_is_kept_for_correction(client, staff, certificate):
    client.force_login(staff)
    reason = "Issued by mistake. " * 60

    response = client.post(url("revoke", certificate.pk), {"reason": reason})

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert "Issued by mistake. Issued by mistake." in response.text
    certificate.refresh_from_db()
    assert certificate.is_valid


@pytest.mark.django_db
def test_a_revoked_certificate_cannot_be_revoked_again(client, staff, certificate):
    revoke(certificate.pk, reason="First time.", user=staff)
    client.force_login(staff)

    page = client.get(url("revoke", certificate.pk))
    response = client.post(url("revoke", certificate.pk), {"reason": "Second time."})

    assert "This certificate is already revoked." in page.text
    assert response.status_code == 200
    assert "This certificate is already revoked." in response.text
    certificate.refresh_from_db()
    assert certificate.revoked_reason == "First time."


# Reissuing


@pytest.mark.django_db
def test_staff_reissue_a_certificate_with_a_corrected_name(client, staff, certificate):
    client.force_login(staff)
    form = client.get(url("reissue", certificate.pk))
    assert 'value="Marie Tremblay"' in form.text
    assert "revoked with the reason “reissued”" in form.text

    response = client.post(
        url("reissue", certificate.pk), {"holder_name": "Marie-Ève  Tremblay"}, follow=True
    )

    certificate.refresh_from_db()
    new = certificate.replaced_by
    assert response.redirect_chain[-1][0] == url("inspect", new.pk)
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revoked_reason == REISSUED
    assert new.holder_name == "Marie-Ève Tremblay"
    assert new.is_valid
    assert new.code != certificate.code
    assert (new.title, new.hours, new.enrollment_id) == (
        certificate.title,
        certificate.hours,
        certificate.enrollment_id,
    )
    assert new.issued_by == staff
    assert "replaces 0123-4567-89AB-CDEF" in response.text
    old_page = client.get(url("inspect", certificate.pk))
    assert url("inspect", new.pk) in old_page.text
    assert "Reason: reissued with a corrected name." in old_page.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "Enter the name to print on the new certificate."),
        ("Marie Tremblay", "This is the name already on the certificate: type the corrected name."),
        ("M" * 201, None),
    ],
)
def test_a_reissue_needs_a_new_name(client, staff, certificate, name, error):
    client.force_login(staff)

    response = client.post(url("reissue", certificate.pk), {"holder_name": name})

    assert response.status_code == 200
    errors = response.context["form"].errors["holder_name"]
    if error:
        assert errors == [error]
    assert f'value="{name}"' in response.text or not name
    assert Certificate.objects.count() == 1
    certificate.refresh_from_db()
    assert certificate.is_valid


# Issuing by hand


@pytest.fixture
def uncertified(closed_session):
    """A completed enrolment of the closed session whose certificate was never issued."""
    enrollment = EnrollmentFactory(
        session=closed_session,
        participant=ParticipantFactory(name="Karim Benali", email="karim@example.org"),
        completed=True,
    )
    AttendanceFactory(enrollment=enrollment, marked_by=closed_session.facilitators.get())
    return enrollment


@pytest.mark.django_db
def test_staff_find_an_enrolment_and_issue_its_certificate(
    client, staff, closed_session, uncertified, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(staff)

    found = client.post(
        url("issue_choose"), {"session": closed_session.pk, "person": "KARIM@example.org"}
    )
    assert found.status_code == 302
    assert found.url == url("issue", uncertified.pk)
    confirm = client.get(found.url)
    assert "Issue a certificate to Karim Benali?" in confirm.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(found.url, follow=True)

    certificate = Certificate.objects.get(enrollment=uncertified)
    assert response.redirect_chain[-1][0] == url("inspect", certificate.pk)
    assert "Certificate issued to Karim Benali." in response.text
    assert certificate.issued_by == staff
    assert certificate.is_valid
    assert [message.to for message in mailoutbox] == [["karim@example.org"]]


@pytest.mark.django_db
def test_issuing_again_by_hand_issues_nothing_twice(client, staff, certificate):
    client.force_login(staff)

    page = client.get(url("issue", certificate.enrollment_id))
    response = client.post(url("issue", certificate.enrollment_id), follow=True)

    assert "already holds the certificate for this session" in page.text
    assert "Marie Tremblay already holds this certificate: nothing was issued." in response.text
    assert Certificate.objects.count() == 1


@pytest.mark.django_db
def test_a_refused_issue_says_why(client, staff, closed_session):
    enrollment = EnrollmentFactory(
        session=closed_session, participant=ParticipantFactory(name="Ben Roy"), completed=False
    )
    client.force_login(staff)

    response = client.post(url("issue", enrollment.pk))

    assert response.status_code == 200
    assert "No certificate was issued." in response.text
    assert "Ben Roy has not completed Handling Conflict" in response.text
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_a_workshop_without_certificates_is_refused(client, staff, catalogue):
    session = SessionFactory(
        workshop=WorkshopPageFactory(
            parent=catalogue, title="Open Forum", issues_certificate=False
        ),
        status=SessionStatus.DELIVERED,
    )
    enrollment = EnrollmentFactory(session=session, completed=True)
    client.force_login(staff)

    response = client.post(url("issue", enrollment.pk))

    assert "Open Forum does not issue certificates." in response.text
    assert not Certificate.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"session": "", "person": "karim@example.org"}, "session", "Choose the session."),
        ({"session": "999999", "person": "karim@example.org"}, "session", None),
        ({"person": ""}, "person", "Enter the participant's email address or name."),
        (
            {"person": "nobody@example.org"},
            "person",
            "Nobody with this email address or name took part in this session.",
        ),
    ],
)
def test_the_enrolment_finder_explains_mistakes_at_the_field(
    client, staff, closed_session, uncertified, data, field, message
):
    data = {"session": closed_session.pk, **data}
    client.force_login(staff)

    response = client.post(url("issue_choose"), data)

    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    if message:
        assert errors == [message]
    if data.get("person"):
        assert f'value="{data["person"]}"' in response.text
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_two_people_of_the_same_name_need_the_email(client, staff, closed_session):
    for email in ("a@example.org", "b@example.org"):
        EnrollmentFactory(
            session=closed_session,
            participant=ParticipantFactory(name="Sam Roy", email=email),
            completed=True,
        )
    client.force_login(staff)

    by_name = client.post(url("issue_choose"), {"session": closed_session.pk, "person": "sam roy"})
    by_email = client.post(
        url("issue_choose"), {"session": closed_session.pk, "person": "b@example.org"}
    )

    assert by_name.context["form"].errors["person"] == [
        "More than one person of this name took part: enter their email address."
    ]
    assert by_email.status_code == 302


@pytest.mark.django_db
def test_the_finder_offers_only_closed_sessions_that_issue_certificates(
    client, staff, closed_session, workshop, catalogue
):
    open_session = SessionFactory(workshop=workshop)
    no_certificates = SessionFactory(
        workshop=WorkshopPageFactory(parent=catalogue, issues_certificate=False),
        status=SessionStatus.DELIVERED,
    )
    client.force_login(staff)

    form = client.get(url("issue_choose"), {"session": closed_session.pk}).context["form"]

    assert list(form.fields["session"].queryset) == [closed_session]
    assert form.initial["session"] == str(closed_session.pk)
    assert open_session not in form.fields["session"].queryset
    assert no_certificates not in form.fields["session"].queryset


@pytest.mark.django_db
def test_the_enrolment_list_offers_to_issue_a_completed_enrolment(
    client, staff, closed_session, uncertified
):
    waiting = EnrollmentFactory(session=closed_session, status=EnrollmentStatus.WAITLISTED)
    client.force_login(staff)

    response = client.get(reverse("wagtailsnippets_courses_enrollment:list"))

    assert url("issue", uncertified.pk) in response.text
    assert url("issue", waiting.pk) not in response.text


@pytest.mark.django_db
def test_the_people_page_of_a_closed_session_links_to_its_certificates(
    client, staff, closed_session, certificate, uncertified
):
    client.force_login(staff)

    response = client.get(
        reverse("wagtailsnippets_courses_session:people", args=[closed_session.pk])
    )

    assert url("issue", uncertified.pk) in response.text
    assert url("issue", certificate.enrollment_id) not in response.text
    assert url("session_archive", closed_session.pk) in response.text
    assert f"{url('index')}?session={closed_session.pk}" in response.text


@pytest.mark.django_db
def test_the_people_page_of_an_open_session_offers_no_certificate(client, staff, workshop):
    session = SessionFactory(workshop=workshop)
    EnrollmentFactory(session=session, completed=True)
    client.force_login(staff)

    response = client.get(reverse("wagtailsnippets_courses_session:people", args=[session.pk]))

    assert url("session_archive", session.pk) not in response.text
    assert url("issue", session.enrollments.get().pk) not in response.text


# A session's ZIP file


@pytest.fixture
def archive_storage(settings):
    """A storage of its own for the test, so that no ZIP is left for the next one (asked for
    before the certificates, whose PDFs it keeps too)."""
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    return certificate_storage()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_staff_prepare_then_download_a_session_s_certificates_as_a_zip(
    archive_storage, client_as, users, role, closed_session, certificate, mailoutbox
):
    second = with_stored_pdf(
        CertificateFactory(
            enrollment=EnrollmentFactory(
                session=closed_session,
                participant=ParticipantFactory(name="Ben Roy"),
                completed=True,
            )
        )
    )
    revoked = with_stored_pdf(
        CertificateFactory(enrollment=EnrollmentFactory(session=closed_session, completed=True))
    )
    revoke(revoked.pk, reason="Issued by mistake.", user=users["staff"])
    client = client_as(users[role])
    page_url = url("session_archive", closed_session.pk)

    before = client.get(page_url)
    prepared = client.post(page_url, follow=True)
    response = client.get(url("session_archive_download", closed_session.pk))

    assert "Prepare the ZIP" in before.text
    assert url("session_archive_download", closed_session.pk) not in before.text
    assert "The ZIP is ready." in prepared.text
    assert url("session_archive_download", closed_session.pk) in prepared.text
    assert "Prepare the ZIP" not in prepared.text
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert (
        'filename="certificates-handling-conflict-2031-03-04.zip"'
        in (response["Content-Disposition"])
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(archive.namelist()) == sorted([certificate.pdf_filename(), second.pdf_filename()])
    assert archive.read(certificate.pdf_filename()) == b"%PDF-1.4 stored " + CODE.encode()
    [email] = mailoutbox
    assert email.to == [users[role].email]
    link = "http://testserver" + url("session_archive_download", closed_session.pk)
    assert link in email.body
    assert link in email.alternatives[0][0]
    assert "Handling Conflict" in email.subject


@pytest.mark.django_db
def test_the_page_says_the_zip_is_being_prepared_while_a_worker_builds_it(
    archive_storage, client, staff, closed_session, certificate, monkeypatch
):
    queued = []

    class Queue:
        """The task, left queued for a worker."""

        def enqueue(self, *args):
            queued.append(args)

    monkeypatch.setattr(admin_views, "build_session_archive", Queue())
    client.force_login(staff)

    response = client.post(url("session_archive", closed_session.pk))

    assert queued == [(closed_session.pk, staff.pk)]
    assert response.status_code == 200
    assert "The ZIP is being prepared; we will email you a link when it is ready" in response.text
    assert url("session_archive_download", closed_session.pk) not in response.text
    assert not archive_storage.exists(f"archives/session-{closed_session.pk}")


@pytest.mark.django_db
def test_a_zip_not_prepared_yet_sends_the_download_link_back_to_the_page(
    archive_storage, client, staff, closed_session, certificate
):
    client.force_login(staff)

    response = client.get(url("session_archive_download", closed_session.pk), follow=True)

    assert response.redirect_chain == [(url("session_archive", closed_session.pk), 302)]
    assert "Prepare the ZIP" in response.text


@pytest.mark.django_db
def test_a_session_without_certificates_gets_a_word_not_an_empty_zip(
    client, staff, workshop, closed_session
):
    open_session = SessionFactory(workshop=workshop)
    client.force_login(staff)

    closed = client.get(url("session_archive", closed_session.pk))
    still_open = client.get(url("session_archive", open_session.pk))

    for response in (closed, still_open):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        assert "There are no certificates to download for this session" in response.text
    assert "This session is not closed." in still_open.text


# Certificate templates


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Certificate of achievement"), ("fr", "Attestation de participation"), ("xx", None)],
)
def test_staff_preview_a_template_as_a_pdf_with_sample_data(client, staff, language, heading):
    template = CertificateTemplateFactory(
        heading="Certificate of achievement", heading_fr="Attestation de participation"
    )
    client.force_login(staff)

    response = client.get(template_url("preview_pdf", template.pk), {"language": language})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    text = pypdf.PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Marie Tremblay" in text
    assert (heading or "Certificate of achievement") in text


@pytest.mark.django_db
def test_the_template_pages_link_to_their_previews(client, staff):
    template = CertificateTemplateFactory()
    client.force_login(staff)
    preview = template_url("preview_pdf", template.pk)

    listing = client.get(template_url("list"))
    edit = client.get(template_url("edit", template.pk))

    for response in (listing, edit):
        assert f"{preview}?language=en" in response.text
        assert f"{preview}?language=fr" in response.text


# History


@pytest.mark.django_db
def test_certificate_actions_have_labels_in_the_history():
    for action in ("certificates.issue", "certificates.revoke", "certificates.reissue"):
        assert log_registry.get_action_label(action) != action


@pytest.mark.django_db
def test_the_inspect_page_of_a_program_certificate(client, staff, various):
    client.force_login(staff)

    response = client.get(url("inspect", various["program"].pk))

    assert response.status_code == 200
    assert "Local Executive Training" in response.text


def template_form_data(**fields):
    data = {
        "name": "Certificate for stewards",
        "heading": "Certificate of completion",
        "wording": "{name} completed {title} ({hours} hours).",
        "heading_fr": "Attestation de réussite",
        "wording_fr": "{name} a suivi {title} ({hours} heures).",
        "signatory_name": "Alex Organizer",
        "signatory_title": "Director of Union Education",
        "signature_image": "",
        "logo": "",
        "accent_colour": "#1d4f8f",
    }
    data.update(fields)
    return data


@pytest.mark.django_db
def test_staff_add_a_certificate_template(client, staff):
    client.force_login(staff)

    response = client.post(template_url("add"), template_form_data())

    assert response.status_code == 302
    template = CertificateTemplate.objects.get(name="Certificate for stewards")
    assert not template.is_default
    assert template.accent_colour == "#1d4f8f"


@pytest.mark.django_db
def test_a_second_default_template_is_refused_by_name(client, staff):
    default = CertificateTemplate.default()
    client.force_login(staff)

    response = client.post(
        template_url("add"), template_form_data(is_default="on", accent_colour="blue")
    )

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["is_default"] == [
        f"“{default.name}” is the default template. Untick “default template” there first, "
        "then make this one the default."
    ]
    assert "accent_colour" in form.errors
    assert 'value="Certificate for stewards"' in response.text
    assert CertificateTemplate.objects.filter(is_default=True).get() == default
