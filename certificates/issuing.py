"""Issuing rules: who gets a certificate, when, and how one is revoked or corrected.

Like the services of ``courses``, every function that writes takes primary keys, runs in one
transaction and raises a :class:`CertificateRefusal` whose ``message`` is fit to show to the
person who asked; callers check who may ask. Issuing is idempotent: a completion (an
enrolment) and a program completion (a participant and a program) have at most one certificate
that replaces no other, which the database enforces, and the rows of the participants concerned
are locked while their certificates are decided, so that two closings of the same session at
the same moment issue each certificate once. Once the transaction has committed, each new
certificate's PDF is rendered and its holder emailed, in the background.

A certificate is never deleted. Revoking is a status with a reason and a date; a correction (of
the holder's name, for example) revokes the certificate with the reason "reissued" and issues a
new one that ``replaces`` it, with a new code.
"""

import logging
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from wagtail.log_actions import log

from courses.choices import EnrollmentStatus, SessionStatus
from courses.exceptions import Refusal
from courses.models import Enrollment, Participant, Program, ProgramRequirement, Session
from courses.timezones import in_zone, zone_named

from . import conf, delivery
from .choices import CertificateKind, CertificateStatus
from .models import COMPLETION_WITHDRAWN, REISSUED, Certificate, CertificateTemplate

logger = logging.getLogger(__name__)

ISSUE_ACTION = "certificates.issue"
REVOKE_ACTION = "certificates.revoke"
REISSUE_ACTION = "certificates.reissue"

#: Lock the participants' rows while deciding their certificates. Only a concurrency test turns
#: this off, to show what the database constraints still guarantee without the lock.
LOCK_PARTICIPANTS = True

#: How many times a new certificate is tried with a fresh code if its code (or its place in the
#: status lists) is already taken (with 80 random bits, in practice never).
CODE_ATTEMPTS = 3


class CertificateRefusal(Refusal):
    """A rule refused the request. ``message`` is fit to show to the person who asked."""


class NotCompleted(CertificateRefusal):
    code = "not_completed"


class IssuesNoCertificate(CertificateRefusal):
    code = "issues_no_certificate"


class AlreadyRevoked(CertificateRefusal):
    code = "already_revoked"


class AlreadyReplaced(CertificateRefusal):
    code = "already_replaced"


class ReasonRequired(CertificateRefusal):
    code = "reason_required"


class NameRequired(CertificateRefusal):
    code = "name_required"


class UnknownRecord(CertificateRefusal):
    code = "unknown"


# Reading and locking


def _lock_participants(participant_ids):
    """The participants, their rows locked (in primary key order, so that two callers never
    wait for each other in a circle), with their locals."""
    participants = Participant.objects.filter(pk__in=participant_ids).select_related("local")
    if LOCK_PARTICIPANTS:
        participants = participants.select_for_update(of=("self",))
    return {participant.pk: participant for participant in participants.order_by("pk")}


def _lock_participants_of(enrollment_id):
    """The participant of an enrolment, their row locked; None for an unknown enrolment."""
    participants = Participant.objects.filter(enrollments=enrollment_id).select_related("local")
    if LOCK_PARTICIPANTS:
        participants = participants.select_for_update(of=("self",))
    return participants.first()


def _current(certificates):
    """``{subject: certificate}`` for the certificates that no other replaces, given as
    ``(subject, certificate)`` pairs; the most recent wins should there be two."""
    current = {}
    for subject, certificate in certificates:
        known = current.get(subject)
        if known is None or (certificate.issued_at, certificate.pk) > (known.issued_at, known.pk):
            current[subject] = certificate
    return current


def _current_for_enrollments(enrollment_ids):
    certificates = Certificate.objects.filter(
        enrollment_id__in=enrollment_ids, replaced_by__isnull=True
    )
    return _current((certificate.enrollment_id, certificate) for certificate in certificates)


