"""The issuing rules in certificates.issuing: certificates when a session closes, idempotency,
program certificates, issuing by hand, revoking and reissuing, and the database constraints."""

from decimal import Decimal

from django.core import mail
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone, translation
from django.utils.formats import date_format

from wagtail.models import ModelLogEntry

import pytest

from certificates import conf, issuing
from certificates.choices import CertificateKind, CertificateStatus
from certificates.issuing import (
    AlreadyReplaced,
    AlreadyRevoked,
    IssuesNoCertificate,
    NameRequired,
    NotCompleted,
    ReasonRequired,
    issue_for_enrollment,
    issue_for_session,
    issue_program_certificates,
    reissue,
    revoke,
)
from certificates.models import (
    CODE_ALPHABET,
    COMPLETION_WITHDRAWN,
    REISSUED,
    Certificate,
    CertificateTemplate,
)
from courses.attendance.rules import reopen_session
from courses.choices import EnrollmentStatus, SessionStatus
from courses.models import ProgramRequirement
from home.models import OrganisationSettings
from tests.certificates.builders import ABSENT, PARTIAL, PRESENT, days_ago, enrol
from tests.factories import (
    CertificateFactory,
    EnrollmentFactory,
    LocalFactory,
    ParticipantFactory,
    ProgramFactory,
    SessionFactory,
    WorkshopPageFactory,
)

pytestmark = pytest.mark.django_db


def certificates_of(session):
    return {c.enrollment_id: c for c in Certificate.objects.filter(session=session)}


# Issuing when a session closes


def test_closing_a_session_issues_a_certificate_per_completion(session, facilitator, close):
    local = LocalFactory(number="3247", name="Hamilton Health Care")
    present = enrol(session, "Marie Tremblay", local=local, preferred_language="fr")
    long_enough = enrol(session, "Bob Smith")
    short = enrol(session, "Chen Wei")
    away = enrol(session, "Dana Walker")
    waiting = EnrollmentFactory(session=session, status=EnrollmentStatus.WAITLISTED)

    close(
        session,
        {present: PRESENT, long_enough: (PARTIAL, "6"), short: (PARTIAL, "2.5"), away: ABSENT},
        facilitator,
    )

    issued = certificates_of(session)
    assert set(issued) == {present.pk, long_enough.pk}
    certificate = issued[present.pk]
    assert certificate.kind == CertificateKind.WORKSHOP
    assert certificate.participant == present.participant
    assert certificate.workshop == session.workshop
    assert certificate.holder_name == "Marie Tremblay"
    assert certificate.local_name == "Local 3247, Hamilton Health Care"
    assert certificate.title == "Strategic Planning"
    assert certificate.hours == Decimal("6.00")
    assert certificate.completed_on == timezone.localdate(session.ends_at)
    assert certificate.facilitator_names == "Jordan Lee"
    # Printed in the session's language, whatever the holder's own.
    assert certificate.language == session.language == "en"
    assert certificate.issuer_name == "Union Education"
    assert certificate.template == CertificateTemplate.default()
    assert certificate.issued_by == facilitator
    assert certificate.status == CertificateStatus.VALID
    assert certificate.is_valid
    assert certificate.replaces is None
    assert waiting.pk not in issued
    # Rendered and stored in the background, once the closing has committed.
    assert certificate.pdf.name.endswith(".pdf")
    assert certificate.pdf_rendered_at is not None
    log = ModelLogEntry.objects.for_instance(certificate).get()
    assert log.action == "certificates.issue"
    assert log.user == facilitator
    assert log.data["code"] == certificate.code


def test_codes_are_16_characters_of_crockfords_alphabet_and_all_differ(session, facilitator, close):
    enrollments = [enrol(session) for _ in range(5)]

    close(session, dict.fromkeys(enrollments, PRESENT), facilitator)

    codes = list(Certificate.objects.values_list("code", flat=True))
    assert len(set(codes)) == 5
    for code in codes:
        assert len(code) == 16
        assert set(code) <= set(CODE_ALPHABET)


def test_a_workshop_that_issues_no_certificate_issues_none(session, facilitator, close):
    session.workshop.issues_certificate = False
    session.workshop.save()
    enrollment = enrol(session)

    close(session, {enrollment: PRESENT}, facilitator)

    assert not Certificate.objects.exists()


