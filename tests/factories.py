"""Small builders for the test suite: one factory per model, valid by default.

Factories build the least that makes a valid object; a test states what matters to it by
passing keyword arguments (``WorkshopPageFactory(parent=catalogue, audience=...)``).
"""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from wagtail.models import Locale

import factory
import wagtail_factories
from factory.django import DjangoModelFactory

from courses.choices import ActivityType, Audience, EnrollmentStatus, Language
from courses.models import (
    Division,
    Enrollment,
    Local,
    Participant,
    Program,
    Sector,
    Session,
    SessionPart,
    WorkshopIndexPage,
    WorkshopOutcome,
    WorkshopPage,
)
from courses.roles import FACILITATORS_GROUP, STAFF_GROUP
from facilitators.models import Facilitator, FacilitatorGuidePage
from home.models import HomePage

#: The password every user built here signs in with.
PASSWORD = "correct horse battery staple"


def curriculum(total_minutes=360, modules=3, titles=None):
    """Raw curriculum stream data: ``modules`` modules whose minutes add up to ``total_minutes``.

    The last module takes whatever the others leave, so any total of at least
    ``5 * modules`` minutes can be built.
    """
    share = total_minutes // modules
    minutes = [share] * (modules - 1) + [total_minutes - share * (modules - 1)]
    titles = titles or [f"Module {number}" for number in range(1, modules + 1)]
    return [
        {
            "type": "module",
            "value": {
                "title": title,
                "minutes": length,
                "activity_type": ActivityType.DISCUSSION,
                "description": f"What happens in {title.lower()}.",
                "handout": None,
            },
        }
        for title, length in zip(titles, minutes, strict=True)
    ]


class DivisionFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Division {n}")
    code = factory.Sequence(lambda n: f"D{n}")

    class Meta:
        model = Division


class SectorFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Sector {n}")

    class Meta:
        model = Sector


class LocalFactory(DjangoModelFactory):
    number = factory.Sequence(lambda n: str(1000 + n))
    name = factory.LazyAttribute(lambda local: f"Local {local.number} members")
    city = "Toronto"
    division = factory.SubFactory(DivisionFactory)
    sector = factory.SubFactory(SectorFactory)

    class Meta:
        model = Local


class ProgramFactory(DjangoModelFactory):
    title = factory.Sequence(lambda n: f"Program {n}")
    slug = factory.LazyAttribute(lambda program: slugify(program.title))
    description = "A stream of workshops."

    class Meta:
        model = Program


class UserFactory(DjangoModelFactory):
    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Member{n}")
    password = factory.django.Password(PASSWORD)

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    @factory.post_generation
    def groups(user, create, extracted, **kwargs):
        """``UserFactory(groups=["Facilitators"])`` puts the user in those groups by name."""
        if create and extracted:
            user.groups.add(*(group_named(name) for name in extracted))


class SuperuserFactory(UserFactory):
    username = factory.Sequence(lambda n: f"admin{n}")
    is_staff = True
    is_superuser = True


def group_named(name):
    """A group created by the data migrations (Education staff, Facilitators)."""
    return Group.objects.get(name=name)


def staff_group():
    return group_named(STAFF_GROUP)


def facilitators_group():
    return group_named(FACILITATORS_GROUP)


def make_staff_user(**kwargs):
    """A member of the Education staff group."""
    return UserFactory(groups=[STAFF_GROUP], **kwargs)


def make_facilitator_user(**kwargs):
    """A member of the Facilitators group."""
    return UserFactory(groups=[FACILITATORS_GROUP], **kwargs)


class FacilitatorFactory(DjangoModelFactory):
    user = factory.SubFactory(UserFactory, groups=[FACILITATORS_GROUP])
    bio = "Shop steward for twelve years."
    teaches_in_english = True
    teaches_in_french = False

    class Meta:
        model = Facilitator
        skip_postgeneration_save = True

    @factory.post_generation
    def certified_workshops(facilitator, create, extracted, **kwargs):
        if create and extracted:
            facilitator.certified_workshops.set(extracted)


class HomePageFactory(wagtail_factories.PageFactory):
    title = "Union Education"
    slug = "home"
    heading = "Learn together, win together"
    introduction = "Workshops for members, stewards and local executives."

    class Meta:
        model = HomePage


class WorkshopIndexPageFactory(wagtail_factories.PageFactory):
    title = "Workshops"
    slug = "workshops"
    introduction = "Every workshop the education program offers."

    class Meta:
        model = WorkshopIndexPage