def _needs_issuing(current, *, by_hand=False):
    """Whether a completion whose latest certificate is ``current`` (or None) gets a new one.

    Nothing is issued while a valid certificate exists. A certificate revoked because the
    completion was withdrawn is replaced once the completion is back; one revoked by staff is
    replaced only when staff issue it again by hand.
    """
    if current is None:
        return True
    if current.is_valid:
        return False
    return by_hand or current.revoked_reason == COMPLETION_WITHDRAWN


def facilitator_names(session):
    """The session's facilitators, as printed: full names (or usernames), by last name."""
    return ", ".join(
        user.get_full_name() or user.get_username()
        for user in session.facilitators.order_by("last_name", "first_name", "username")
    )


def _completion_date(session):
    return session.last_day()


# Writing


def _save_new(certificate, *, user, action=ISSUE_ACTION, data=None):
    """Insert ``certificate`` in a savepoint; log it and queue its PDF and email after commit.

    Returns None, writing nothing, when the database refuses it as a second certificate for
    the same completion: another transaction issued it first.
    """
    for _attempt in range(CODE_ATTEMPTS):
        try:
            with transaction.atomic():
                certificate.save(force_insert=True)
        except IntegrityError:
            if Certificate.objects.filter(code=certificate.code).exists():
                certificate.code = Certificate._meta.get_field("code").get_default()
                continue
            if Certificate.objects.filter(status_list_index=certificate.status_list_index).exists():
                certificate.status_list_index = None  # taken at the same moment: draw another
                continue
            if _already_issued(certificate):
                _refused_as_duplicate(certificate)
                return None
            raise  # any other refusal is a mistake to hear about, not a duplicate
        break
    else:
        raise IntegrityError("No free certificate code found")
    log(
        instance=certificate,
        action=action,
        user=user,
        data={
            "code": certificate.code,
            "holder_name": certificate.holder_name,
            "title": certificate.title,
            **(data or {}),
        },
    )
    transaction.on_commit(partial(_queue_after_issue, certificate.pk))
    return certificate


def _already_issued(certificate):
    """Whether another transaction has written what the unique constraints allow only once:
    the certificate of this completion or program completion, or the replacement of this
    revoked certificate."""
    if certificate.replaces_id is not None:
        return Certificate.objects.filter(replaces_id=certificate.replaces_id).exists()
    if certificate.kind == CertificateKind.PROGRAM:
        return Certificate.objects.filter(
            kind=CertificateKind.PROGRAM,
            participant_id=certificate.participant_id,
            program_id=certificate.program_id,
            replaces__isnull=True,
        ).exists()
    return Certificate.objects.filter(
        enrollment_id=certificate.enrollment_id, replaces__isnull=True
    ).exists()


def _refused_as_duplicate(certificate):
    """The database refused ``certificate``: its completion was certified by another
    transaction since this one looked."""
    logger.info("Certificate already issued by another transaction: %s", certificate)


def _queue_after_issue(certificate_id):
    delivery.render_certificate_pdf.enqueue(certificate_id)
    delivery.send_certificate_email.enqueue(certificate_id)


def _revoke(certificate, *, reason, user, now):
    certificate.status = CertificateStatus.REVOKED
    certificate.revoked_at = now
    certificate.revoked_reason = reason
    certificate.revoked_by = user
    certificate.save(update_fields=["status", "revoked_at", "revoked_reason", "revoked_by"])
    log(
        instance=certificate,
        action=REVOKE_ACTION,
        user=user,
        data={"code": certificate.code, "reason": reason},
    )


def certificate_language(language):
    """``language`` if certificates are printed in it, else the site's first language."""
    codes = [code for code, _name in settings.LANGUAGES]
    return language if language in codes else codes[0]


def local_name(participant, language):
    """The participant's local as printed on a certificate in ``language`` ("Local 3247, …",
    "Section locale 3247, …"), or "" for someone of no local."""
    if participant.local is None:
        return ""
    with translation.override(language):
        return str(participant.local)