def test_closing_reopening_and_closing_again_issues_nothing_twice(
    session, facilitator, staff, close, django_capture_on_commit_callbacks
):
    first, second = enrol(session), enrol(session)
    close(session, {first: PRESENT, second: ABSENT}, facilitator)
    [certificate] = Certificate.objects.all()
    reopen_session(session.pk, user=staff)

    close(session, {second: PRESENT}, staff)

    issued = certificates_of(session)
    assert set(issued) == {first.pk, second.pk}
    assert issued[first.pk] == certificate
    assert issued[first.pk].status == CertificateStatus.VALID
    assert Certificate.objects.count() == 2
    # Calling it again, as a second receiver or a retry would, changes nothing.
    assert issue_for_session(session.pk) == []
    assert Certificate.objects.count() == 2


def test_a_completion_withdrawn_on_reclosing_revokes_its_certificate_and_a_return_replaces_it(
    session, facilitator, staff, close
):
    enrollment = enrol(session)
    close(session, {enrollment: PRESENT}, facilitator)
    [first] = Certificate.objects.all()

    reopen_session(session.pk, user=staff)
    close(session, {enrollment: ABSENT}, staff)
    first.refresh_from_db()
    assert first.status == CertificateStatus.REVOKED
    assert first.revoked_reason == COMPLETION_WITHDRAWN
    assert first.revoked_by == staff

    reopen_session(session.pk, user=staff)
    close(session, {enrollment: PRESENT}, staff)
    second = Certificate.objects.get(replaces=first)
    assert second.is_valid
    assert second.code != first.code
    assert Certificate.objects.count() == 2


def test_a_certificate_revoked_by_staff_is_not_issued_again_on_reclosing(
    session, facilitator, staff, close
):
    enrollment = enrol(session)
    close(session, {enrollment: PRESENT}, facilitator)
    certificate = Certificate.objects.get()
    revoke(certificate.pk, reason="Signed in for someone else", user=staff)
    reopen_session(session.pk, user=staff)

    close(session, {enrollment: PRESENT}, staff)

    assert list(Certificate.objects.all()) == [certificate]


def test_nothing_is_issued_for_a_session_that_is_not_closed(session):
    EnrollmentFactory(session=session, completed=True)

    assert issue_for_session(session.pk) == []
    assert not Certificate.objects.exists()


def test_the_holder_is_emailed_a_download_link_in_their_language(session, facilitator, close):
    english = enrol(session, "Bob Smith", email="bob@example.org")
    french = enrol(session, "Marie Tremblay", email="marie@example.org", preferred_language="fr")

    close(session, {english: PRESENT, french: PRESENT}, facilitator)

    issued = certificates_of(session)
    emails = {
        message.to[0]: message
        for message in mail.outbox
        if message.subject.startswith(("Your certificate", "Votre attestation"))
    }
    assert set(emails) == {"bob@example.org", "marie@example.org"}
    english_email = emails["bob@example.org"]
    certificate = issued[english.pk]
    assert english_email.subject == "Your certificate: Strategic Planning"
    assert f"http://testserver/en/certificates/{certificate.code}/pdf/" in english_email.body
    assert f"http://testserver/en/certificates/{certificate.code}/" in english_email.body
    assert certificate.display_code in english_email.body
    html, mimetype = english_email.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="http://testserver/en/certificates/{certificate.code}/pdf/"' in html
    french_email = emails["marie@example.org"]
    assert f"/fr/certificates/{issued[french.pk].code}/pdf/" in french_email.body
    # Rendered in French: dates follow Django's French formats.
    month = date_format(issued[french.pk].completed_on, "F")
    with translation.override("fr"):
        assert date_format(issued[french.pk].completed_on, "F") in french_email.body
        assert date_format(issued[french.pk].completed_on, "F") != month
    assert 'lang="fr"' in french_email.alternatives[0][0]


# Program certificates


@pytest.fixture
def program(catalogue):
    """Local Executive Training: three required workshops, and a certificate for all three."""
    program = ProgramFactory(title="Local Executive Training", issues_certificate=True)
    for order, (title, hours) in enumerate(
        [("Running a Local", 6), ("Local Finances", 6), ("Leading Meetings", 3)]
    ):
        workshop = WorkshopPageFactory(
            parent=catalogue, title=title, program=program, duration_hours=hours
        )
        ProgramRequirement.objects.create(program=program, workshop=workshop, sort_order=order)
    return program


def past_session(workshop, facilitator, days):
    return SessionFactory(
        workshop=workshop,
        start=days_ago(days),
        hours=workshop.duration_hours,
        facilitators=[facilitator],
    )


