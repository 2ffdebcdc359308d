"""Create the demo site from the content in this package, without touching what already exists.

Every object is looked up by a natural key first (a page's slug under its parent, a program's
slug, a local's number, a username, a document's title in its collection) and created only if
it is missing. Existing pages, snippets and users are left exactly as they are, so running the
loader again adds nothing: no new rows and no new page revisions.

Pages are created as the Wagtail admin creates them: saved as drafts, then published through a
revision, with a "created" entry in the page history. Saving them updates the search and
reference indexes through Wagtail's own signal handlers.
"""

import datetime
import functools
from collections import Counter, defaultdict
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape

from wagtail.documents.models import Document
from wagtail.log_actions import log
from wagtail.models import Collection, Page, Site
from wagtail.utils.file import hash_filelike

from courses.choices import AttendanceStatus, EnrollmentSource, EnrollmentStatus
from courses.models import (
    Attendance,
    Division,
    Enrollment,
    Local,
    Participant,
    Program,
    ProgramRequirement,
    Sector,
    Session,
    SessionPart,
    SessionRequestPage,
    WorkshopIndexPage,
    WorkshopOutcome,
    WorkshopPage,
)
from courses.sessions.scheduling import facilitator_clashes, spans_of
from courses.timezones import zone_named
from facilitators.models import Facilitator, FacilitatorGuidePage, GuideHandout
from home.models import HomePage, OrganisationSettings

from . import guides, sessions, translations, union, workshops
from . import requests as session_requests  # a module: it uses this module's helpers in turn
from .certificates import load_certificates
from .data import content

SITE_HOSTNAME = "localhost"
SITE_PORT = 80


def load_demo():
    """Load everything, in one transaction. Returns a Counter of what was created."""
    created = Counter()
    with transaction.atomic():
        home = load_home_page(created)
        site = load_site(home, created)
        load_organisation_settings(site, created)
        index = load_workshop_index(home, created)
        programs = load_programs(created)
        workshop_pages = load_workshops(index, programs, created)
        load_program_requirements(programs, workshop_pages, created)
        load_guides(workshop_pages, created)
        load_union_structure(created)
        member = load_users(workshop_pages, created)
        load_sessions(workshop_pages, member, created)
        session_requests.load_requests(home, workshop_pages, created)
        # French before certificates: a French session's certificates take the French titles.
        translations.load_translations(french_pages(home, index, workshop_pages), created)
        load_certificates(created)
    return +created  # Drop the kinds of object of which nothing was created.


# Pages


def french_pages(home, index, workshop_pages):
    """The pages the demo has in French, parents first: the home page, the catalogue, every
    workshop, the request page and the guides that content/fr/guides.toml translates."""
    translated_guides = content("fr/guides")["guides"]
    return [
        home,
        index,
        *workshop_pages.values(),
        *SessionRequestPage.objects.child_of(home),
        *(
            FacilitatorGuidePage.objects.child_of(workshop_pages[slug]).first()
            for slug in translated_guides
        ),
    ]


def publish_new_page(parent, page):
    """Add ``page`` under ``parent`` and publish it through a revision, as the admin does."""
    page.live = False
    parent.add_child(instance=page)
    log(instance=page, action="wagtail.create")
    page.save_revision().publish()
    return page


def load_home_page(created):
    """The site's HomePage, replacing the placeholder page Wagtail's first migration makes.

    The placeholder ("Welcome to your new Wagtail site!") is deleted only while it is a plain,
    childless ``Page``; the site pointing at it moves to the tree root for a moment, so that
    deleting the page does not cascade to the site.
    """
    home = HomePage.objects.first()
    if home is not None:
        return home
    root = Page.get_first_root_node()
    placeholder = (
        root.get_children()
        .filter(slug=union.HOME_PAGE["slug"], content_type=ContentType.objects.get_for_model(Page))
        .first()
    )
    if placeholder is not None and placeholder.is_leaf():
        Site.objects.filter(root_page=placeholder).update(root_page=root)
        placeholder.delete()
        created["placeholder pages removed"] += 1
    home = publish_new_page(root, HomePage(**union.HOME_PAGE))
    created["pages"] += 1
    return home