class WorkshopPageFactory(wagtail_factories.PageFactory):
    """A live six-hour workshop with a valid curriculum and one learning outcome.

    Pass ``outcomes=["...", "..."]`` for other outcomes, ``duration_hours`` and the curriculum
    follows, or ``curriculum=curriculum(...)`` to build a particular one.
    """

    title = factory.Sequence(lambda n: f"Workshop {n}")
    summary = factory.LazyAttribute(lambda page: f"A day on {page.title.lower()}.")
    program = None
    audience = Audience.ALL_MEMBERS
    duration_hours = 6
    curriculum = factory.LazyAttribute(lambda page: curriculum(page.duration_hours * 60))

    class Meta:
        model = WorkshopPage
        skip_postgeneration_save = True

    @factory.post_generation
    def outcomes(page, create, extracted, **kwargs):
        if not create:
            return
        texts = extracted if extracted is not None else ["Explain what the workshop covers."]
        WorkshopOutcome.objects.bulk_create(
            WorkshopOutcome(page=page, locale_id=page.locale_id, text=text, sort_order=order)
            for order, text in enumerate(texts)
        )


class FacilitatorGuidePageFactory(wagtail_factories.PageFactory):
    """A guide; give it ``parent=workshop``. It is made private by a signal handler."""

    title = "Facilitator guide"
    slug = "guide"
    introduction = "<p>Arrive an hour early to set up the room.</p>"
    agenda = factory.LazyFunction(
        lambda: [
            {
                "type": "item",
                "value": {"starts_at": "09:00", "minutes": 30, "title": "Welcome", "notes": ""},
            }
        ]
    )
    facilitator_notes = "<p>Keep the parking lot on the flip chart.</p>"

    class Meta:
        model = FacilitatorGuidePage


def translate_page(page, language_code="fr", **changes):
    """``page`` copied into another language (with any parent not translated yet), with
    ``changes``, and published: as staff would translate it in the admin."""
    locale, _created = Locale.objects.get_or_create(language_code=language_code)
    translation = page.specific.copy_for_translation(locale, copy_parents=True)
    for name, value in changes.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    return type(page.specific).objects.get(pk=translation.pk)


def translate_snippet(obj, language_code="fr", **changes):
    """``obj`` (a translatable snippet) copied into another language, with ``changes``, and
    saved: as staff would translate it in the admin."""
    locale, _created = Locale.objects.get_or_create(language_code=language_code)
    translation = obj.copy_for_translation(locale)
    for name, value in changes.items():
        setattr(translation, name, value)
    translation.save()
    return type(obj).objects.get(pk=translation.pk)


class ParticipantFactory(DjangoModelFactory):
    """A member who takes part in sessions, in a local, with no account unless given ``user``."""

    name = factory.Sequence(lambda n: f"Sam Member{n}")
    email = factory.Sequence(lambda n: f"member{n}@example.org")
    local = factory.SubFactory(LocalFactory)
    #: The union knows its members' locals: tests of self-declared locals say so.
    local_confirmed = True
    preferred_language = Language.ENGLISH
    user = None

    class Meta:
        model = Participant


def session_parts(start, hours=6, days=1):
    """Unsaved parts of a session: ``days`` sittings of ``hours`` hours, a day apart."""
    return [
        SessionPart(
            starts_at=start + timedelta(days=day),
            ends_at=start + timedelta(days=day, hours=hours),
        )
        for day in range(days)
    ]


class SessionFactory(DjangoModelFactory):
    """A scheduled, public, in-person session of 25 seats, one six-hour part, in two weeks.

    ``start`` (an aware datetime), ``hours`` and ``days`` shape its parts; ``starts_at`` and
    ``ends_at`` follow from them when it is saved. Pass ``workshop=`` a page under the
    catalogue when the test needs its URL. ``facilitators=[user, ...]`` assigns people.
    """

    workshop = factory.SubFactory(WorkshopPageFactory)
    language = Language.ENGLISH
    venue = "Union Hall"
    address = "15 Gervais Drive"
    city = "Toronto"
    capacity = 25
    parts = factory.LazyAttribute(
        lambda session: session_parts(session.start, session.hours, session.days)
    )

    class Params:
        start = factory.LazyFunction(
            lambda: (timezone.now() + timedelta(days=14)).replace(
                hour=14, minute=0, second=0, microsecond=0
            )
        )
        hours = 6
        days = 1

    class Meta:
        model = Session
        skip_postgeneration_save = True

    @factory.post_generation
    def facilitators(session, create, extracted, **kwargs):
        if create and extracted:
            session.facilitators.set(extracted)