def _workshop_certificate(
    enrollment, participant, *, title, language, names, issuer, template, user, replaces
):
    session = enrollment.session
    workshop = session.workshop
    return Certificate(
        kind=CertificateKind.WORKSHOP,
        participant=participant,
        enrollment=enrollment,
        workshop=workshop,
        session=session,
        holder_name=participant.name,
        local_name=local_name(participant, language),
        title=title,
        hours=Decimal(workshop.duration_hours),
        completed_on=_completion_date(session),
        facilitator_names=names,
        issuer_name=issuer,
        language=language,
        template=template,
        issued_by=user,
        replaces=replaces,
    )


# Issuing


def issue_for_session(session_id, *, user=None):
    """Issue what the closing of this session earned: a certificate for each completed
    enrolment (when the workshop issues certificates) and any program certificate now complete.

    Called when the session is closed, and again each time it is closed after a reopening:
    what was issued already is not issued again. A certificate whose enrolment no longer counts
    as completed (its attendance was corrected) is revoked with the reason "completion
    withdrawn", and replaced should the completion come back. Program certificates are left to
    staff in that case: a program may be completed by another session of the same workshop.
    Returns the new certificates.
    """
    with transaction.atomic():
        session = Session.objects.select_related("workshop").get(pk=session_id)
        if session.status != SessionStatus.DELIVERED:
            return []  # reopened meanwhile: the next closing issues
        workshop = session.workshop
        participant_ids = set(
            Enrollment.objects.filter(session=session).values_list("participant_id", flat=True)
        )
        participants = _lock_participants(participant_ids)
        now = timezone.now()
        enrollments = list(session.enrollments.order_by("pk"))
        for enrollment in enrollments:
            enrollment.session = session
        completed = [
            e for e in enrollments if e.completed and e.status == EnrollmentStatus.CONFIRMED
        ]
        issued = []
        if workshop.issues_certificate:
            current = _current_for_enrollments([enrollment.pk for enrollment in enrollments])
            completed_ids = {enrollment.pk for enrollment in completed}
            for enrollment_id, certificate in current.items():
                if enrollment_id not in completed_ids and certificate.is_valid:
                    _revoke(certificate, reason=COMPLETION_WITHDRAWN, user=user, now=now)
            to_issue = [e for e in completed if _needs_issuing(current.get(e.pk))]
            if to_issue:
                names = facilitator_names(session)
                template = CertificateTemplate.default()
                language = certificate_language(session.language)
                issuer = conf.issuer_name(language)
                title = workshop.in_language(language).title
                for enrollment in to_issue:
                    certificate = _save_new(
                        _workshop_certificate(
                            enrollment,
                            participants[enrollment.participant_id],
                            title=title,
                            language=language,
                            names=names,
                            issuer=issuer,
                            template=template,
                            user=user,
                            replaces=current.get(enrollment.pk),
                        ),
                        user=user,
                    )
                    if certificate is not None:
                        issued.append(certificate)
        if completed:
            programs = (
                Program.objects.in_default_language()
                .filter(issues_certificate=True, requirements__workshop=workshop)
                .distinct()
            )
            issued += _issue_program_certificates(
                [participants[e.participant_id] for e in completed], programs, user=user
            )
        return issued


