"""The demo schedule: sessions of the workshops, the members taking part, and their enrolments.

The schedule is here; the places it names and the people who take part are in
``content/sessions.toml``.

Dates are counted in days from the day the demo is loaded, so the schedule always has sessions
coming up, one running today and a few that have just taken place. The sessions that have taken
place have their attendance marked (``ATTENDANCE``; the demo member was there for all of them)
and are closed by the loader, which records completion and issues their certificates. Today's
session is not marked: the demo facilitator takes its attendance and closes it.

A session that would fall on a weekend or in the winter holidays moves to the nearest working
day (later for upcoming sessions, earlier for past ones).

Every full-day session runs from 9:00 to 15:00 in its own time zone, like the workshops'
agendas: the zone of the province of its city (``CITY_DIVISIONS``), so that the schedule has
sessions in Pacific, Eastern, Atlantic and Newfoundland time. The loader fills each session
with demo participants who prefer its language (only members of its local when it is
restricted to one), never more than once per workshop.
"""

from typing import NamedTuple

from courses.choices import AttendanceStatus, Language

from .data import content

DAY_STARTS_AT = "09:00"
DAY_ENDS_AT = "15:00"
# A session split over two half-days takes the morning of two weekdays in a row.
HALF_DAY_ENDS_AT = "12:00"

# The province (a division's code in ``union.DIVISIONS``) of each city the demo holds sessions
# in: a session is in its province's time zone.
CITY_DIVISIONS = content("sessions")["cities"]
# An online session is in the time zone of most of the people taking part.
ONLINE_DIVISION = "ON"

# The demo member (``union.MEMBER``) enrols as a participant of this local.
MEMBER_LOCAL = "3247"
MEMBER_LANGUAGE = Language.ENGLISH

# (name, email, local number, preferred language)
PARTICIPANTS = [
    (person["name"], email, person["local"], Language(person["language"]))
    for email, person in content("sessions")["participants"].items()
]

# What a few participants write on every enrolment form: (accessibility, child care).
NEEDS = {
    email: (needs.get("accessibility", ""), needs.get("childcare", ""))
    for email, needs in content("sessions")["needs"].items()
}


# How the demo participants attended the sessions that have taken place: (status, hours), hours
# None for the whole workshop or none at all. Each session starts from another place in the
# list, so that different people were late or away; the demo member was present throughout.
ATTENDANCE = [
    (AttendanceStatus.PRESENT, None),
    (AttendanceStatus.PRESENT, None),
    (AttendanceStatus.PARTIAL, "4.5"),
    (AttendanceStatus.PRESENT, None),
    (AttendanceStatus.PRESENT, None),
    (AttendanceStatus.ABSENT, None),
    (AttendanceStatus.PRESENT, None),
    (AttendanceStatus.PRESENT, None),
    (AttendanceStatus.PRESENT, None),
    (AttendanceStatus.PARTIAL, "3"),
    (AttendanceStatus.PRESENT, None),
    (AttendanceStatus.EXCUSED, None),
    (AttendanceStatus.PRESENT, None),
]
#: Who marks attendance when they facilitate the session (else its first facilitator does).
ATTENDANCE_TAKER = "facilitator"


def place_field(name):
    """A property of a planned session: the ``name`` field of its place in the content."""
    return property(lambda plan: content("sessions")["places"][plan.place].get(name, ""))


class PlannedSession(NamedTuple):
    """One session of the schedule, and how many demo participants it holds."""

    workshop: str  # the workshop's slug
    days: int  # from the day the demo is loaded: negative in the past, 0 today
    place: str  # its key in the content's places: a venue, or a link for an online session
    capacity: int
    facilitators: tuple[str, ...]  # usernames, each certified for the workshop
    confirmed: int  # demo participants with a seat (the member comes on top)
    waitlisted: int = 0  # demo participants waiting: only when every seat is taken
    language: str = Language.ENGLISH
    local: str = ""  # the only local whose members may enrol
    half_days: bool = False
    member: str = ""  # the demo member's enrolment: "confirmed" or "waitlisted" (second)

    # Where it takes place, from its place in the content ("" when the place has none).
    venue = place_field("venue")
    address = place_field("address")
    city = place_field("city")
    online_url = place_field("online_url")


CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"

SESSIONS = [
    # Upcoming, two to ten weeks ahead.
    PlannedSession(
        workshop="analyzing-your-collective-agreement",
        days=15,
        place="toronto-second-floor",
        capacity=24,
        facilitators=("lgagnon",),
        confirmed=14,
    ),
    PlannedSession(  # Full, with a waitlist.
        workshop="stopping-workplace-bullying",
        days=18,
        place="ottawa-room-4",
        capacity=16,
        facilitators=("dpatel",),
        confirmed=16,
        waitlisted=2,
        member=WAITLISTED,
    ),
    PlannedSession(
        workshop="union-structure-and-officers-roles",
        days=22,
        place="halifax",
        capacity=25,
        facilitators=("jmacdonald",),
        confirmed=23,
    ),
    PlannedSession(  # For one local only, in its language.
        workshop="handling-conflict",
        days=25,
        place="laval-local-3247",
        capacity=15,
        facilitators=("facilitator",),
        confirmed=5,
        language=Language.FRENCH,
        local="3247",
        member=CONFIRMED,
    ),
    PlannedSession(
        workshop="inclusion-and-bias",
        days=29,
        place="oshawa",
        capacity=20,
        facilitators=("dpatel", "jmacdonald"),
        confirmed=9,
    ),
    PlannedSession(  # Online.
        workshop="global-solidarity",
        days=32,
        place="online-global-solidarity",
        capacity=30,
        facilitators=("lgagnon",),
        confirmed=12,
        member=CONFIRMED,
    ),
    PlannedSession(
        workshop="mobilizing-members",
        days=36,
        place="hamilton",
        capacity=20,
        facilitators=("lgagnon", "facilitator"),
        confirmed=18,
    ),
    PlannedSession(  # In French, open to everyone.
        workshop="analyzing-your-collective-agreement",
        days=40,
        place="quebec",
        capacity=20,
        facilitators=("lgagnon",),
        confirmed=6,
        language=Language.FRENCH,
    ),
    PlannedSession(  # Two mornings in a row.
        workshop="handling-conflict",
        days=46,
        place="sudbury",
        capacity=18,
        facilitators=("dpatel",),
        confirmed=7,
        half_days=True,
    ),
    PlannedSession(
        workshop="supervisors-in-the-union",
        days=53,
        place="nanaimo",
        capacity=12,
        facilitators=("lgagnon",),
        confirmed=11,
    ),
    PlannedSession(
        workshop="elections-matter",
        days=60,
        place="st-johns",
        capacity=24,
        facilitators=("jmacdonald",),
        confirmed=8,
    ),
    # Today, for the facilitator to take attendance.
    PlannedSession(
        workshop="elections-matter",
        days=0,
        place="toronto-ground-floor",
        capacity=20,
        facilitators=("facilitator",),
        confirmed=12,
    ),
    # Taken place: attendance marked, then closed by the loader.
    PlannedSession(
        workshop="union-structure-and-officers-roles",
        days=-33,
        place="laval-local-3247",
        capacity=20,
        facilitators=("facilitator",),
        confirmed=9,
        language=Language.FRENCH,
        member=CONFIRMED,
    ),
    PlannedSession(
        workshop="analyzing-your-collective-agreement",
        days=-24,
        place="hamilton",
        capacity=24,
        facilitators=("lgagnon",),
        confirmed=12,
    ),
    PlannedSession(
        workshop="inclusion-and-bias",
        days=-12,
        place="ottawa-room-2",
        capacity=20,
        facilitators=("jmacdonald", "facilitator"),
        confirmed=13,
        member=CONFIRMED,
    ),
    PlannedSession(
        workshop="stopping-workplace-bullying",
        days=-5,
        place="toronto-second-floor",
        capacity=20,
        facilitators=("dpatel", "facilitator"),
        confirmed=10,
    ),
]