def load_site(home, created):
    """The default site on localhost:80, rooted at the home page."""
    site = Site.objects.filter(hostname=SITE_HOSTNAME, port=SITE_PORT).first()
    if site is None:
        site = Site.objects.create(
            hostname=SITE_HOSTNAME,
            port=SITE_PORT,
            site_name=union.ORGANISATION["name"],
            root_page=home,
            is_default_site=True,
        )
        created["sites"] += 1
        return site
    # Wagtail's own migration made this site; point it at our home page once.
    if site.root_page_id != home.pk or not site.site_name:
        site.root_page = home
        site.site_name = site.site_name or union.ORGANISATION["name"]
        site.save()
    return site


def load_organisation_settings(site, created):
    _settings, was_created = OrganisationSettings.objects.get_or_create(
        site=site, defaults=union.ORGANISATION
    )
    created["organisation settings"] += was_created


def load_workshop_index(home, created):
    """The catalogue at /workshops/ (there is at most one)."""
    index = WorkshopIndexPage.objects.first()
    if index is not None:
        return index
    created["pages"] += 1
    return publish_new_page(home, WorkshopIndexPage(**union.WORKSHOP_INDEX))


# Programs and workshops


def load_programs(created):
    """Programs by slug."""
    programs = {}
    for data in workshops.PROGRAMS:
        program, was_created = Program.objects.in_default_language().get_or_create(
            slug=data["slug"],
            defaults={
                "title": data["title"],
                "description": data["description"],
                "issues_certificate": data["issues_certificate"],
            },
        )
        created["programs"] += was_created
        programs[program.slug] = program
    return programs


def curriculum_stream(modules):
    """The curriculum StreamField's raw value for a list of ``workshops.Module``."""
    return [
        {
            "type": "module",
            "value": {
                "title": module.title,
                "minutes": module.minutes,
                "activity_type": str(module.activity_type),
                "description": module.description,
                "handout": None,
            },
        }
        for module in modules
    ]


def load_workshops(index, programs, created):
    """The catalogue's workshops, by slug. Prerequisites must already be in the dict."""
    pages = {}
    for data in workshops.WORKSHOPS:
        page = WorkshopPage.objects.child_of(index).filter(slug=data["slug"]).first()
        if page is None:
            page = WorkshopPage(
                title=data["title"],
                slug=data["slug"],
                summary=data["summary"],
                program=programs.get(data["program"]),
                audience=data["audience"],
                duration_hours=data["duration_hours"],
                what_to_bring=data["what_to_bring"],
                offered_on_request=data.get("offered_on_request", False),
                issues_certificate=True,
                curriculum=curriculum_stream(data["curriculum"]),
            )
            page.outcomes = [
                WorkshopOutcome(text=text, sort_order=sort_order)
                for sort_order, text in enumerate(data["outcomes"])
            ]
            page.prerequisites = [pages[slug] for slug in data.get("prerequisites", [])]
            publish_new_page(index, page)
            created["pages"] += 1
        pages[page.slug] = page
    return pages


def load_program_requirements(programs, workshop_pages, created):
    """Each program's required workshops, in order; then the programs' French."""
    for data in workshops.PROGRAMS:
        program = programs[data["slug"]]
        for sort_order, slug in enumerate(data["required"]):
            _requirement, was_created = ProgramRequirement.objects.get_or_create(
                program=program,
                workshop=workshop_pages[slug],
                defaults={"sort_order": sort_order},
            )
            created["program requirements"] += was_created
    # Translated once complete, so that the translation follows the program as it stands.
    translations.load_program_translations(programs.values(), created)


# Facilitator guides


def materials_stream(materials):
    return [
        {"type": "material", "value": {"item": item, "quantity": quantity}}
        for item, quantity in [*guides.COMMON_MATERIALS, *materials]
    ]


def handouts_collection():
    root = Collection.get_first_root_node()
    collection = root.get_children().filter(name=guides.HANDOUTS_COLLECTION).first()
    return collection or root.add_child(name=guides.HANDOUTS_COLLECTION)