def issue_for_enrollment(enrollment_id, *, user, language=None):
    """Issue by hand the certificate of one completed enrolment, or return its valid one.

    It is printed in ``language`` when the holder asked for one, else in the session's
    language. Refused when the enrolment did not complete its workshop, or the workshop issues
    no certificate. A certificate revoked earlier is replaced by the new one.
    """
    with transaction.atomic():
        participant = _lock_participants_of(enrollment_id)
        if participant is None:
            raise UnknownRecord(_("This enrolment does not exist."))
        enrollment = Enrollment.objects.select_related("session__workshop").get(pk=enrollment_id)
        session = enrollment.session
        workshop = session.workshop
        if not workshop.issues_certificate:
            raise IssuesNoCertificate(
                _("%(workshop)s does not issue certificates.") % {"workshop": workshop.title}
            )
        if not (
            enrollment.completed
            and enrollment.status == EnrollmentStatus.CONFIRMED
            and session.status == SessionStatus.DELIVERED
        ):
            raise NotCompleted(
                _(
                    "%(name)s has not completed %(workshop)s: a certificate is issued once the "
                    "session is closed with their completion recorded."
                )
                % {"name": participant.name, "workshop": workshop.title}
            )
        current = _current_for_enrollments([enrollment.pk]).get(enrollment.pk)
        if not _needs_issuing(current, by_hand=True):
            return current
        language = certificate_language(language or session.language)
        certificate = _save_new(
            _workshop_certificate(
                enrollment,
                participant,
                title=workshop.in_language(language).title,
                language=language,
                names=facilitator_names(session),
                issuer=conf.issuer_name(language),
                template=CertificateTemplate.default(),
                user=user,
                replaces=current,
            ),
            user=user,
        )
        if certificate is None:  # issued by another transaction a moment ago
            return _current_for_enrollments([enrollment.pk])[enrollment.pk]
        return certificate


def issue_program_certificates(participant_id, *, user=None):
    """Issue the participant a certificate for each program that issues certificates and whose
    required workshops they have all completed, unless they hold it already. Returns the new
    certificates."""
    with transaction.atomic():
        participants = _lock_participants([participant_id])
        if not participants:
            raise UnknownRecord(_("This participant does not exist."))
        programs = Program.objects.in_default_language().filter(issues_certificate=True)
        return _issue_program_certificates(list(participants.values()), programs, user=user)


def _program_titles(programs, languages):
    """``{(translation_key, language): title}``: the titles of the translations of ``programs``
    into ``languages``, for those that have one. One query."""
    return {
        (key, code): title
        for key, code, title in Program.objects.filter(
            translation_key__in=[program.translation_key for program in programs],
            locale__language_code__in=languages,
        ).values_list("translation_key", "locale__language_code", "title")
    }


def _issue_program_certificates(participants, programs, *, user):
    """Program certificates earned by ``participants`` (locked) among ``programs``.

    Runs a fixed number of queries whatever the number of participants and programs.
    """
    programs = list(
        programs.prefetch_related(
            Prefetch(
                "requirements",
                queryset=ProgramRequirement.objects.select_related("workshop").order_by(
                    "sort_order"
                ),
            )
        )
    )
    programs = [program for program in programs if program.requirements.all()]
    if not programs or not participants:
        return []
    by_pk = {participant.pk: participant for participant in participants}
    required_workshops = {r.workshop_id for p in programs for r in p.requirements.all()}
    # {(participant, workshop): the last day they completed it}
    completions = {}
    for participant_id, workshop_id, ends_at, zone in Enrollment.objects.filter(
        participant_id__in=by_pk,
        session__workshop_id__in=required_workshops,
        session__status=SessionStatus.DELIVERED,
        status=EnrollmentStatus.CONFIRMED,
        completed=True,
    ).values_list(
        "participant_id", "session__workshop_id", "session__ends_at", "session__time_zone"
    ):
        day = in_zone(ends_at, zone_named(zone)).date()  # the session's last day, where it was
        key = (participant_id, workshop_id)
        completions[key] = max(completions.get(key, day), day)
    current = _current(
        ((certificate.participant_id, certificate.program_id), certificate)
        for certificate in Certificate.objects.filter(
            kind=CertificateKind.PROGRAM,
            participant_id__in=by_pk,
            program__in=programs,
            replaced_by__isnull=True,
        )
    )
    earned = []
    for participant in participants:
        for program in programs:
            requirements = program.requirements.all()
            days = [completions.get((participant.pk, r.workshop_id)) for r in requirements]
            if None in days:
                continue
            previous = current.get((participant.pk, program.pk))
            if _needs_issuing(previous):
                earned.append((participant, program, requirements, max(days), previous))
    if not earned:
        return []
    template = CertificateTemplate.default()
    languages = {certificate_language(participant.preferred_language) for participant, *_ in earned}
    titles = _program_titles({program for _participant, program, *_rest in earned}, languages)
    issuers = {language: conf.issuer_name(language) for language in languages}
    issued = []
    for participant, program, requirements, day, previous in earned:
        language = certificate_language(participant.preferred_language)
        certificate = _save_new(
            Certificate(
                kind=CertificateKind.PROGRAM,
                participant=participant,
                program=program,
                holder_name=participant.name,
                local_name=local_name(participant, language),
                title=titles.get((program.translation_key, language), program.title),
                hours=Decimal(sum(r.workshop.duration_hours for r in requirements)),
                completed_on=day,
                issuer_name=issuers[language],
                language=language,
                template=template,
                issued_by=user,
                replaces=previous,
            ),
            user=user,
        )
        if certificate is not None:
            issued.append(certificate)
    return issued