class EnrollmentFactory(DjangoModelFactory):
    """A confirmed enrolment written directly, without the enrolment rules or their emails.

    For the state a test starts from; tests of the rules themselves go through
    ``courses.sessions.enrollment``.
    """

    participant = factory.SubFactory(ParticipantFactory)
    session = factory.SubFactory(SessionFactory)
    status = EnrollmentStatus.CONFIRMED
    created_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyAttribute(
        lambda enrollment: (
            enrollment.created_at if enrollment.status == EnrollmentStatus.CONFIRMED else None
        )
    )
    cancelled_at = factory.LazyAttribute(
        lambda enrollment: (
            enrollment.created_at if enrollment.status == EnrollmentStatus.CANCELLED else None
        )
    )

    class Meta:
        model = Enrollment


class AttendanceFactory(DjangoModelFactory):
    """A mark written directly: the enrolment's participant was present for the whole workshop.

    Tests of the marking rules themselves go through ``courses.attendance``.
    """

    enrollment = factory.SubFactory(EnrollmentFactory)
    status = "present"
    hours_attended = factory.LazyAttribute(
        lambda attendance: attendance.enrollment.session.workshop.duration_hours
    )
    marked_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = "courses.Attendance"


class CertificateTemplateFactory(DjangoModelFactory):
    """A template that is not the default (the migrations create the default one)."""

    name = factory.Sequence(lambda n: f"Certificate template {n}")
    heading = "Certificate of completion"
    wording = "{name} completed {title}: {hours} hours."
    heading_fr = "Attestation de réussite"
    wording_fr = "{name} a suivi {title} : {hours} heures."
    signatory_name = "Alex Organizer"
    signatory_title = "Director of Union Education"
    accent_colour = "#8f1d21"
    is_default = False

    class Meta:
        model = "certificates.CertificateTemplate"


def default_certificate_template():
    from certificates.models import CertificateTemplate

    return CertificateTemplate.default()


class CertificateFactory(DjangoModelFactory):
    """A valid workshop certificate written directly, for a completed enrolment, with no PDF yet.

    Tests of the issuing rules themselves go through ``certificates.issuing``.
    """

    kind = "workshop"
    enrollment = factory.SubFactory(EnrollmentFactory, completed=True)
    participant = factory.LazyAttribute(lambda certificate: certificate.enrollment.participant)
    session = factory.LazyAttribute(lambda certificate: certificate.enrollment.session)
    workshop = factory.LazyAttribute(lambda certificate: certificate.enrollment.session.workshop)
    holder_name = factory.LazyAttribute(lambda certificate: certificate.participant.name)
    local_name = factory.LazyAttribute(lambda certificate: str(certificate.participant.local or ""))
    title = factory.LazyAttribute(lambda certificate: certificate.workshop.title)
    hours = factory.LazyAttribute(lambda certificate: certificate.workshop.duration_hours)
    completed_on = factory.LazyFunction(lambda: timezone.localdate())
    facilitator_names = "Jordan Facilitator"
    issuer_name = "Union Education"
    language = Language.ENGLISH
    template = factory.LazyFunction(default_certificate_template)

    class Meta:
        model = "certificates.Certificate"


class SessionRequestFactory(DjangoModelFactory):
    """A new request from a local for a tailored session, written directly (no emails, no log).

    Its workshop is offered on request; pass ``workshop=`` a page under the catalogue when the
    test needs its URL. Tests of the request rules themselves go through ``courses.requests``.
    """

    local = factory.SubFactory(LocalFactory)
    contact_name = factory.Sequence(lambda n: f"Robin Officer{n}")
    contact_role = "President"
    email = factory.Sequence(lambda n: f"officer{n}@example.org")
    phone = "416-555-0199"
    workshop = factory.SubFactory(WorkshopPageFactory, offered_on_request=True)
    goals = "Set goals for the next three years and bring new members into the local."
    participants = 18
    date_1 = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    date_2 = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=37))
    date_3 = None
    delivery_format = "in_person"
    location = "Union hall, Laval"
    language = Language.ENGLISH

    class Meta:
        model = "courses.SessionRequest"


class SessionRequestPageFactory(wagtail_factories.PageFactory):
    """The request form page; give it ``parent=home_page`` for /request-a-session/."""

    title = "Request a session"
    slug = "request-a-session"
    introduction = "<p>Tell us what your local wants to achieve.</p>"
    thank_you_text = "<p>Thank you: we will be in touch within a week.</p>"

    class Meta:
        model = "courses.SessionRequestPage"