def complete(workshop, participant, facilitator, close, days):
    """``participant`` completes ``workshop`` at a session ``days`` ago, closed at once."""
    session = past_session(workshop, facilitator, days)
    close(
        session, {EnrollmentFactory(session=session, participant=participant): PRESENT}, facilitator
    )
    return session


def program_certificates():
    return Certificate.objects.filter(kind=CertificateKind.PROGRAM)


def test_completing_every_required_workshop_earns_the_program_certificate(
    program, facilitator, close
):
    first, second, third = program.required_workshops()
    member = ParticipantFactory(name="Marie Tremblay")
    other = ParticipantFactory(name="Bob Smith")
    complete(first, member, facilitator, close, days=30)
    complete(first, other, facilitator, close, days=30)
    complete(second, member, facilitator, close, days=20)
    assert not program_certificates().exists()

    last = complete(third, member, facilitator, close, days=10)

    [certificate] = program_certificates()
    assert certificate.participant == member
    assert certificate.program == program
    assert certificate.holder_name == "Marie Tremblay"
    assert certificate.title == "Local Executive Training"
    assert certificate.hours == Decimal("15.00")
    assert certificate.completed_on == timezone.localdate(last.ends_at)
    assert certificate.enrollment is None
    assert certificate.workshop is None
    assert certificate.session is None
    assert certificate.pdf
    assert Certificate.objects.filter(participant=member).count() == 4
    assert issue_program_certificates(member.pk) == []
    assert program_certificates().count() == 1


def test_the_order_of_completion_does_not_matter_nor_closing_again(
    program, facilitator, staff, close
):
    first, second, third = program.required_workshops()
    member = ParticipantFactory()
    complete(third, member, facilitator, close, days=30)
    complete(second, member, facilitator, close, days=20)
    last = complete(first, member, facilitator, close, days=10)
    assert program_certificates().count() == 1

    reopen_session(last.pk, user=staff)
    close(last, {}, staff)

    assert program_certificates().count() == 1


def test_a_program_that_issues_no_certificate_issues_none(program, facilitator, close):
    program.issues_certificate = False
    program.save()
    member = ParticipantFactory()
    for days, workshop in enumerate(program.required_workshops(), start=10):
        complete(workshop, member, facilitator, close, days=days)

    assert not program_certificates().exists()
    assert Certificate.objects.filter(participant=member).count() == 3


def test_a_program_certificate_counts_completions_whatever_the_workshop_issues(
    program, facilitator, close
):
    """A required workshop that prints no certificate of its own still counts."""
    first, second, third = program.required_workshops()
    third.issues_certificate = False
    third.save()
    member = ParticipantFactory()
    for days, workshop in ((30, first), (20, second), (10, third)):
        complete(workshop, member, facilitator, close, days=days)

    assert program_certificates().count() == 1
    assert Certificate.objects.filter(participant=member).count() == 3


def test_program_certificates_are_issued_for_completions_recorded_earlier(program, facilitator):
    member = ParticipantFactory()
    for days, workshop in enumerate(program.required_workshops(), start=10):
        session = past_session(workshop, facilitator, days)
        session.status = SessionStatus.DELIVERED
        session.save()
        EnrollmentFactory(session=session, participant=member, completed=True)

    [certificate] = issue_program_certificates(member.pk, user=None)

    assert certificate.program == program
    assert issue_program_certificates(member.pk, user=None) == []


# Issuing by hand


@pytest.fixture
def closed(session, facilitator, close):
    """Last week's session, closed: Marie completed it, Bob did not."""
    marie, bob = enrol(session, "Marie Tremblay"), enrol(session, "Bob Smith")
    session.workshop.issues_certificate = False
    session.workshop.save()
    close(session, {marie: PRESENT, bob: ABSENT}, facilitator)
    session.workshop.issues_certificate = True
    session.workshop.save()
    return {"marie": marie, "bob": bob}