# Revoking and correcting


def revoke(certificate_id, *, reason, user, now=None):
    """Revoke a valid certificate. Its verification page then says so, with the date and
    ``reason`` (required)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ReasonRequired(
            _("Give the reason for revoking: the certificate’s verification page shows it.")
        )
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
        if certificate is None:
            raise UnknownRecord(_("This certificate does not exist."))
        if not certificate.is_valid:
            raise AlreadyRevoked(_("This certificate is already revoked."))
        _revoke(certificate, reason=reason, user=user, now=now or timezone.now())
        return certificate


def reissue(certificate_id, *, holder_name, user, reason=REISSUED, now=None):
    """Correct a valid certificate: it is revoked (with the reason "reissued") and a new one,
    with the same facts but ``holder_name`` and a new code, replaces it. Returns the new one."""
    holder_name = " ".join((holder_name or "").split())
    if not holder_name:
        raise NameRequired(_("Enter the name to print on the new certificate."))
    participant_id = (
        Certificate.objects.filter(pk=certificate_id)
        .values_list("participant_id", flat=True)
        .first()
    )
    if participant_id is None:
        raise UnknownRecord(_("This certificate does not exist."))
    with transaction.atomic():
        participant = _lock_participants([participant_id])[participant_id]
        old = Certificate.objects.select_for_update(of=("self",)).get(pk=certificate_id)
        replacement = Certificate.objects.filter(replaces=old).first()
        if replacement is not None:
            raise AlreadyReplaced(
                _("This certificate was already replaced by certificate %(code)s.")
                % {"code": replacement.display_code}
            )
        if not old.is_valid:
            raise AlreadyRevoked(
                _("This certificate is revoked: issue a new one for the completion instead.")
            )
        _revoke(old, reason=reason, user=user, now=now or timezone.now())
        new = Certificate(
            kind=old.kind,
            participant_id=old.participant_id,
            enrollment_id=old.enrollment_id,
            workshop_id=old.workshop_id,
            program_id=old.program_id,
            session_id=old.session_id,
            holder_name=holder_name,
            local_name=old.local_name,
            title=old.title,
            hours=old.hours,
            completed_on=old.completed_on,
            facilitator_names=old.facilitator_names,
            issuer_name=old.issuer_name,
            language=old.language,
            template_id=old.template_id or getattr(CertificateTemplate.default(), "pk", None),
            issued_by=user,
            replaces=old,
        )
        certificate = _save_new(
            new,
            user=user,
            action=REISSUE_ACTION,
            data={"replaces": old.code, "previous_holder_name": old.holder_name},
        )
        if certificate is None:  # cannot happen under the lock; said plainly if it does
            raise AlreadyReplaced(_("This certificate was already replaced."))
        _correct_name(participant, holder_name, user=user)
        return certificate


def _correct_name(participant, name, *, user):
    """A name corrected on a certificate is corrected on the person's record too, so that
    their later certificates carry it."""
    if participant.name == name:
        return
    previous = participant.name
    participant.name = name
    participant.save(update_fields=["name"])
    log(
        instance=participant,
        action="wagtail.edit",
        user=user,
        data={"fields": ["name"], "previous_name": previous, "by": "certificate reissue"},
    )