HANDOUT_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title><style>
@page {{ size: letter; margin: 2cm; @bottom-center {{ content: "{footer}";
  font-family: sans-serif; font-size: 8pt; color: #555; }} }}
body {{ font-family: sans-serif; font-size: 11pt; line-height: 1.45; }}
h1 {{ font-size: 18pt; margin-bottom: 0.2em; }}
h2 {{ font-size: 13pt; margin-top: 1.2em; }}
.workshop {{ color: #555; margin-top: 0; }}
</style></head><body>
<p class="workshop">{workshop}</p>
{body}
</body></html>"""


def render_handout_pdf(workshop, handout):
    """A short PDF of the handout's HTML, made with WeasyPrint."""
    footer = f"Union Education · {workshop.title}".replace('"', "'")
    html = HANDOUT_PAGE.format(
        title=escape(handout["title"]),
        footer=escape(footer),
        workshop=escape(workshop.title),
        body=handout["html"],
    )
    return html_to_pdf(html)


@functools.lru_cache(maxsize=32)
def html_to_pdf(html):
    """The PDF of ``html``, rendered once per process: the demo's handouts never change, and a
    process that loads the demo again (the test suite) need not lay them out again."""
    from weasyprint import HTML  # Slow to import; only needed when a handout is missing.

    return HTML(string=html).write_pdf()


def load_handout_document(collection, workshop, handout, created):
    """The handout as a Wagtail document in the Handouts collection, found by its title."""
    document = Document.objects.filter(collection=collection, title=handout["title"]).first()
    if document is not None:
        return document
    pdf = render_handout_pdf(workshop, handout)
    document = Document(
        title=handout["title"],
        collection=collection,
        file=ContentFile(pdf, name=f"{workshop.slug}-handout.pdf"),
        file_size=len(pdf),
        file_hash=hash_filelike(ContentFile(pdf)),
    )
    document.save()
    created["documents"] += 1
    return document


def load_guides(workshop_pages, created):
    """A published facilitator guide under every workshop.

    ``facilitators`` makes each new guide private (a group view restriction) when it is first
    saved; the loader relies on that rather than adding its own restriction.
    """
    collection = None
    for slug, workshop in workshop_pages.items():
        if FacilitatorGuidePage.objects.child_of(workshop).exists():
            continue
        data = guides.GUIDES[slug]
        collection = collection or handouts_collection()
        document = load_handout_document(collection, workshop, data["handout"], created)
        guide = FacilitatorGuidePage(
            title=guides.PAGE_TITLE,
            slug=guides.PAGE_SLUG,
            introduction=data["introduction"],
            agenda=guides.agenda_notes(workshop, data["activities"]),
            materials=materials_stream(data["materials"]),
            facilitator_notes=data["notes"],
        )
        guide.handouts = [
            GuideHandout(document=document, when=data["handout"]["when"], sort_order=0)
        ]
        publish_new_page(workshop, guide)
        created["pages"] += 1


# The union and its people


def load_union_structure(created):
    """Divisions, sectors and locals, by code, name and number."""
    divisions = {}
    for code, name, zone in union.DIVISIONS:
        divisions[code], was_created = Division.objects.get_or_create(
            code=code, defaults={"name": name, "time_zone": zone}
        )
        created["divisions"] += was_created
    sectors = {}
    for name in union.SECTORS:
        sectors[name], was_created = Sector.objects.get_or_create(name=name)
        created["sectors"] += was_created
    for number, name, city, division, sector in union.LOCALS:
        _local, was_created = Local.objects.get_or_create(
            number=number,
            defaults={
                "name": name,
                "city": city,
                "division": divisions[division],
                "sector": sectors[sector],
            },
        )
        created["locals"] += was_created


def get_or_create_user(data, created, password=None):
    """The user named ``data["username"]``; a new one gets ``password`` or none usable."""
    User = get_user_model()
    user, was_created = User.objects.get_or_create(
        username=data["username"],
        defaults={
            "email": data["email"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
            "is_staff": data.get("is_staff", False),
            "is_superuser": data.get("is_superuser", False),
        },
    )
    if was_created:
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(update_fields=["password"])
        created["users"] += 1
    return user


def load_users(workshop_pages, created):
    """Admin, staff and facilitators (password ``changeme``), and one participant (returned)."""
    for data in union.USERS:
        user = get_or_create_user(data, created, password=union.DEMO_PASSWORD)
        groups = Group.objects.filter(name__in=data["groups"])
        if set(groups) - set(user.groups.all()):
            user.groups.add(*groups)
        if "facilitator" in data:
            load_facilitator(user, data["facilitator"], workshop_pages, created)
    return get_or_create_user(union.MEMBER, created)


def load_facilitator(user, data, workshop_pages, created):
    """The user's facilitator profile, certified for the workshops listed (added, never removed)."""
    facilitator, was_created = Facilitator.objects.get_or_create(
        user=user,
        defaults={
            "bio": data["bio"],
            "teaches_in_english": data["english"],
            "teaches_in_french": data["french"],
        },
    )
    created["facilitator profiles"] += was_created
    if data["workshops"] == union.ALL_WORKSHOPS:
        certified = list(workshop_pages.values())
    else:
        certified = [workshop_pages[slug] for slug in data["workshops"]]
    missing = set(certified) - set(facilitator.certified_workshops.all())
    if missing:
        facilitator.certified_workshops.add(*missing)


# Sessions, participants and enrolments


def load_sessions(workshop_pages, member_user, created):
    """The demo schedule (``sessions.SESSIONS``) for every workshop that has no session yet.

    A workshop with sessions, demo or not, is left alone, so loading again on a later day adds
    nothing. Enrolments are written directly rather than through
    ``courses.sessions.enrollment``, which rightly refuses sessions that have started and
    emails everyone; the loader checks the same invariants itself: never more confirmed than
    seats, a waitlist only when full, and one enrolment per participant and session. Sessions
    that have taken place get their attendance when they are created (see ``mark_attendance``).
    """
    now = timezone.now()
    today = timezone.localdate(now)
    locals_by_number = Local.objects.in_bulk(field_name="number")
    participants = load_participants(locals_by_number, created)
    member = load_member_participant(member_user, locals_by_number, created)
    unscheduled = {
        plan.workshop
        for plan in sessions.SESSIONS
        if not workshop_pages[plan.workshop].sessions.exists()
    }
    usernames = {username for plan in sessions.SESSIONS for username in plan.facilitators}
    facilitators = (
        get_user_model()
        .objects.select_related("facilitator_profile")
        .in_bulk(usernames, field_name="username")
    )
    placed = defaultdict(set)  # participant pks per workshop: nobody takes a workshop twice
    turn = 0  # where the next session starts picking from its pool, to share the seats around
    for plan in sessions.SESSIONS:
        if plan.workshop not in unscheduled:
            continue
        workshop = workshop_pages[plan.workshop]
        session = create_session(plan, workshop, today, locals_by_number, facilitators)
        created["sessions"] += 1
        pool = [
            participant
            for participant in participants
            if (
                participant.local_id == session.restricted_to_local_id
                if plan.local
                else participant.preferred_language == plan.language
            )
        ]
        chosen = pick_participants(
            pool, plan.confirmed + plan.waitlisted, placed[plan.workshop], turn, plan
        )
        turn += len(chosen)
        confirmed, waitlisted = chosen[: plan.confirmed], chosen[plan.confirmed :]
        if plan.member == sessions.CONFIRMED:
            confirmed.insert(min(2, len(confirmed)), member)
        elif plan.member == sessions.WAITLISTED:
            waitlisted.insert(min(1, len(waitlisted)), member)
        check_seats(plan, confirmed, waitlisted)
        placed[plan.workshop].update(participant.pk for participant in confirmed + waitlisted)
        enrolments = create_enrolments(session, plan, confirmed, waitlisted, now)
        created["enrolments"] += len(enrolments)
        if plan.days < 0:
            marks = mark_attendance(session, enrolments, member, facilitators, turn)
            created["attendance marks"] += len(marks)


def load_participants(locals_by_number, created):
    """The demo participants, found by email (any case), in the order of ``sessions``."""
    participants = []
    for name, email, number, language in sessions.PARTICIPANTS:
        participant, was_created = Participant.objects.get_or_create(
            email__iexact=email,
            defaults={
                "name": name,
                "email": email,
                "local": locals_by_number[number],
                # The union's membership records: the demo's locals are confirmed.
                "local_confirmed": True,
                "preferred_language": language,
            },
        )
        created["participants"] += was_created
        participants.append(participant)
    return participants


def load_member_participant(user, locals_by_number, created):
    """The demo member's participant record, linked to their account so that they can sign in."""
    participant, was_created = Participant.objects.get_or_create(
        email__iexact=user.email,
        defaults={
            "name": user.get_full_name(),
            "email": user.email,
            "local": locals_by_number[sessions.MEMBER_LOCAL],
            "local_confirmed": True,
            "preferred_language": sessions.MEMBER_LANGUAGE,
        },
    )
    created["participants"] += was_created
    if participant.user_id is None and not Participant.objects.filter(user=user).exists():
        participant.user = user
        participant.save(update_fields=["user"])
    return participant


def session_day(today, days):
    """The date ``days`` from today, moved to a working day (later ahead of today, earlier behind).

    Weekends and the winter holidays (24 December to 1 January) are not working days.
    """
    day = today + datetime.timedelta(days=days)
    step = datetime.timedelta(days=1 if days >= 0 else -1)
    while days and not is_working_day(day):
        day += step
    return day


def is_working_day(day):
    winter_holidays = (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1)
    return day.weekday() < 5 and not winter_holidays


def local_time(day, clock, zone=None):
    """``day`` at ``clock`` ("09:00") in the time zone named ``zone`` (the site's by default)."""
    moment = datetime.datetime.combine(day, datetime.time.fromisoformat(clock))
    return timezone.make_aware(moment, zone_named(zone) if zone else None)


def session_zone(plan):
    """The time zone of a planned session: that of the province of its city, or for an online
    session that of most of the people taking part (``sessions.ONLINE_DIVISION``)."""
    if not plan.city:
        code = sessions.ONLINE_DIVISION
    elif plan.city in sessions.CITY_DIVISIONS:
        code = sessions.CITY_DIVISIONS[plan.city]
    else:
        raise ValueError(
            f"The demo session of {plan.workshop!r} is in {plan.city!r}, which is not in "
            "sessions.CITY_DIVISIONS: say which province it is in."
        )
    return next(zone for division, _name, zone in union.DIVISIONS if division == code)


def session_parts(plan, today, zone=None):
    """The parts of a planned session, at the demo's hours in its time zone ``zone``."""
    day = session_day(today, plan.days)
    if not plan.half_days:
        return [
            SessionPart(
                starts_at=local_time(day, sessions.DAY_STARTS_AT, zone),
                ends_at=local_time(day, sessions.DAY_ENDS_AT, zone),
            )
        ]
    next_day = session_day(day, 1)
    return [
        SessionPart(
            starts_at=local_time(half_day, sessions.DAY_STARTS_AT, zone),
            ends_at=local_time(half_day, sessions.HALF_DAY_ENDS_AT, zone),
        )
        for half_day in (day, next_day)
    ]


def create_session(plan, workshop, today, locals_by_number, facilitators):
    """A scheduled session of ``workshop`` with its parts and certified facilitators."""
    team = [facilitators[username] for username in plan.facilitators]
    for user in team:
        if not user.facilitator_profile.is_certified_for(workshop):
            raise ValueError(
                f"{user.username} is not certified for {workshop.slug!r}: choose another "
                "facilitator for its demo session."
            )
    zone = session_zone(plan)
    session = Session(
        workshop=workshop,
        time_zone=zone,
        language=plan.language,
        venue=plan.venue,
        address=plan.address,
        city=plan.city,
        online_url=plan.online_url,
        capacity=plan.capacity,
        restricted_to_local=locals_by_number[plan.local] if plan.local else None,
    )
    session.parts = free_parts(plan, today, zone, team)
    session.save()
    session.facilitators.set(team)
    return session


def free_parts(plan, today, zone, team):
    """The plan's parts (see ``session_parts``), moved on a day at a time (back, for a session
    that has taken place) while one of ``team`` facilitates another session then: weekends and
    the winter holidays can push two sessions onto the same day."""
    step = -1 if plan.days < 0 else 1
    shift = 0
    parts = session_parts(plan, today, zone)
    while facilitator_clashes(team, spans_of(parts)):
        shift += step
        parts = session_parts(plan, today + datetime.timedelta(days=shift), zone)
    return parts


def free_day(day, zone, team, backwards=False):
    """``day``, or else the nearest working day after it (before it, ``backwards``) on which
    none of ``team`` facilitates another session during the demo's day in ``zone``."""

    def demo_day(day):
        starts, ends = sessions.DAY_STARTS_AT, sessions.DAY_ENDS_AT
        return [(local_time(day, starts, zone), local_time(day, ends, zone))]

    while facilitator_clashes(team, demo_day(day)):
        day = session_day(day, -1 if backwards else 1)
    return day


def pick_participants(pool, count, already_placed, start, plan):
    """``count`` participants from ``pool``, from position ``start`` on, skipping those placed."""
    if not count:
        return []
    start %= len(pool)
    rotated = pool[start:] + pool[:start]
    chosen = [participant for participant in rotated if participant.pk not in already_placed]
    if len(chosen) < count:
        raise ValueError(
            f"Not enough demo participants for the {plan.workshop!r} session in "
            f"{plan.city or 'online'}: it needs {count}, {len(chosen)} are free."
        )
    return chosen[:count]


def check_seats(plan, confirmed, waitlisted):
    if len(confirmed) > plan.capacity:
        raise ValueError(f"The {plan.workshop!r} demo session has more people than seats.")
    if waitlisted and len(confirmed) < plan.capacity:
        raise ValueError(f"The {plan.workshop!r} demo session has a waitlist but free seats.")


def create_enrolments(session, plan, confirmed, waitlisted, now):
    """Seats, then the waitlist in order, enrolled over the weeks before the session."""
    first_enrolled = min(now, session.starts_at) - datetime.timedelta(days=30)
    source = EnrollmentSource.STAFF if plan.local else EnrollmentSource.SELF
    enrolments = []
    people = [(p, EnrollmentStatus.CONFIRMED) for p in confirmed]
    people += [(p, EnrollmentStatus.WAITLISTED) for p in waitlisted]
    for position, (participant, status) in enumerate(people):
        enrolled_at = first_enrolled + datetime.timedelta(hours=5 * position)
        accessibility, childcare = sessions.NEEDS.get(participant.email.lower(), ("", ""))
        enrolments.append(
            Enrollment(
                participant=participant,
                session=session,
                status=status,
                source=source,
                accessibility_needs=accessibility,
                childcare_needs=childcare,
                created_at=enrolled_at,
                confirmed_at=enrolled_at if status == EnrollmentStatus.CONFIRMED else None,
            )
        )
    return Enrollment.objects.bulk_create(enrolments)


def mark_attendance(session, enrolments, member, facilitators, start):
    """Attendance for a session that has taken place, as its facilitator marked it that evening.

    The demo member was present; the others attended as ``sessions.ATTENDANCE`` says, from
    position ``start`` on. The marks are written directly, like the enrolments; the session is
    closed afterwards (``home.demo.certificates``).
    """
    duration = Decimal(session.workshop.duration_hours)
    team = list(session.facilitators.all())
    taker = facilitators[sessions.ATTENDANCE_TAKER]
    marked_by = taker if taker in team else team[0]
    pattern = sessions.ATTENDANCE
    marks = []
    others = 0
    for enrolment in enrolments:
        if enrolment.status != EnrollmentStatus.CONFIRMED:
            continue
        if enrolment.participant_id == member.pk:
            status, hours = AttendanceStatus.PRESENT, None
        else:
            status, hours = pattern[(start + others) % len(pattern)]
            others += 1
        if hours is not None:
            hours = Decimal(hours)
        elif status == AttendanceStatus.PRESENT:
            hours = duration
        else:
            hours = Decimal(0)
        marks.append(
            Attendance(
                enrollment=enrolment,
                status=status,
                hours_attended=hours,
                marked_by=marked_by,
                marked_at=session.ends_at,
            )
        )
    return Attendance.objects.bulk_create(marks)