def test_staff_issue_a_certificate_for_a_completed_enrolment_by_hand(
    closed, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue_for_enrollment(closed["marie"].pk, user=staff)

    assert certificate.holder_name == "Marie Tremblay"
    assert certificate.issued_by == staff
    assert certificate.facilitator_names == "Jordan Lee"
    certificate.refresh_from_db()
    assert certificate.pdf
    assert [m.subject for m in mail.outbox if m.to == [closed["marie"].participant.email]][
        -1
    ] == "Your certificate: Strategic Planning"
    # Issuing again returns the same certificate.
    assert issue_for_enrollment(closed["marie"].pk, user=staff) == certificate
    assert Certificate.objects.count() == 1


def test_issuing_by_hand_is_refused_without_a_completion(closed, staff):
    with pytest.raises(NotCompleted) as refusal:
        issue_for_enrollment(closed["bob"].pk, user=staff)

    assert refusal.value.message == (
        "Bob Smith has not completed Strategic Planning: a certificate is issued once the "
        "session is closed with their completion recorded."
    )
    assert not Certificate.objects.exists()


def test_issuing_by_hand_is_refused_before_the_session_is_closed(session, staff):
    enrollment = EnrollmentFactory(session=session, completed=True)

    with pytest.raises(NotCompleted):
        issue_for_enrollment(enrollment.pk, user=staff)


def test_issuing_by_hand_is_refused_when_the_workshop_issues_no_certificate(closed, staff):
    workshop = closed["marie"].session.workshop
    workshop.issues_certificate = False
    workshop.save()

    with pytest.raises(IssuesNoCertificate) as refusal:
        issue_for_enrollment(closed["marie"].pk, user=staff)

    assert refusal.value.message == "Strategic Planning does not issue certificates."


def test_issuing_by_hand_after_a_revocation_replaces_the_revoked_certificate(closed, staff):
    revoked = issue_for_enrollment(closed["marie"].pk, user=staff)
    revoke(revoked.pk, reason="Issued by mistake", user=staff)

    again = issue_for_enrollment(closed["marie"].pk, user=staff)

    assert again != revoked
    assert again.is_valid
    assert again.replaces == revoked


# Revoking and reissuing


@pytest.fixture
def certificate(db):
    return CertificateFactory(holder_name="Marie Tremblay")


def test_revoking_records_the_date_reason_and_who_and_logs_it(certificate, staff):
    revoked = revoke(certificate.pk, reason="  Attendance sheet   was forged ", user=staff)

    certificate.refresh_from_db()
    assert revoked == certificate
    assert certificate.status == CertificateStatus.REVOKED
    assert not certificate.is_valid
    assert certificate.revoked_reason == "Attendance sheet was forged"
    assert certificate.revoked_by == staff
    assert certificate.revoked_at is not None
    log = ModelLogEntry.objects.for_instance(certificate).get(action="certificates.revoke")
    assert log.user == staff
    assert log.data["reason"] == "Attendance sheet was forged"


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_revoking_needs_a_reason(certificate, staff, reason):
    with pytest.raises(ReasonRequired):
        revoke(certificate.pk, reason=reason, user=staff)

    certificate.refresh_from_db()
    assert certificate.is_valid


def test_revoking_twice_is_refused(certificate, staff):
    revoke(certificate.pk, reason="Mistake", user=staff)

    with pytest.raises(AlreadyRevoked):
        revoke(certificate.pk, reason="Again", user=staff)


def test_reissuing_revokes_the_old_certificate_and_a_new_one_replaces_it(
    certificate, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = reissue(certificate.pk, holder_name=" Marie  Tremblay-Roy ", user=staff)

    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.revoked_reason == REISSUED == "reissued"
    assert certificate.replacement == new
    assert new.replaces == certificate
    assert new.holder_name == "Marie Tremblay-Roy"
    assert new.code != certificate.code
    assert new.is_valid
    assert new.issued_by == staff
    for fact in ("kind", "participant", "enrollment", "workshop", "session", "title", "hours"):
        assert getattr(new, fact) == getattr(certificate, fact)
    assert (new.completed_on, new.local_name, new.language, new.template) == (
        certificate.completed_on,
        certificate.local_name,
        certificate.language,
        certificate.template,
    )
    new.refresh_from_db()
    assert new.pdf
    assert ModelLogEntry.objects.for_instance(new).get().action == "certificates.reissue"
    assert ModelLogEntry.objects.for_instance(certificate).get().action == "certificates.revoke"
    assert mail.outbox[-1].subject == "Your corrected certificate: " + certificate.title


def test_a_name_corrected_on_a_certificate_is_corrected_on_the_persons_record(certificate, staff):
    participant = certificate.participant
    participant.name = "Marie Tremblay"
    participant.save()

    reissue(certificate.pk, holder_name="Marie  Tremblay-Roy", user=staff)

    participant.refresh_from_db()
    assert participant.name == "Marie Tremblay-Roy"
    entry = ModelLogEntry.objects.for_instance(participant).get()
    assert entry.user == staff
    assert entry.data["previous_name"] == "Marie Tremblay"


def test_reissuing_is_refused_without_a_name_or_twice_or_once_revoked(certificate, staff):
    with pytest.raises(NameRequired):
        reissue(certificate.pk, holder_name="  ", user=staff)

    reissue(certificate.pk, holder_name="Marie Tremblay-Roy", user=staff)
    with pytest.raises(AlreadyReplaced):
        reissue(certificate.pk, holder_name="Marie Roy", user=staff)

    other = CertificateFactory()
    revoke(other.pk, reason="Mistake", user=staff)
    with pytest.raises(AlreadyRevoked):
        reissue(other.pk, holder_name="Someone", user=staff)


def test_a_reissued_certificate_keeps_the_completion_issued(certificate, staff):
    """The replacement does not count as a second certificate for the completion."""
    new = reissue(certificate.pk, holder_name="Marie Tremblay-Roy", user=staff)

    assert issue_for_session(certificate.session_id) == []
    assert list(Certificate.objects.valid()) == [new]


# What the database guarantees


def test_the_database_refuses_a_second_certificate_for_a_completion(certificate):
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateFactory(enrollment=certificate.enrollment)


def program_certificate(participant, program):
    return CertificateFactory(
        kind=CertificateKind.PROGRAM,
        enrollment=None,
        session=None,
        workshop=None,
        participant=participant,
        program=program,
        title=program.title,
        hours=15,
    )


def test_the_database_refuses_a_second_program_certificate(program):
    member = ParticipantFactory()
    program_certificate(member, program)

    with pytest.raises(IntegrityError), transaction.atomic():
        program_certificate(member, program)


def test_the_database_ties_the_kind_to_what_is_certified(certificate, program):
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateFactory(kind=CertificateKind.PROGRAM)
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateFactory(program=program)


def test_the_database_refuses_a_revoked_certificate_without_a_date(certificate):
    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.filter(pk=certificate.pk).update(status=CertificateStatus.REVOKED)


def test_a_duplicate_refused_by_the_database_is_taken_as_already_issued(
    session, facilitator, close, monkeypatch
):
    """Should two closings race past the lock (it is off here), the constraint still holds and
    the second one issues nothing."""
    enrollment = enrol(session)
    close(session, {enrollment: PRESENT}, facilitator)
    monkeypatch.setattr(issuing, "_current_for_enrollments", lambda ids: {})

    assert issue_for_session(session.pk) == []
    assert Certificate.objects.count() == 1


def test_only_one_default_template(db):
    default = CertificateTemplate.default()
    assert default.is_default
    assert default.name == "Standard certificate"
    assert "{name}" in default.wording and "{name}" in default.wording_fr

    with pytest.raises(IntegrityError), transaction.atomic():
        CertificateTemplate.objects.create(
            name="Another", wording="{name}", wording_fr="{name}", is_default=True
        )


# The issuer


@override_settings(CERTIFICATES_ISSUER_SETTING="")
def test_the_issuer_is_the_default_sites_name_unless_configured(site_root):
    site_root.site_name = "Union Education Ontario"
    site_root.save()

    assert conf.issuer_name() == "Union Education Ontario"
    with override_settings(CERTIFICATES_ISSUER="Canadian Union Education"):
        assert conf.issuer_name() == "Canadian Union Education"


def test_the_issuer_may_come_from_a_site_setting_staff_edit(site_root):
    organisation = OrganisationSettings.for_site(site_root)
    organisation.name = "Syndicat canadien, Éducation"
    organisation.save()

    with override_settings(CERTIFICATES_ISSUER_SETTING="home.OrganisationSettings.name"):
        assert conf.issuer_name() == "Syndicat canadien, Éducation"


@pytest.mark.django_db
def test_a_refusal_other_than_a_duplicate_is_not_taken_for_one(catalogue):
    """Only a second certificate for the same completion is skipped quietly; a certificate the
    database refuses for another reason (here a workshop certificate without its enrolment)
    is an error to hear about."""
    broken = CertificateFactory.build(enrollment=EnrollmentFactory(completed=True))
    broken.participant.save()
    broken.enrollment = None

    with pytest.raises(IntegrityError):
        issuing._save_new(broken, user=None)
